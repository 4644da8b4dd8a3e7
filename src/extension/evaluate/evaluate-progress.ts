/**
 * The cancellable progress notification of a running evaluation: run i of n, the entry
 * and seed in training, its epoch, and the ETA of the whole evaluation. Cancelling it
 * stops the evaluation (the engine checkpoints the run in progress).
 */
import * as vscode from 'vscode';
import { evaluationFraction, evaluationProgressText, type EvaluateProgressEvent } from './progress-text';

export class EvaluateProgress implements vscode.Disposable {
  private report: ((value: { message?: string; increment?: number }) => void) | undefined;
  private finish: (() => void) | undefined;
  private done = 0;

  constructor(title: string, onCancel: () => void) {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      this.report = (v) => progress.report(v);
      token.onCancellationRequested(onCancel);
      progress.report({ message: 'loading the dataset and its held-out split...' });
      return new Promise<void>((resolve) => (this.finish = resolve));
    });
  }

  update(e: EvaluateProgressEvent): void {
    const increment = Math.max(0, evaluationFraction(e) * 100 - this.done);
    this.done += increment;
    this.report?.({ increment, message: evaluationProgressText(e) });
  }

  message(text: string): void {
    this.report?.({ message: text });
  }

  dispose(): void {
    this.finish?.();
    this.finish = undefined;
  }
}
