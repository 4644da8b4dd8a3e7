/** How far a running evaluation is, as a fraction and in words (the notification's text). No `vscode`. */
import type { EvaluateEvent } from '../../shared/evaluation';

export type EvaluateProgressEvent = Extract<EvaluateEvent, { kind: 'evaluateProgress' }>;

/** Fraction of the evaluation done after this step, 0..1. */
export function evaluationFraction(e: EvaluateProgressEvent): number {
  const steps = Math.max(1, e.stepsPerEpoch ?? 1);
  const within = (e.epoch * steps + (e.step ?? steps - 1) + 1) / (Math.max(1, e.epochs) * steps);
  return Math.min(1, (e.run + Math.min(1, within)) / Math.max(1, e.runs));
}

/** 75 -> "1:15", 3725 -> "1:02:05" (as the search's status bar writes it). */
function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** "run 4/18 · base, seed 1 · epoch 7/15 · held-out 84.2% · 12:30 left". */
export function evaluationProgressText(e: EvaluateProgressEvent): string {
  const eta = Number.isFinite(e.etaSeconds) ? ` · ${clock(e.etaSeconds)} left` : '';
  const acc = e.testAccuracy !== undefined ? ` · held-out ${(100 * e.testAccuracy).toFixed(1)}%` : '';
  return `run ${e.run + 1}/${e.runs} · ${e.label}, seed ${e.seed} · epoch ${Math.min(e.epoch + 1, e.epochs)}/${e.epochs}${acc}${eta}`;
}
