/**
 * The extension's engine process: started on first use with the configured Node and
 * backend, logged to the "DDAS Engine" output channel, restarted when the backend
 * setting changes, killed on dispose (it is in context.subscriptions, so also on
 * deactivate).
 */
import * as vscode from 'vscode';
import type { EngineEvent, Request, EventKind } from '../../shared/protocol';
import { backendSetting, nodePathSetting } from '../config';
import { EngineClient, describeExit, type EngineExit, type EventOf, type ReadyEvent } from './engine-client';
import { engineLaunch, type EngineLaunch } from './launch';

export interface EngineExitReport {
  readonly exit: EngineExit;
  /** The last lines the engine wrote to stderr. */
  readonly stderrTail: string;
}

export class EngineHost implements vscode.Disposable {
  private readonly eventEmitter = new vscode.EventEmitter<EngineEvent>();
  private readonly exitEmitter = new vscode.EventEmitter<EngineExitReport>();
  private readonly readyEmitter = new vscode.EventEmitter<ReadyEvent>();
  /** Every event of the running engine. */
  readonly onEvent = this.eventEmitter.event;
  /** The engine process ended (expected or not). */
  readonly onExit = this.exitEmitter.event;
  /** A (re)started engine is ready: its backend is known. */
  readonly onReady = this.readyEmitter.event;

  private client: EngineClient | undefined;
  private starting: Promise<EngineClient> | undefined;
  private launchKey = '';

  constructor(
    private readonly extensionPath: string,
    readonly log: vscode.LogOutputChannel,
    private readonly cwd: () => string | undefined,
    private readonly busy: () => boolean = () => false,
  ) {}

  /** The running engine's `ready` event, if one runs. */
  get ready(): ReadyEvent | undefined {
    return this.client?.alive ? this.client.ready : undefined;
  }

  get running(): boolean {
    return this.client?.alive === true;
  }

  /** The running engine, started (or restarted with new settings) if needed. */
  async ensure(): Promise<EngineClient> {
    const launch = engineLaunch({ extensionPath: this.extensionPath, nodePath: nodePathSetting(), backend: backendSetting(), cwd: this.cwd() });
    const key = JSON.stringify([launch.command, launch.args, launch.cwd]);
    // A search in progress keeps its engine; new settings apply to the next start.
    if (this.client?.alive && (key === this.launchKey || this.busy())) return this.client;
    if (this.starting && key === this.launchKey) return this.starting;
    await this.stop();
    this.launchKey = key;
    this.starting = this.start(launch).finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** Sends a request to the running engine (starting it first if needed). */
  async send(request: Request): Promise<void> {
    (await this.ensure()).send(request);
  }

  async request<K extends EventKind>(request: Request, answers: readonly K[], timeoutMs = 0): Promise<EventOf<K>> {
    return (await this.ensure()).request(request, answers, timeoutMs);
  }

  nextId(prefix: string): string {
    return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
  }

  /** Stops the engine gracefully (a running search checkpoints first). */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.alive) {
      this.log.info('stopping the engine');
      await client.shutdown();
    }
  }

  /** Kills the engine process at once (tests use this to simulate a crash). */
  kill(): void {
    this.client?.kill();
  }

  get pid(): number | undefined {
    return this.client?.alive ? this.client.pid : undefined;
  }

  dispose(): void {
    this.client?.dispose();
    this.client = undefined;
    this.eventEmitter.dispose();
    this.exitEmitter.dispose();
    this.readyEmitter.dispose();
  }

  private async start(launch: EngineLaunch): Promise<EngineClient> {
    this.log.info(`starting the engine: ${launch.command} ${launch.args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
    const client = await EngineClient.start(launch);
    const ready = client.ready;
    this.log.info(`engine ready: ${ready.engine} ${ready.version}, protocol ${ready.protocol}, backend ${ready.backend.name} (${ready.backend.device})`);
    for (const s of ready.backend.skipped) this.log.info(`  skipped ${s.backend}: ${s.reason}`);
    this.client = client;
    client.onStderr((text) => {
      for (const line of text.split('\n')) if (line.trim()) this.log.info(`[stderr] ${line}`);
    });
    client.onBadLine(({ line, reason }) => this.log.warn(`ignored an engine stdout line (${reason}): ${line.slice(0, 300)}`));
    client.onEvent((event) => {
      this.logEvent(event);
      this.eventEmitter.fire(event);
    });
    client.onExit((exit) => {
      (exit.expected ? this.log.info : this.log.error).call(this.log, `engine process ended (${describeExit(exit)})`);
      if (this.client === client) this.client = undefined;
      this.exitEmitter.fire({ exit, stderrTail: client.recentStderr });
    });
    this.readyEmitter.fire(ready);
    return client;
  }

  private logEvent(event: EngineEvent): void {
    switch (event.kind) {
      case 'log':
        (event.level === 'warn' ? this.log.warn : event.level === 'debug' ? this.log.debug : this.log.info).call(this.log, event.message);
        return;
      case 'error':
        this.log.error(`${event.id ? `[${event.id}] ` : ''}${event.code}: ${event.message}`);
        return;
      case 'started':
        this.log.info(`[${event.id}] search started: ${event.model}, ${event.datasetSize} images, ${event.categories.length} categories${event.resumedFromEpoch !== undefined ? `, resumed at epoch ${event.resumedFromEpoch + 1}` : ''}`);
        return;
      case 'snapshot':
        this.log.info(`[${event.id}] epoch ${event.epoch + 1} done: p_aug ${event.pAug.toFixed(3)}, val accuracy ${(event.valAccuracy * 100).toFixed(1)}%`);
        return;
      case 'checkpoint':
        this.log.debug(`[${event.id}] checkpoint ${event.path}`);
        return;
      case 'cancelled':
        this.log.info(`[${event.id}] search cancelled${event.checkpoint ? `; checkpoint ${event.checkpoint}` : ''}`);
        return;
      case 'result':
        this.log.info(`[${event.id}] search finished`);
        return;
      case 'evaluateStarted':
        this.log.info(`[${event.id}] evaluation started: ${event.labels.join(', ')} x ${event.seeds} seeds, ${event.epochs} epochs, ${event.trainImages} training and ${event.testImages} held-out images (${event.heldOut})${event.resumedRuns !== undefined ? `, resumed with ${event.resumedRuns} runs done` : ''}`);
        return;
      case 'evaluateRun':
        this.log.info(`[${event.id}] ${event.run !== undefined && event.runs ? `run ${event.run + 1}/${event.runs}: ` : ''}${event.label}, seed ${event.seed}: held-out accuracy ${(event.accuracy * 100).toFixed(1)}%`);
        return;
      case 'evaluateResult':
        this.log.info(`[${event.id}] evaluation finished: ${event.report.verdict}`);
        return;
      default:
        return;
    }
  }
}
