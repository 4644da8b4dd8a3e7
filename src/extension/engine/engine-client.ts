/**
 * A client of one engine process speaking the JSON-lines protocol (DESIGN section 6).
 * Free of `vscode` so that plain mocha can drive it against a real `ddas serve`; the
 * extension wraps it in engine-host.ts. Lifecycle as in vscode-tensorboard: spawn
 * without a shell, wait for `ready`, kill on dispose, report unexpected exits.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { EngineEvent, ErrorCode, EventKind, Request } from '../../shared/protocol';
import { Emitter, type Disposable } from './emitter';
import { LineSplitter, parseEventLine } from './event-lines';
import type { EngineLaunch } from './launch';

export type ReadyEvent = Extract<EngineEvent, { kind: 'ready' }>;
export type EventOf<K extends EventKind> = Extract<EngineEvent, { kind: K }>;

export interface EngineExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when we asked it to stop (dispose or shutdown). */
  readonly expected: boolean;
}

/** An `error` event answering a request. */
export class EngineRequestError extends Error {
  constructor(
    readonly code: ErrorCode | 'exited',
    message: string,
  ) {
    super(message);
  }
}

export interface StartOptions {
  /** How long backend selection may take before `ready`. */
  readonly readyTimeoutMs?: number;
}

const STDERR_TAIL = 8000;

export class EngineClient implements Disposable {
  private readonly events = new Emitter<EngineEvent>();
  private readonly exits = new Emitter<EngineExit>();
  private readonly stderrs = new Emitter<string>();
  private readonly badLines = new Emitter<{ line: string; reason: string }>();
  /** Fires every parsed event. */
  readonly onEvent = this.events.event;
  /** Fires once when the process is gone. */
  readonly onExit = this.exits.event;
  /** Free-form stderr text, as it arrives. */
  readonly onStderr = this.stderrs.event;
  /** Stdout lines that are not protocol events (logged, never fatal). */
  readonly onBadLine = this.badLines.event;

