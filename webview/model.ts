/**
 * What the panel knows, rebuilt from the extension's messages: `init` replaces it, the
 * rest update it. Pure (no DOM) so it is unit-tested in mocha; `apply` says which parts
 * of the view changed so the renderer redraws only those.
 */
import type { BaseTransform } from '../src/shared/base';
import type { EngineEvent, ProgressEvent } from '../src/shared/protocol';
import type { PanelStatus, SampleRow, SearchSummary, ToPanel } from '../src/shared/webview-protocol';
import { heatmapLayout, parseCategory, type Category, type HeatmapLayout } from './categories';
import { EvaluationModel } from './evaluation-model';
import { History } from './history';

export type StartedEvent = Extract<EngineEvent, { kind: 'started' }>;
export type Phase = 'idle' | 'starting' | 'running' | 'stopped' | 'done' | 'failed';
export type Part = 'header' | 'charts' | 'heatmap' | 'samples' | 'evaluation';

export interface Snapshot {
  readonly x: number;
  readonly epoch: number;
  readonly pAug: number;
  readonly valAccuracy: number;
}

const NOT_RUNNING: PanelStatus = { running: false, canResume: false, canCommit: false };

export class PanelModel {
  search: SearchSummary | null = null;
  status: PanelStatus = NOT_RUNNING;
  started: StartedEvent | null = null;
  categories: readonly Category[] = [];
  layout: HeatmapLayout = { magnitudes: [], rows: [] };
  latest: ProgressEvent | null = null;
  readonly history: History;
  snapshots: Snapshot[] = [];
  checkpointEpoch: number | null = null;
  result: { outFile?: string } | null = null;
  /** The base transform the search ran under: from its start, else from its result's policy. */
  base: BaseTransform | null = null;
  cancelled = false;
  error: string | null = null;
  samples: { epoch: number | null; rows: readonly SampleRow[] } = { epoch: null, rows: [] };
  /** The evaluation section (DDAS: Evaluate Policy), independent of the search. */
  readonly evaluation = new EvaluationModel();

  constructor(maxPoints = 2000) {
    this.history = new History(maxPoints);
  }

  apply(msg: ToPanel): ReadonlySet<Part> {
    switch (msg.type) {
      case 'init':
        this.reset();
        this.search = msg.search;
        this.status = msg.status;
        this.samples = { epoch: null, rows: msg.samples };
        for (const e of msg.events) this.event(e);
        this.evaluation.reset(msg.evaluation ?? null);
        return new Set<Part>(['header', 'charts', 'heatmap', 'samples', 'evaluation']);
      case 'event':
        return this.event(msg.event);
      case 'samples':
        this.samples = { epoch: msg.epoch, rows: msg.rows };
        return new Set<Part>(['samples']);
      case 'status':
        this.status = msg.status;
        return new Set<Part>(['header']);
      case 'evaluation':
        this.evaluation.reset(msg.evaluation);
        return new Set<Part>(['evaluation']);
      case 'evaluationEvent':
        this.evaluation.event(msg.event);
        return new Set<Part>(['evaluation']);
      case 'evaluationStatus':
        this.evaluation.setStatus(msg.status);
        return new Set<Part>(['evaluation']);
    }
  }

  get phase(): Phase {
    if (this.status.running) return this.latest ? 'running' : 'starting';
    if (this.status.problem || this.error) return 'failed';
    if (this.result) return 'done';
    if (this.started || this.cancelled) return 'stopped';
    return 'idle';
  }

  /** Fraction of the search done, 0..1, or null before the first step. */
  get progress(): number | null {
    const l = this.latest;
    return l ? Math.min(1, (l.epoch * l.stepsPerEpoch + l.step + 1) / (l.epochs * l.stepsPerEpoch)) : null;
  }

  /** The problem to show in the banner: the extension's word first, then the engine's. */
  get problem(): string | null {
    return this.status.problem ?? (this.status.running ? null : this.error);
  }

  private event(e: EngineEvent): ReadonlySet<Part> {
    switch (e.kind) {
      case 'started': {
        const sameSearch = this.started?.id === e.id && e.resumedFromEpoch !== undefined;
        if (sameSearch) this.history.truncate(e.resumedFromEpoch ?? 0);
        else this.resetSearch();
        this.snapshots = this.snapshots.filter((s) => s.epoch < (e.resumedFromEpoch ?? 0));
        this.started = e;
        this.base = e.base ?? null;
        this.categories = e.categories.map(parseCategory);
        this.layout = heatmapLayout(this.categories);
        this.result = null;
        this.cancelled = false;
        this.error = null;
        return new Set<Part>(['header', 'charts', 'heatmap']);
      }
      case 'progress': {
        this.latest = e;
        this.history.push({
          x: e.epoch + (e.step + 1) / e.stepsPerEpoch,
          pAug: e.pAug,
          trainLoss: e.trainLoss,
          valLoss: e.valLoss,
          valAccuracy: e.valAccuracy,
          p: Float32Array.from(e.p),
        });
        return new Set<Part>(['header', 'charts', 'heatmap']);
      }
      case 'snapshot':
        this.snapshots.push({ x: e.epoch + 1, epoch: e.epoch, pAug: e.pAug, valAccuracy: e.valAccuracy });
        return new Set<Part>(['header', 'charts']);
      case 'checkpoint':
        this.checkpointEpoch = e.epoch;
        return new Set<Part>(['header']);
      case 'result':
        this.result = { outFile: e.outFile };
        this.base = e.policy.base ?? this.base;
        return new Set<Part>(['header']);
      case 'cancelled':
        this.cancelled = true;
        return new Set<Part>(['header']);
      case 'error':
        this.error = e.message;
        return new Set<Part>(['header']);
      // Evaluation events reach the evaluation section as `evaluationEvent` messages.
      case 'ready':
      case 'preview':
      case 'log':
      case 'evaluateStarted':
      case 'evaluateProgress':
      case 'evaluateRun':
      case 'evaluateResult':
        return new Set<Part>();
    }
  }

  private resetSearch(): void {
    this.started = null;
    this.base = null;
    this.categories = [];
    this.layout = { magnitudes: [], rows: [] };
    this.latest = null;
    this.history.clear();
    this.snapshots = [];
    this.checkpointEpoch = null;
  }

  private reset(): void {
    this.resetSearch();
    this.search = null;
    this.status = NOT_RUNNING;
    this.result = null;
    this.cancelled = false;
    this.error = null;
    this.samples = { epoch: null, rows: [] };
  }
}

/** Indices of the k largest entries of p, largest first. */
export function topIndices(p: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: p.length }, (_, i) => i)
    .sort((a, b) => p[b] - p[a] || a - b)
    .slice(0, k);
}
