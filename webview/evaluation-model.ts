/**
 * What the panel's evaluation section knows, rebuilt from the extension's messages: the
 * section's state replaces it, the evaluation's events update it. Before the report, each
 * entry's numbers come from its finished runs (and the paired comparison from the seeds
 * every entry has finished), so the section fills in live; the report's own numbers
 * replace them when it comes. Pure (no DOM), so it is unit-tested in mocha.
 */
import type { EvaluateEvent, EvaluationReport, Interval } from '../src/shared/evaluation';
import { summarise, type RunResult, type Summary } from '../src/shared/evaluation-summary';
import { meanInterval } from '../src/shared/stats';
import type { EvaluationInfo, EvaluationPanelState, EvaluationStatus } from '../src/shared/webview-protocol';

type Started = Extract<EvaluateEvent, { kind: 'evaluateStarted' }>;
type Progress = Extract<EvaluateEvent, { kind: 'evaluateProgress' }>;

export type EvaluationPhase = 'starting' | 'running' | 'done' | 'stopped' | 'failed';

export interface EntryRow {
  readonly label: string;
  readonly kind: 'policy' | 'baseline';
  /** Finished runs (one per seed). */
  readonly runs: number;
  /** Held-out accuracy per finished seed. */
  readonly accuracies: readonly number[];
  /** Mean and 95% interval over the finished seeds; null before the first. */
  readonly accuracy: Interval | null;
  /** Mean held-out accuracy after each epoch over the finished runs. */
  readonly curve: readonly number[];
  /** Paired difference to the best baseline; null for it, without baselines, or before a complete seed. */
  readonly difference: Interval | null;
  readonly isBestBaseline: boolean;
}

/** The run in training: its held-out accuracy at each epoch end so far. */
export interface CurrentRun {
  readonly label: string;
  readonly seed: number;
  readonly run: number;
  readonly runs: number;
  readonly curve: readonly number[];
  readonly latest: Progress;
}

const IDLE: EvaluationStatus = { running: false };

export class EvaluationModel {
  info: EvaluationInfo | null = null;
  status: EvaluationStatus = IDLE;
  started: Started | null = null;
  runs: RunResult[] = [];
  current: CurrentRun | null = null;
  report: EvaluationReport | null = null;
  private cache: { rows: EntryRow[]; summary: Summary | null } | null = null;

  /** The section from scratch (init, or a new evaluation). */
  reset(state: EvaluationPanelState | null): void {
    this.info = state?.info ?? null;
    this.status = state?.status ?? IDLE;
    this.started = null;
    this.runs = [];
    this.current = null;
    this.report = null;
    this.cache = null;
    for (const e of state?.events ?? []) this.event(e);
  }

  setStatus(status: EvaluationStatus): void {
    this.status = status;
  }

  /** An event of the evaluation shown (the extension forwards only those; a resume's replay carries the earlier id). */
  event(e: EvaluateEvent): void {
    this.cache = null;
    switch (e.kind) {
      case 'evaluateStarted':
        // New or resumed: the engine replays the finished runs next.
        this.started = e;
        this.runs = [];
        this.current = null;
        this.report = null;
        return;
      case 'evaluateProgress': {
        const same = this.current !== null && this.current.label === e.label && this.current.seed === e.seed;
        const curve = same && this.current ? [...this.current.curve] : [];
        if (e.testAccuracy !== undefined) curve[e.epoch] = e.testAccuracy;
        this.current = { label: e.label, seed: e.seed, run: e.run, runs: e.runs, curve, latest: e };
        return;
      }
      case 'evaluateRun':
        this.runs = [...this.runs.filter((r) => !(r.label === e.label && r.seed === e.seed)), { label: e.label, seed: e.seed, accuracy: e.accuracy, curve: e.curve }];
        if (this.current && this.current.label === e.label && this.current.seed === e.seed) this.current = null;
        return;
      case 'evaluateResult':
        this.report = e.report;
        this.current = null;
        return;
    }
  }

  get hasEvaluation(): boolean {
    return this.info !== null;
  }

  get phase(): EvaluationPhase {
    if (this.report) return 'done';
    if (this.status.running) return this.current || this.runs.length ? 'running' : 'starting';
    if (this.status.problem) return 'failed';
    return 'stopped';
  }

