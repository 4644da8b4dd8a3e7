/** The status bar item: engine backend, search epoch and ETA; a click opens the search panel. */
import * as vscode from 'vscode';

export type StatusView =
  | { readonly state: 'idle'; readonly backend?: string }
  | { readonly state: 'starting' }
  | { readonly state: 'running'; readonly backend?: string; readonly epoch?: number; readonly epochs?: number; readonly etaSeconds?: number }
  | { readonly state: 'finished' | 'stopped' | 'failed'; readonly backend?: string; readonly detail?: string };

export class SearchStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ddas.search', vscode.StatusBarAlignment.Left, 10);

  constructor(command: string) {
    this.item.name = 'DDAS search';
    this.item.command = command;
  }

  show(view: StatusView): void {
    const backend = 'backend' in view && view.backend ? ` ${view.backend}` : '';
    switch (view.state) {
      case 'idle':
        if (!backend) {
          this.item.hide();
          return;
        }
        this.item.text = `$(beaker) DDAS${backend}`;
        this.item.tooltip = `DDAS engine ready (backend${backend}). Click to open the search panel.`;
        break;
      case 'starting':
        this.item.text = '$(loading~spin) DDAS starting';
        this.item.tooltip = 'Starting the DDAS engine...';
        break;
      case 'running': {
        const epoch = view.epoch !== undefined && view.epochs ? ` · epoch ${view.epoch + 1}/${view.epochs}` : '';
        const eta = view.etaSeconds !== undefined && Number.isFinite(view.etaSeconds) ? ` · ${formatDuration(view.etaSeconds)} left` : '';
        this.item.text = `$(sync~spin) DDAS${backend}${epoch}${eta}`;
        this.item.tooltip = 'A DDAS search is running. Click to open the search panel.';
        break;
      }
      default:
        this.item.text = `${view.state === 'failed' ? '$(error)' : view.state === 'finished' ? '$(check)' : '$(debug-pause)'} DDAS${backend} · ${view.state}`;
        this.item.tooltip = `${view.detail ?? `The last DDAS search ${view.state}.`} Click to open the search panel.`;
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
