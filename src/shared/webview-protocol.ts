/**
 * Messages between the extension and the search panel's webview. The panel is a view of
 * the engine's event stream: the extension forwards engine events as they arrive and, when
 * the panel (re)opens, replays the ones buffered for the current search, so hiding,
 * showing and reloading the window lose nothing.
 */
import type { EvaluateEvent } from './evaluation';
import type { EngineEvent } from './protocol';

/** One preview row: a user's image and its augmented draws under the current policy. */
export interface SampleRow {
  readonly label: string;
  /** PNG bytes, base64. */
  readonly original: string;
  readonly draws: readonly string[];
}

export interface SearchSummary {
  readonly id: string;
  readonly dataset: string;
  readonly preset: string;
  readonly outFile?: string;
}

export interface PanelStatus {
  readonly running: boolean;
  readonly canResume: boolean;
  readonly canCommit: boolean;
  /** Set when the engine died or the search failed: shown with a link to the log. */
  readonly problem?: string;
}

/** What is being evaluated: shown above the evaluation's charts. */
export interface EvaluationInfo {
  /** The evaluate request's id. */
  readonly id: string;
  /** The policy's label (a file name, or "last search result"), as the engine's events name it. */
  readonly policy: string;
  readonly dataset: string;
  /** "Quick (3 seeds x 15 epochs, 1,000 training images)". */
  readonly budget: string;
  /** Every entry in request order: the policy and the baselines. */
  readonly entries: readonly { readonly label: string; readonly kind: 'policy' | 'baseline' }[];
}

export interface EvaluationStatus {
  readonly running: boolean;
  /** Stopped by the user before the report. */
  readonly cancelled?: boolean;
  /** Set when the evaluation failed or the engine died. */
  readonly problem?: string;
}

/**
 * The evaluation section of the panel, from scratch: the current (or last) evaluation's
 * events so far, replayed when the panel (re)opens, like the search's.
 */
export interface EvaluationPanelState {
  readonly info: EvaluationInfo;
  readonly events: readonly EvaluateEvent[];
  readonly status: EvaluationStatus;
}

export type ToPanel =
  /** Everything the panel needs to draw itself from scratch. */
  | {
      readonly type: 'init';
      readonly search: SearchSummary | null;
      readonly events: readonly EngineEvent[];
      readonly samples: readonly SampleRow[];
      readonly status: PanelStatus;
      /** The evaluation section; absent or null: none. */
      readonly evaluation?: EvaluationPanelState | null;
    }
  | { readonly type: 'event'; readonly event: EngineEvent }
  | { readonly type: 'samples'; readonly epoch: number; readonly rows: readonly SampleRow[] }
  | { readonly type: 'status'; readonly status: PanelStatus }
  /** A new evaluation (or none): replaces the evaluation section. */
  | { readonly type: 'evaluation'; readonly evaluation: EvaluationPanelState | null }
  /** One event of the evaluation the section shows. */
  | { readonly type: 'evaluationEvent'; readonly event: EvaluateEvent }
  | { readonly type: 'evaluationStatus'; readonly status: EvaluationStatus };

export type FromPanel =
  | { readonly type: 'ready' }
  | { readonly type: 'stop' }
  | { readonly type: 'resume' }
  | { readonly type: 'commit' }
  | { readonly type: 'start' }
  | { readonly type: 'showLog' };

export function isFromPanel(value: unknown): value is FromPanel {
  if (!value || typeof value !== 'object') return false;
  const type = (value as { type?: unknown }).type;
  return type === 'ready' || type === 'stop' || type === 'resume' || type === 'commit' || type === 'start' || type === 'showLog';
}
