/**
 * The cancellable progress notification of a running search (epoch, p_aug, ETA).
 * Cancelling it asks the controller to stop the search (which checkpoints).
 */
import * as vscode from 'vscode';
import type { ProgressEvent } from '../../shared/protocol';
import { formatDuration } from './status-bar';

export class SearchProgress implements vscode.Disposable {
  private report: ((value: { message?: string; increment?: number }) => void) | undefined;
  private finish: (() => void) | undefined;
  private done = 0;

  constructor(title: string, onCancel: () => void) {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      this.report = (v) => progress.report(v);
      token.onCancellationRequested(onCancel);
      progress.report({ message: 'loading the dataset...' });
      return new Promise<void>((resolve) => (this.finish = resolve));
    });
  }

  update(e: ProgressEvent): void {
    const total = e.epochs * Math.max(1, e.stepsPerEpoch);
    const fraction = Math.min(1, (e.epoch * e.stepsPerEpoch + e.step + 1) / total);
    const increment = Math.max(0, fraction * 100 - this.done);
    this.done += increment;
    const eta = Number.isFinite(e.etaSeconds) ? ` · ${formatDuration(e.etaSeconds)} left` : '';
    this.report?.({ increment, message: `epoch ${e.epoch + 1}/${e.epochs} · p_aug ${e.pAug.toFixed(3)} · val acc ${(e.valAccuracy * 100).toFixed(1)}%${eta}` });
  }

  message(text: string): void {
    this.report?.({ message: text });
  }

  dispose(): void {
    this.finish?.();
    this.finish = undefined;
  }
}
