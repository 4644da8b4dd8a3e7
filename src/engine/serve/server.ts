/**
 * `ddas serve`: the engine as a JSON-lines process (DESIGN section 6). One long job (a
 * search or an evaluation) at a time, previews alongside it; a bad line gets an `error`
 * event and the engine keeps serving; end of input or `shutdown` cancels the job (leaving
 * its checkpoint) and exits.
 */
import * as readline from 'node:readline';
import type { EvaluateRequest } from '../../shared/evaluation';
import { encodeEvent, parseRequest, PROTOCOL_VERSION, type BackendReport, type EngineEvent, type ErrorCode, type ParsedRequest, type SearchRequest } from '../../shared/protocol';
import { DatasetError } from '../data/errors';
import { UserError } from '../errors';
import { renderPreview } from './preview';

export type Emit = (event: EngineEvent) => void;

export interface ServeDeps {
  /** Picks and initialises the backend once, before `ready`. */
  readonly backend: () => Promise<BackendReport>;
  readonly versions: Record<string, string>;
  /** Runs a search to its end (result), or until the signal aborts it (cancelled). */
  readonly search: (request: SearchRequest, emit: Emit, signal: AbortSignal) => Promise<void>;
  /** Runs an evaluation to its end (evaluateResult), or until the signal aborts it (cancelled). */
  readonly evaluate: (request: EvaluateRequest, emit: Emit, signal: AbortSignal) => Promise<void>;
}

export function errorCode(e: unknown): ErrorCode {
  return e instanceof UserError || e instanceof DatasetError ? 'bad-input' : 'internal';
}

function errorText(e: unknown): string {
  return e instanceof UserError || e instanceof DatasetError ? e.message : `internal error: ${(e as Error)?.stack ?? String(e)}`;
}

export async function serve(input: NodeJS.ReadableStream, write: (text: string) => void, deps: ServeDeps): Promise<void> {
  const emit: Emit = (event) => write(encodeEvent(event));
  const backend = await deps.backend();
  const ready = (id?: string): void => emit({ kind: 'ready', ...(id ? { id } : {}), protocol: PROTOCOL_VERSION, engine: 'ddas-tfjs', version: deps.versions.ddas ?? '0', backend, versions: deps.versions });
  ready();

  let active: { id: string; kind: 'search' | 'evaluation'; controller: AbortController } | undefined;
  const pending = new Set<Promise<void>>();
  const track = (p: Promise<void>): void => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  /** Events after which a job holds the slot no longer (it may still be closing files). */
  const FINAL_KINDS: ReadonlySet<EngineEvent['kind']> = new Set(['result', 'evaluateResult', 'cancelled']);

  const startJob = (req: { id: string }, kind: 'search' | 'evaluation', run: (emit: Emit, signal: AbortSignal) => Promise<void>): void => {
    if (active) {
      emit({ kind: 'error', id: req.id, code: 'busy', message: `${active.kind} "${active.id}" is running; cancel it first (one search or evaluation at a time).` });
      return;
    }
    const job = { id: req.id, kind, controller: new AbortController() };
    active = job;
    const release = (): void => {
      if (active === job) active = undefined;
    };
    // A client that answers a result with the next request must not be told "busy".
    const jobEmit: Emit = (event) => {
      if (FINAL_KINDS.has(event.kind)) release();
      emit(event);
    };
    const done = run(jobEmit, job.controller.signal)
      .catch((e: unknown) => {
        release();
        emit({ kind: 'error', id: req.id, code: errorCode(e), message: errorText(e) });
      })
      .finally(release);
    track(done);
  };

  const handle = (req: ParsedRequest): 'stop' | void => {
    switch (req.kind) {
      case 'hello':
        ready(req.id);
        return;
      case 'search':
        startJob(req, 'search', (jobEmit, signal) => deps.search(req, jobEmit, signal));
        return;
      case 'evaluate':
        startJob(req, 'evaluation', (jobEmit, signal) => deps.evaluate(req, jobEmit, signal));
        return;
      case 'preview':
        track(
          renderPreview(req)
            .then((images) => emit({ kind: 'preview', id: req.id, images }))
            .catch((e: unknown) => emit({ kind: 'error', id: req.id, code: errorCode(e), message: errorText(e) })),
        );
        return;
      case 'cancel': {
        const target = req.target ?? active?.id;
        if (!active || active.id !== target) {
          emit({ kind: 'error', id: req.id, code: 'not-found', message: target ? `no running search or evaluation "${target}" to cancel.` : 'no search or evaluation is running.' });
          return;
        }
        active.controller.abort();
        return;
      }
      case 'shutdown':
        return 'stop';
    }
  };

  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const parsed = parseRequest(line);
    if (!parsed.ok) {
      emit({ kind: 'error', ...(parsed.id ? { id: parsed.id } : {}), code: 'bad-request', message: parsed.message });
      continue;
    }
    if (handle(parsed.request) === 'stop') break;
  }
  lines.close();
  // End of input or shutdown: stop the job at its next step (it checkpoints) and finish pending work.
  active?.controller.abort();
  await Promise.allSettled([...pending]);
}
