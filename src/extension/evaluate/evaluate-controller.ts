/**
 * The evaluation as the extension sees it: sends the engine's `evaluate` request, keeps
 * its events (replayed into the panel's evaluation section), drives the cancellable
 * progress notification, records the report for Commit Policy, and turns a stop, a
 * failure or an engine crash into a message that offers to resume from the checkpoint.
 * One engine job runs at a time, so an evaluation and a search never overlap.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { evaluationMetadata } from '../../shared/evaluation-record';
import type { EvaluateEvent, EvaluationReport } from '../../shared/evaluation';
import type { Policy } from '../../shared/policy';
import type { EngineEvent } from '../../shared/protocol';
import type { EvaluationPanelState, EvaluationStatus, ToPanel } from '../../shared/webview-protocol';
import { describeExit } from '../engine/engine-client';
import type { EngineExitReport, EngineHost } from '../engine/engine-host';
import type { PanelPort } from '../search/panel-port';
import { evaluateRequest, evaluationInfo, type EvaluatePlan } from './evaluate-plan';
import { EvaluateProgress } from './evaluate-progress';
import { EvaluationLog } from './evaluation-log';
import { recordEvaluation, withLastEvaluation, type EvaluationRecords } from './evaluation-records';

const SAVED_KEY = 'ddas.evaluation';
const RECORDS_KEY = 'ddas.evaluations';

type EvaluationState = 'running' | 'finished' | 'cancelled' | 'failed';

/** What survives a window reload: the section as last drawn, and enough to resume. */
interface SavedEvaluation {
  readonly plan: EvaluatePlan;
  readonly id: string;
  readonly checkpointDir: string;
  readonly state: EvaluationState;
  readonly events: readonly EvaluateEvent[];
  readonly problem?: string;
}

