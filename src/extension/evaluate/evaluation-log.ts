/**
 * The events of the current evaluation, kept to replay into the panel when it (re)opens.
 * Only what the panel draws from is kept: the start, every finished run, the held-out
 * accuracy at each epoch end of the run in progress, the newest progress event, and the
 * report. A resumed evaluation starts the log afresh (the engine replays its finished
 * runs after `evaluateStarted`). No `vscode`.
 */
import type { EvaluateEvent, EvaluationReport } from '../../shared/evaluation';
import type { EngineEvent } from '../../shared/protocol';

type Progress = Extract<EvaluateEvent, { kind: 'evaluateProgress' }>;

const EVALUATE_KINDS: ReadonlySet<EngineEvent['kind']> = new Set(['evaluateStarted', 'evaluateProgress', 'evaluateRun', 'evaluateResult']);

export function isEvaluateEvent(event: EngineEvent): event is EvaluateEvent {
  return EVALUATE_KINDS.has(event.kind);
}

export class EvaluationLog {
  private kept: EvaluateEvent[] = [];
  private latest: Progress | undefined;
  private checkpoint: string | undefined;

  /** The events to replay, in order (the newest progress last). */
  get events(): readonly EvaluateEvent[] {
    return this.latest && this.latest.testAccuracy === undefined ? [...this.kept, this.latest] : this.kept;
  }

  get lastProgress(): Progress | undefined {
    return this.latest;
  }

  get report(): EvaluationReport | undefined {
    const last = this.kept[this.kept.length - 1];
    return last?.kind === 'evaluateResult' ? last.report : undefined;
  }

  /** Finished runs so far. */
  get runsDone(): number {
    return this.kept.filter((e) => e.kind === 'evaluateRun').length;
  }

  /** The newest checkpoint the engine wrote (a resume continues from it). */
  get lastCheckpoint(): string | undefined {
    return this.checkpoint;
  }

  /** Adds an event of the evaluation; returns whether the panel should see it. */
  add(event: EngineEvent): boolean {
    if (event.kind === 'checkpoint') this.checkpoint = event.path;
    if (event.kind === 'cancelled' && event.checkpoint) this.checkpoint = event.checkpoint;
    if (!isEvaluateEvent(event)) return false;
    switch (event.kind) {
      case 'evaluateStarted':
        this.kept = [event];
        this.latest = undefined;
        return true;
      case 'evaluateProgress': {
        // A new run: the previous run's epoch ends are summed up by its evaluateRun.
        if (this.latest && this.latest.run !== event.run) this.kept = this.kept.filter((e) => e.kind !== 'evaluateProgress');
        this.latest = event;
        if (event.testAccuracy !== undefined) this.kept.push(event);
        return true;
      }
      case 'evaluateRun':
        this.kept = this.kept.filter((e) => !(e.kind === 'evaluateProgress' && sameRun(e, event)));
        this.kept.push(event);
        if (this.latest && sameRun(this.latest, event)) this.latest = undefined;
        return true;
      case 'evaluateResult':
        this.kept.push(event);
        this.latest = undefined;
        return true;
    }
  }
}

function sameRun(a: { readonly label: string; readonly seed: number }, b: { readonly label: string; readonly seed: number }): boolean {
  return a.label === b.label && a.seed === b.seed;
}
