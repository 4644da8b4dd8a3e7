/**
 * The events of the current search, kept to replay into the panel when it (re)opens,
 * and what follows from them (last checkpoint, categories, latest progress, result).
 * A resumed search continues the same log: events after the last saved state are
 * dropped when the resumed engine starts, because it recomputes them. No `vscode`.
 */
import type { EngineEvent, ProgressEvent } from '../../shared/protocol';
import type { Policy } from '../../shared/policy';
import type { SampleRow } from '../../shared/webview-protocol';

type Started = Extract<EngineEvent, { kind: 'started' }>;
type Snapshot = Extract<EngineEvent, { kind: 'snapshot' }>;

/** Events a search produces (previews and engine-wide ones are not part of the log). */
const SEARCH_KINDS: ReadonlySet<EngineEvent['kind']> = new Set(['started', 'progress', 'snapshot', 'checkpoint', 'result', 'cancelled', 'error', 'log']);

/** Bound on progress events kept: beyond it every other old one is dropped (charts stay smooth). */
const MAX_PROGRESS = 4000;

export class SearchLog {
  private list: EngineEvent[] = [];
  private progressCount = 0;
  samples: SampleRow[] = [];
  samplesEpoch = -1;

  get events(): readonly EngineEvent[] {
    return this.list;
  }

  /** Adds a search event; returns false for events that do not belong in the log. */
  add(event: EngineEvent): boolean {
    if (!SEARCH_KINDS.has(event.kind)) return false;
    if (event.kind === 'started' && event.resumedFromEpoch !== undefined) this.dropUnsaved();
    this.list.push(event);
    if (event.kind === 'progress' && ++this.progressCount > MAX_PROGRESS) this.thinProgress();
    return true;
  }

  get started(): Started | undefined {
    return this.findLast((e): e is Started => e.kind === 'started');
  }

  get categories(): readonly string[] {
    return this.started?.categories ?? [];
  }

  get lastProgress(): ProgressEvent | undefined {
    return this.findLast((e): e is ProgressEvent => e.kind === 'progress');
  }

  get lastSnapshot(): Snapshot | undefined {
    return this.findLast((e): e is Snapshot => e.kind === 'snapshot');
  }

  /** The newest checkpoint file written (at an epoch end, or on cancel). */
  get lastCheckpoint(): string | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const e = this.list[i];
      if (e.kind === 'checkpoint') return e.path;
      if (e.kind === 'cancelled' && e.checkpoint) return e.checkpoint;
    }
    return undefined;
  }

  get result(): Policy | undefined {
    return this.findLast((e): e is Extract<EngineEvent, { kind: 'result' }> => e.kind === 'result')?.policy;
  }

  /** Drops what came after the last saved state (a checkpoint or a cancel). */
  private dropUnsaved(): void {
    let keep = 0;
    for (let i = this.list.length - 1; i >= 0; i--) {
      const kind = this.list[i].kind;
      if (kind === 'checkpoint' || kind === 'cancelled') {
        keep = i + 1;
        break;
      }
    }
    // Keep errors and logs: they say why the search stopped.
    this.list = [...this.list.slice(0, keep), ...this.list.slice(keep).filter((e) => e.kind === 'error' || e.kind === 'log')];
    this.progressCount = this.list.filter((e) => e.kind === 'progress').length;
  }

  private thinProgress(): void {
    let n = 0;
    this.list = this.list.filter((e) => e.kind !== 'progress' || n++ % 2 === 0);
    this.progressCount = this.list.filter((e) => e.kind === 'progress').length;
  }

  private findLast<T extends EngineEvent>(match: (e: EngineEvent) => e is T): T | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const e = this.list[i];
      if (match(e)) return e;
    }
    return undefined;
  }
}