export class EvaluateController implements vscode.Disposable {
  private log = new EvaluationLog();
  private saved: SavedEvaluation | undefined;
  private running = false;
  private progress: EvaluateProgress | undefined;
  private readonly ports = new Set<PanelPort>();
  private readonly disposables: vscode.Disposable[] = [];
  private stopWaiters: (() => void)[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly engine: EngineHost,
    private readonly commands: { readonly showPanel: string; readonly commit: string; readonly showLog: string },
  ) {
    const saved = context.workspaceState.get<SavedEvaluation>(SAVED_KEY);
    // An evaluation running when the window closed was stopped with the engine (it checkpointed).
    this.saved = saved?.state === 'running' ? { ...saved, state: 'cancelled' } : saved;
    this.disposables.push(
      engine.onEvent((e) => this.onEngineEvent(e)),
      engine.onExit((x) => this.onEngineExit(x)),
    );
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The last evaluation's report, if it finished. */
  get lastReport(): EvaluationReport | undefined {
    const last = this.saved?.events[this.saved.events.length - 1];
    return this.log.report ?? (last?.kind === 'evaluateResult' ? last.report : undefined);
  }

  /** A stopped or failed evaluation that a resume can continue (its checkpoint folder holds a checkpoint). */
  get resumable(): { readonly label: string; readonly runsDone: number; readonly runs: number } | undefined {
    const s = this.saved;
    if (this.running || !s || (s.state !== 'cancelled' && s.state !== 'failed')) return undefined;
    let files: string[] = [];
    try {
      files = fs.readdirSync(s.checkpointDir);
    } catch {
      return undefined;
    }
    if (!files.some((f) => f.endsWith('.json'))) return undefined;
    const started = s.events.find((e) => e.kind === 'evaluateStarted');
    const runs = started?.kind === 'evaluateStarted' ? (started.runs ?? started.labels.length * started.seeds) : 0;
    return { label: s.plan.source.label, runsDone: s.events.filter((e) => e.kind === 'evaluateRun').length, runs };
  }

  /** The policy with its last evaluation recorded (what Commit Policy writes). */
  withLastEvaluation(policy: Policy): Policy {
    return withLastEvaluation(policy, this.records());
  }

  /** Starts the plan's evaluation; false when it could not start. */
  async start(plan: EvaluatePlan): Promise<boolean> {
    if (this.running) {
      const answer = await vscode.window.showWarningMessage('A DDAS evaluation is running. Stop it (it keeps its checkpoint) and start the new one?', { modal: true }, 'Stop and Start');
      if (answer !== 'Stop and Start') return false;
      await this.cancel();
    }
    const base = this.context.storageUri ?? this.context.globalStorageUri;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const checkpointDir = path.join(base.fsPath, 'evaluations', `${stamp}-${plan.source.label.replace(/[^A-Za-z0-9._-]+/g, '-')}`);
    fs.mkdirSync(checkpointDir, { recursive: true });
    return this.run(plan, checkpointDir, false);
  }

  /** Continues the last stopped evaluation from its checkpoint. */
  async resume(): Promise<boolean> {
    const saved = this.saved;
    if (this.running || !saved || saved.state === 'finished' || saved.state === 'running') {
      void vscode.window.showInformationMessage(this.running ? 'A DDAS evaluation is already running.' : 'There is no stopped DDAS evaluation to resume.');
      return false;
    }
    return this.run(saved.plan, saved.checkpointDir, true);
  }

  /** Cancels the running evaluation; resolves when the engine has checkpointed and said so. */
  async cancel(): Promise<void> {
    const id = this.saved?.id;
    if (!this.running || !id) return;
    const stopped = new Promise<void>((resolve) => this.stopWaiters.push(resolve));
    this.progress?.message('stopping at the next step...');
    try {
      await this.engine.send({ kind: 'cancel', id: this.engine.nextId('cancel'), target: id });
    } catch {
      // The engine is gone already: its exit handler ends the evaluation.
    }
    const late = await Promise.race([stopped.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 60000))]);
    if (late) {
      this.engine.log.warn('the engine did not stop the evaluation within 60 s; killing it (the last checkpoint is kept).');
      await this.engine.stop();
    }
  }

  private async run(plan: EvaluatePlan, checkpointDir: string, resume: boolean): Promise<boolean> {
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'DDAS: starting the engine' }, () => this.engine.ensure());
    } catch (e) {
      void this.errorWithActions(`The DDAS engine did not start: ${(e as Error).message.split('\n')[0]}`, false);
      return false;
    }
    const id = this.engine.nextId(resume ? 'evaluate-resume' : 'evaluate');
    // A resume keeps the finished runs on screen until the engine replays them.
    const events = resume && this.saved ? this.saved.events.filter((e) => e.kind !== 'evaluateResult') : [];
    this.log = new EvaluationLog();
    for (const e of events) this.log.add(e);
    this.saved = { plan, id, checkpointDir, state: 'running', events: this.log.events };
    this.running = true;
    await this.persist();
    try {
      await this.engine.send(evaluateRequest(plan, id, checkpointDir, resume));
    } catch (e) {
      this.end('failed', `Could not send the evaluation to the engine: ${(e as Error).message}`);
      return false;
    }
    this.progress?.dispose();
    this.progress = new EvaluateProgress(`DDAS ${resume ? 'resuming the evaluation' : 'evaluation'}: ${plan.source.label} on ${plan.datasetName}`, () => void this.cancel());
    this.broadcast({ type: 'evaluation', evaluation: this.panelState() });
    return true;
  }

  private onEngineEvent(event: EngineEvent): void {
    const saved = this.saved;
    if (!this.running || !saved || event.id !== saved.id) return;
    if (this.log.add(event) && (event.kind === 'evaluateStarted' || event.kind === 'evaluateProgress' || event.kind === 'evaluateRun' || event.kind === 'evaluateResult')) {
      this.broadcast({ type: 'evaluationEvent', event });
    }
    switch (event.kind) {
      case 'evaluateProgress':
        this.progress?.update(event);
        return;
      case 'evaluateRun':
        this.saved = { ...saved, events: this.log.events };
        void this.persist();
        return;
      case 'evaluateResult':
        void this.onReport(event.report, saved.plan);
        return;
      case 'cancelled':
        this.end('cancelled');
        void vscode.window.showInformationMessage(`DDAS evaluation stopped after ${this.log.runsDone} finished run${this.log.runsDone === 1 ? '' : 's'}. Resume continues from its checkpoint.`, 'Resume').then((a) => a && this.resume());
        return;
      case 'error':
        this.end('failed', event.message);
        void this.errorWithActions(`DDAS evaluation failed: ${event.message}`, event.code !== 'bad-input' && event.code !== 'bad-request' && event.code !== 'busy' && this.log.lastCheckpoint !== undefined);
        return;
      default:
        return;
    }
  }

  private onEngineExit(report: EngineExitReport): void {
    if (!this.running) return;
    if (report.exit.expected) {
      this.end('cancelled');
      return;
    }
    const message = `The DDAS engine stopped during the evaluation (${describeExit(report.exit)}) after ${this.log.runsDone} finished run${this.log.runsDone === 1 ? '' : 's'}.`;
    this.end('failed', message);
    void this.errorWithActions(message, this.log.lastCheckpoint !== undefined);
  }

  private async onReport(report: EvaluationReport, plan: EvaluatePlan): Promise<void> {
    await this.context.workspaceState.update(RECORDS_KEY, recordEvaluation(this.records(), plan.source.policy, evaluationMetadata(report, plan.source.label)));
    this.end('finished');
    const actions = plan.source.file ? ['Show Panel'] : ['Show Panel', 'Commit Policy'];
    const answer = await vscode.window.showInformationMessage(`DDAS evaluation of ${plan.source.label}: ${report.verdict}.`, ...actions);
    if (answer === 'Show Panel') await vscode.commands.executeCommand(this.commands.showPanel);
    else if (answer === 'Commit Policy') await vscode.commands.executeCommand(this.commands.commit, { fromResult: true });
  }

  private end(state: Exclude<EvaluationState, 'running'>, problem?: string): void {
    this.running = false;
    if (this.saved) this.saved = { ...this.saved, state, events: this.log.events, ...(problem ? { problem } : {}) };
    void this.persist();
    this.progress?.dispose();
    this.progress = undefined;
    this.stopWaiters.forEach((w) => w());
    this.stopWaiters = [];
    this.broadcast({ type: 'evaluationStatus', status: this.status() });
  }

  private async errorWithActions(message: string, canResume: boolean): Promise<void> {
    const actions = canResume ? ['Show Log', 'Resume'] : ['Show Log'];
    const answer = await vscode.window.showErrorMessage(message, ...actions);
    if (answer === 'Show Log') await vscode.commands.executeCommand(this.commands.showLog);
    else if (answer === 'Resume') await this.resume();
  }

  // The panel's evaluation section.

  status(): EvaluationStatus {
    const s = this.saved;
    if (!s) return { running: false };
    return { running: this.running, ...(s.state === 'cancelled' ? { cancelled: true } : {}), ...(s.state === 'failed' && s.problem ? { problem: s.problem } : {}) };
  }

  /** The section from scratch (the panel's `init`), or null before any evaluation. */
  panelState(): EvaluationPanelState | null {
    const s = this.saved;
    if (!s) return null;
    return { info: evaluationInfo(s.plan, s.id), events: this.running || this.log.events.length ? this.log.events : s.events, status: this.status() };
  }

  attach(port: PanelPort): vscode.Disposable {
    this.ports.add(port);
    return new vscode.Disposable(() => this.ports.delete(port));
  }

  private broadcast(message: ToPanel): void {
    for (const port of this.ports) {
      try {
        port.post(message);
      } catch (e) {
        this.engine.log.warn(`could not post to the search panel: ${(e as Error).message}`);
      }
    }
  }

  private records(): EvaluationRecords {
    return this.context.workspaceState.get<EvaluationRecords>(RECORDS_KEY) ?? {};
  }

  private async persist(): Promise<void> {
    await this.context.workspaceState.update(SAVED_KEY, this.saved);
  }

  dispose(): void {
    this.progress?.dispose();
    this.ports.clear();
    for (const d of this.disposables) d.dispose();
  }
}
