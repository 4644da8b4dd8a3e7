/**
 * The live search panel: one per window, restored after a reload by the serializer.
 * The extension owns the state (buffered events, samples, status); the panel asks for it
 * with `ready` and gets `init`, then receives each new message as it happens.
 */
import * as vscode from 'vscode';
import { isFromPanel, type FromPanel, type ToPanel } from '../../shared/webview-protocol';
import { newNonce, panelHtml } from './html';
import { TypedWebview } from './typed-webview';

export const SEARCH_PANEL_VIEW_TYPE = 'ddas.searchPanel';

export type PanelInit = Omit<Extract<ToPanel, { type: 'init' }>, 'type'>;
export type PanelCommand = Exclude<FromPanel['type'], 'ready'>;

/** What the extension does for the panel. Button commands may be async; a rejection is shown to the user. */
export type SearchPanelHandlers = {
  /**
   * The state to draw from scratch, asked on every (re)load of the page. Answer with the
   * buffer as it is now (synchronously is best): later events are posted after it.
   */
  readonly init: () => PanelInit | Thenable<PanelInit>;
} & { readonly [C in PanelCommand]: () => void | Thenable<void> };

export class SearchPanel extends TypedWebview<ToPanel, FromPanel> {
  private static instance: SearchPanel | undefined;

  /** The open panel, if any. */
  static get current(): SearchPanel | undefined {
    return SearchPanel.instance;
  }

  /** Opens the panel, or reveals the open one. */
  static show(context: vscode.ExtensionContext, handlers: SearchPanelHandlers, column: vscode.ViewColumn = vscode.ViewColumn.Active): SearchPanel {
    const open = SearchPanel.instance;
    if (open) {
      open.reveal(column);
      return open;
    }
    const panel = vscode.window.createWebviewPanel(SEARCH_PANEL_VIEW_TYPE, 'DDAS Search', column, SearchPanel.options(context));
    return new SearchPanel(panel, context, handlers);
  }

  /** Adopts a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, handlers: SearchPanelHandlers): SearchPanel {
    SearchPanel.instance?.dispose();
    panel.webview.options = SearchPanel.options(context);
    return new SearchPanel(panel, context, handlers);
  }

  /** Posts to the open panel, if one is open and loaded. */
  static post(message: ToPanel): Promise<boolean> {
    return SearchPanel.instance?.post(message) ?? Promise.resolve(false);
  }

  private static options(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      // State comes back through `init` and the page's own getState, so no retained context.
      retainContextWhenHidden: false,
      enableFindWidget: false,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')],
    };
  }

  private constructor(
    panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly handlers: SearchPanelHandlers,
  ) {
    super(panel);
    SearchPanel.instance = this;
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'ddas.svg');
    this.onDidDispose(() => {
      if (SearchPanel.instance === this) SearchPanel.instance = undefined;
    });
    this.load();
  }

  protected html(webview: vscode.Webview): string {
    const uri = (...path: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, ...path)).toString();
    return panelHtml({ cspSource: webview.cspSource, script: uri('dist', 'webview.js'), style: uri('dist', 'webview.css'), codicons: uri('dist', 'codicons', 'codicon.css') }, newNonce());
  }

  protected isMessage(value: unknown): value is FromPanel {
    return isFromPanel(value);
  }

  protected async onMessage(message: FromPanel): Promise<void> {
    if (message.type !== 'ready') return this.handlers[message.type]();
    // Live only from the answer on: events posted before it would be replayed by it, or lost.
    const init = await this.handlers.init();
    this.markLive();
    await this.post({ type: 'init', ...init });
  }
}

/**
 * Lets VS Code bring the panel back after a window reload. Needs, in package.json,
 * "activationEvents": ["onWebviewPanel:ddas.searchPanel"].
 */
export function registerSearchPanelSerializer(context: vscode.ExtensionContext, handlers: SearchPanelHandlers): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(SEARCH_PANEL_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
      SearchPanel.revive(panel, context, handlers);
    },
  });
}
