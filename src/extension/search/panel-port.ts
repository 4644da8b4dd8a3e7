/**
 * The seam between the search controller and the search panel (src/extension/panel/).
 * The panel implements PanelPort and is opened with `SearchPanel.show(context, host)`;
 * the controller implements PanelHost. Neither imports the other's module.
 */
import type { FromPanel, ToPanel } from '../../shared/webview-protocol';

export type InitMessage = Extract<ToPanel, { type: 'init' }>;

/** What the panel offers: a way to post to its webview while it is open. */
export interface PanelPort {
  post(message: ToPanel): void;
}

/** What the controller offers the panel. */
export interface PanelHost {
  /** Everything to draw from scratch: sent when the webview says `ready` (open, reload). */
  initMessage(): InitMessage;
  /** Buttons in the panel: stop, resume, commit, start, showLog. */
  onPanelMessage(message: FromPanel): void;
  /** The open panel registers here; posts go to it until the returned disposable is disposed. */
  attach(port: PanelPort): { dispose(): void };
}
