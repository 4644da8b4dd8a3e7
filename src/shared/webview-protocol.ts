/**
 * Messages between the extension and the search panel's webview. The panel is a view of
 * the engine's event stream: the extension forwards engine events as they arrive and, when
 * the panel (re)opens, replays the ones buffered for the current search, so hiding,
 * showing and reloading the window lose nothing.
 */
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

export type ToPanel =
  /** Everything the panel needs to draw itself from scratch. */
  | { readonly type: 'init'; readonly search: SearchSummary | null; readonly events: readonly EngineEvent[]; readonly samples: readonly SampleRow[]; readonly status: PanelStatus }
  | { readonly type: 'event'; readonly event: EngineEvent }
  | { readonly type: 'samples'; readonly epoch: number; readonly rows: readonly SampleRow[] }
  | { readonly type: 'status'; readonly status: PanelStatus };

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