  /** Entry labels in request order (the engine's, once it started). */
  get labels(): readonly string[] {
    return this.report?.entries.map((e) => e.label) ?? this.started?.labels ?? this.info?.entries.map((e) => e.label) ?? [];
  }

  get epochs(): number {
    return this.report?.budget.epochs ?? this.started?.epochs ?? this.current?.latest.epochs ?? 0;
  }

  get testImages(): number {
    return this.report?.dataset.testImages ?? this.started?.testImages ?? 0;
  }

  /** Runs planned, and finished. */
  get runCounts(): { readonly done: number; readonly total: number } {
    const s = this.started;
    const total = s ? (s.runs ?? s.labels.length * s.seeds) : 0;
    return { done: this.report ? total : this.runs.length, total };
  }

  /** Fraction done, 0..1, from the newest progress (or the finished runs); null before either. */
  get progress(): number | null {
    if (this.report) return 1;
    const l = this.current?.latest;
    if (!l) {
      const { done, total } = this.runCounts;
      return total > 0 && done > 0 ? done / total : null;
    }
    const steps = Math.max(1, l.stepsPerEpoch ?? 1);
    const within = (l.epoch * steps + (l.step ?? steps - 1) + 1) / (Math.max(1, l.epochs) * steps);
    return Math.min(1, (l.run + Math.min(1, within)) / Math.max(1, l.runs));
  }

  kindOf(label: string): 'policy' | 'baseline' {
    return this.report?.entries.find((e) => e.label === label)?.kind ?? this.info?.entries.find((e) => e.label === label)?.kind ?? 'policy';
  }

  /** The baseline the verdict compares with (the best one so far). */
  get bestBaseline(): string | null {
    return this.report ? (this.report.bestBaseline ?? null) : (this.computed().summary?.bestBaseline ?? null);
  }

  get rows(): readonly EntryRow[] {
    return this.computed().rows;
  }

  /** The sentence to show: the report's, else a provisional one once every entry has finished a seed. */
  get verdict(): { readonly text: string; readonly final: boolean } | null {
    if (this.report) return { text: this.report.verdict, final: true };
    const summary = this.computed().summary;
    if (!summary || summary.seeds.length === 0) return null;
    const of = this.started ? ` of ${this.started.seeds}` : '';
    return { text: `So far (${summary.seeds.length}${of} seeds): ${summary.verdict}`, final: false };
  }

  private computed(): { rows: EntryRow[]; summary: Summary | null } {
    if (this.cache) return this.cache;
    const report = this.report;
    if (report) {
      const best = report.bestBaseline;
      const rows = report.entries.map((e): EntryRow => ({
        label: e.label,
        kind: e.kind ?? this.kindOf(e.label),
        runs: e.accuracies.length,
        accuracies: e.accuracies,
        accuracy: e.accuracy,
        curve: e.curve,
        difference: best !== undefined && best !== e.label ? (report.differences.find((d) => d.entry === e.label && d.reference === best)?.difference ?? null) : null,
        isBestBaseline: e.label === best,
      }));
      this.cache = { rows, summary: null };
      return this.cache;
    }
    const entries = this.labels.map((label) => ({ label, kind: this.kindOf(label) }));
    const summary = this.runs.length ? summarise(entries, this.runs, this.testImages) : null;
    const best = summary?.bestBaseline;
    const rows = entries.map((e): EntryRow => {
      const mine = this.runs.filter((r) => r.label === e.label).sort((a, b) => a.seed - b.seed);
      const accuracies = mine.map((r) => r.accuracy);
      const epochs = mine.length ? Math.min(...mine.map((r) => r.curve.length)) : 0;
      const curve = Array.from({ length: epochs }, (_, k) => mine.reduce((s, r) => s + r.curve[k], 0) / mine.length);
      const difference = best !== undefined && best !== e.label ? (summary?.differences.find((d) => d.entry === e.label && d.reference === best)?.difference ?? null) : null;
      return { label: e.label, kind: e.kind, runs: mine.length, accuracies, accuracy: accuracies.length ? meanInterval(accuracies) : null, curve, difference, isBestBaseline: e.label === best };
    });
    this.cache = { rows, summary };
    return this.cache;
  }
}