  private stopping = false;
  private exitInfo: EngineExit | undefined;
  private stderrTail = '';
  private counter = 0;
  private readyEvent: ReadyEvent | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    const lines = new LineSplitter();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => lines.push(chunk).forEach((l) => this.onLine(l)));
    child.stdout.on('end', () => lines.flush().forEach((l) => this.onLine(l)));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
      this.stderrs.fire(chunk);
    });
    // A write after the process died raises EPIPE here; the exit handler reports it.
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => {
      this.stderrs.fire(`engine process error: ${e.message}\n`);
      this.finish({ code: null, signal: null, expected: this.stopping });
    });
    // 'close' (not 'exit') comes after stdout is drained, so no last event is lost.
    child.on('close', (code, signal) => this.finish({ code, signal, expected: this.stopping }));
  }

  /** Spawns the engine and resolves once it has said `ready`. */
  static start(launch: EngineLaunch, opts: StartOptions = {}): Promise<EngineClient> {
    const child = spawn(launch.command, [...launch.args], { cwd: launch.cwd, env: launch.env, stdio: 'pipe', shell: false, windowsHide: true });
    const client = new EngineClient(child);
    return new Promise<EngineClient>((resolve, reject) => {
      const timeout = opts.readyTimeoutMs ?? 120000;
      const cleanup = (): void => {
        clearTimeout(timer);
        onEvent.dispose();
        onExit.dispose();
      };
      const timer = setTimeout(() => {
        cleanup();
        client.dispose();
        reject(new Error(`the engine did not say "ready" within ${Math.round(timeout / 1000)} s.${client.describeStderr()}`));
      }, timeout);
      const onEvent = client.onEvent((e) => {
        if (e.kind !== 'ready') return;
        cleanup();
        resolve(client);
      });
      const onExit = client.onExit((x) => {
        cleanup();
        const why = x.code === null && x.signal === null ? `could not start ${launch.command}` : `exited (${describeExit(x)}) before it was ready`;
        reject(new Error(`the engine ${why}.${client.describeStderr()}`));
      });
    });
  }

  /** The `ready` event the engine started with: backend, device, versions. */
  get ready(): ReadyEvent {
    if (!this.readyEvent) throw new Error('the engine is not ready yet');
    return this.readyEvent;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  get exit(): EngineExit | undefined {
    return this.exitInfo;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last few KB of stderr (for error messages). */
  get recentStderr(): string {
    return this.stderrTail;
  }

  /** A fresh request id: `${prefix}-${n}-${time}`. */
  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${this.counter}-${Date.now().toString(36)}`;
  }

  send(request: Request): void {
    if (!this.alive) throw new EngineRequestError('exited', `the engine is not running (${describeExit(this.exitInfo)}).`);
    this.child.stdin.write(JSON.stringify(request) + '\n');
  }

  /**
   * Sends a request and resolves with its answer: the first event of one of `answers`
   * carrying the request's id. An `error` event for the id, or the engine exiting,
   * rejects with an EngineRequestError.
   */
  request<K extends EventKind>(request: Request, answers: readonly K[], timeoutMs = 0): Promise<EventOf<K>> {
    return new Promise<EventOf<K>>((resolve, reject) => {
      const done = (): void => {
        onEvent.dispose();
        onExit.dispose();
        if (timer) clearTimeout(timer);
      };
      const onEvent = this.onEvent((e) => {
        if (e.id !== request.id) return;
        if (e.kind === 'error') {
          done();
          reject(new EngineRequestError(e.code, e.message));
        } else if ((answers as readonly string[]).includes(e.kind)) {
          done();
          resolve(e as EventOf<K>);
        }
      });
      const onExit = this.onExit((x) => {
        done();
        reject(new EngineRequestError('exited', `the engine exited (${describeExit(x)}) before answering ${request.kind} "${request.id}".`));
      });
      const timer = timeoutMs > 0 ? setTimeout(() => {
        done();
        reject(new EngineRequestError('internal', `no answer to ${request.kind} "${request.id}" within ${Math.round(timeoutMs / 1000)} s.`));
      }, timeoutMs) : undefined;
      try {
        this.send(request);
      } catch (e) {
        done();
        reject(e);
      }
    });
  }

  /** Asks the engine to stop (it checkpoints a running search), then kills it after `graceMs`. */
  async shutdown(graceMs = 5000): Promise<void> {
    if (!this.alive) return;
    this.stopping = true;
    try {
      this.send({ kind: 'shutdown', id: this.nextId('shutdown') });
      this.child.stdin.end();
    } catch {
      // Already gone: the exit handler has run or is about to.
    }
    const exited = new Promise<void>((resolve) => {
      const sub = this.onExit(() => {
        sub.dispose();
        resolve();
      });
    });
    const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), graceMs));
    if ((await Promise.race([exited, timer])) === 'late') {
      this.kill();
      await exited;
    }
  }

  /** Kills the process at once (no checkpoint beyond the last epoch's). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.alive) return;
    this.stopping = true;
    this.child.kill(signal);
  }

  dispose(): void {
    this.kill();
  }

  private onLine(line: string): void {
    const parsed = parseEventLine(line);
    if (!parsed.ok) {
      this.badLines.fire({ line, reason: parsed.reason });
      return;
    }
    if (parsed.event.kind === 'ready' && !this.readyEvent) this.readyEvent = parsed.event;
    this.events.fire(parsed.event);
  }

  private finish(exit: EngineExit): void {
    if (this.exitInfo) return;
    this.exitInfo = exit;
    this.exits.fire(exit);
    this.events.dispose();
    this.stderrs.dispose();
    this.badLines.dispose();
    this.exits.dispose();
  }

  private describeStderr(): string {
    const tail = this.stderrTail.trim();
    return tail ? `\n${tail.split('\n').slice(-15).join('\n')}` : '';
  }
}

export function describeExit(exit: EngineExit | undefined): string {
  if (!exit) return 'running';
  if (exit.signal) return `killed by ${exit.signal}`;
  if (exit.code === null) return 'did not start';
  return `exit code ${exit.code}`;
}
