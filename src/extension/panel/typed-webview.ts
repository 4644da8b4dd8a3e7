/**
 * A webview panel that speaks one typed protocol in each direction (the pattern of
 * vscode-codeql's AbstractWebview). Subclasses say how to build the page, how to
 * recognise their messages and what to do with them. Messages are posted only while the
 * page is live and has said it is ready: a page that (re)loads asks for the full state
 * again, so nothing posted before is needed.
 */
import * as vscode from 'vscode';

export abstract class TypedWebview<ToMsg, FromMsg extends { readonly type: string }> implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  private live = false;
  private disposed = false;

  /** Fires once, when the user closes the panel or `dispose` is called. */
  readonly onDidDispose = this.disposeEmitter.event;

  protected constructor(readonly panel: vscode.WebviewPanel) {
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      // Without retainContextWhenHidden a hidden page is destroyed; it says `ready` again.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.live = false;
      }),
    );
  }

  /** Whether the page has loaded and asked for its state. */
  get isLive(): boolean {
    return this.live && !this.disposed;
  }

  /** Posts when the page can receive; returns false when it was dropped. */
  async post(message: ToMsg): Promise<boolean> {
    if (!this.isLive) return false;
    return this.panel.webview.postMessage(message);
  }

  reveal(column?: vscode.ViewColumn, preserveFocus = false): void {
    this.panel.reveal(column, preserveFocus);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.live = false;
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  /** Loads the page; call once the subclass is constructed. */
  protected load(): void {
    this.live = false;
    this.panel.webview.html = this.html(this.panel.webview);
  }

  /** Marks the page live (call when it says it is ready, before answering). */
  protected markLive(): void {
    this.live = true;
  }

  protected abstract html(webview: vscode.Webview): string;
  protected abstract isMessage(value: unknown): value is FromMsg;
  protected abstract onMessage(message: FromMsg): void | Thenable<void>;

  private receive(value: unknown): void {
    if (!this.isMessage(value)) {
      console.warn(`[ddas] ignored an unknown message from the ${this.panel.viewType} webview`, value);
      return;
    }
    Promise.resolve(this.onMessage(value)).catch((e: unknown) => {
      const text = e instanceof Error ? e.message : String(e);
      void vscode.window.showErrorMessage(`DDAS: ${value.type} failed: ${text}`);
    });
  }
}
