/**
 * Turns one stdout line of an engine into an EngineEvent. The engine is a separate
 * program (possibly a third-party one speaking the same protocol), so its lines are
 * checked for the shape the extension relies on: an object with a known `kind`.
 */
import type { EngineEvent, EventKind } from '../../shared/protocol';

/** Every kind of the protocol's EngineEvent union (a Record, so a new kind must be listed here to compile). */
const KNOWN: Record<EventKind, true> = {
  ready: true,
  started: true,
  progress: true,
  snapshot: true,
  checkpoint: true,
  result: true,
  cancelled: true,
  preview: true,
  error: true,
  log: true,
  evaluateStarted: true,
  evaluateProgress: true,
  evaluateRun: true,
  evaluateResult: true,
};
const EVENT_KINDS: ReadonlySet<string> = new Set(Object.keys(KNOWN));

export type ParsedLine = { readonly ok: true; readonly event: EngineEvent } | { readonly ok: false; readonly reason: string };

export function parseEventLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  const kind = (value as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !EVENT_KINDS.has(kind)) return { ok: false, reason: `unknown event kind ${JSON.stringify(kind)}` };
  const id = (value as { id?: unknown }).id;
  if (id !== undefined && typeof id !== 'string') return { ok: false, reason: 'event id is not a string' };
  return { ok: true, event: value as EngineEvent };
}

/** Splits a byte stream into lines, holding back the unfinished tail. */
export class LineSplitter {
  private tail = '';

  push(chunk: string): string[] {
    const text = this.tail + chunk;
    const lines = text.split('\n');
    this.tail = lines.pop() ?? '';
    return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => l.trim() !== '');
  }

  /** The last line when the stream ends without a newline. */
  flush(): string[] {
    const rest = this.tail.trim();
    this.tail = '';
    return rest ? [rest] : [];
  }
}
