/** Drives a real `ddas serve` process (the built bundle) in tests: send lines, await events. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { EngineEvent } from '../../src/shared/protocol';

export const ROOT = path.join(__dirname, '..', '..');

export class EngineProcess {
  readonly events: EngineEvent[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;
  private waiters: (() => void)[] = [];

  constructor(args: string[] = []) {
    this.child = spawn(process.execPath, [path.join(ROOT, 'bin', 'ddas.js'), 'serve', ...args], { stdio: 'pipe' });
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      // Every stdout line must be a protocol event: a stray print would break the extension.
      this.events.push(JSON.parse(line) as EngineEvent);
      this.waiters.forEach((w) => w());
    });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => {
      resolve(code);
      this.waiters.forEach((w) => w());
    }));
  }

  send(request: object | string): void {
    this.child.stdin.write((typeof request === 'string' ? request : JSON.stringify(request)) + '\n');
  }

  sendRaw(bytes: Buffer): void {
    this.child.stdin.write(bytes);
  }

  closeInput(): void {
    this.child.stdin.end();
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child.kill(signal);
  }

  /** The first event (from `from` on) matching, or a rejection naming what was seen. */
  waitFor<K extends EngineEvent['kind']>(kind: K, match: (e: Extract<EngineEvent, { kind: K }>) => boolean = () => true, timeoutMs = 60000, from = 0): Promise<Extract<EngineEvent, { kind: K }>> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.slice(from).find((e): e is Extract<EngineEvent, { kind: K }> => e.kind === kind && match(e as Extract<EngineEvent, { kind: K }>));
        if (found) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(found);
          return true;
        }
        return false;
      };
      const waiter = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no '${kind}' event within ${timeoutMs} ms; saw: ${this.events.map((e) => e.kind).join(', ')}\nstderr: ${this.stderr.slice(-2000)}`));
      }, timeoutMs);
      if (!check()) this.waiters.push(waiter);
    });
  }
}
