/**
 * The search as the extension sees it: starts, stops and resumes engine searches, keeps
 * their events (for the panel), drives the progress notification and the status bar,
 * renders previews after each epoch, and turns an engine crash into a message that
 * offers to resume from the last checkpoint.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Policy } from '../../shared/policy';
import type { EngineEvent } from '../../shared/protocol';
import type { FromPanel, PanelStatus, SearchSummary, ToPanel } from '../../shared/webview-protocol';
import { describeExit } from '../engine/engine-client';
import type { EngineExitReport, EngineHost } from '../engine/engine-host';
import type { InitMessage, PanelHost, PanelPort } from './panel-port';
import { previewSources, renderSamples } from './previews';
import { SearchLog } from './search-log';
import { presetLabel, searchRequest, type SearchPlan } from './search-plan';
import { SearchProgress } from './search-progress';
import type { SearchStatusBar } from './status-bar';
import { policyFromSnapshot } from './snapshot-policy';

const SAVED_SEARCH_KEY = 'ddas.search';
const LAST_RESULT_KEY = 'ddas.lastResult';

type SearchState = 'running' | 'finished' | 'cancelled' | 'failed' | 'crashed';

/** What survives a window reload: enough to resume or commit. */
interface SavedSearch {
  readonly plan: SearchPlan;
  readonly checkpointDir: string;
  readonly checkpoint?: string;
  readonly state: SearchState;
}

export interface SavedResult {
  readonly policy: Policy;
  readonly outFile: string;
  readonly dataset: string;
}

/** The commands the controller's buttons and messages run (registered in extension.ts). */
export const COMMAND_IDS = {
  start: 'ddas.startSearch',
  stop: 'ddas.stopSearch',
  resume: 'ddas.resumeSearch',
  showPanel: 'ddas.showSearchPanel',
  commit: 'ddas.commitPolicy',
  preview: 'ddas.previewAugmentations',
  selectBackend: 'ddas.selectBackend',
  evaluate: 'ddas.evaluatePolicy',
  showLog: 'ddas.showEngineLog',
} as const;

export class SearchController implements PanelHost, vscode.Disposable {
  private log = new SearchLog();
  private saved: SavedSearch | undefined;
  private searchId: string | undefined;
  private running = false;
  private problem: string | undefined;
  private progress: SearchProgress | undefined;
  private readonly ports = new Set<PanelPort>();
  private readonly disposables: vscode.Disposable[] = [];
  private previewBusy = false;
  private previewWanted: number | undefined;
  private stopWaiters: (() => void)[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the search starts, ends or its status changes (tests, context keys). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly engine: EngineHost,
    private readonly statusBar: SearchStatusBar,
    private readonly samplePath: string | undefined,
  ) {
    this.saved = context.workspaceState.get<SavedSearch>(SAVED_SEARCH_KEY);
    // A search that was running when the window closed was stopped with the engine.
    if (this.saved?.state === 'running') this.saved = { ...this.saved, state: 'cancelled' };
    this.disposables.push(
      engine.onEvent((e) => this.onEngineEvent(e)),
      engine.onExit((x) => this.onEngineExit(x)),
      engine.onReady((r) => !this.running && this.statusBar.show({ state: 'idle', backend: r.backend.name })),
      this.changed,
    );
    void this.updateContextKeys();
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The events of the current (or last) search, as replayed into the panel. */
  get events(): readonly EngineEvent[] {
    return this.log.events;
  }

  get samples(): InitMessage['samples'] {
    return this.log.samples;
  }

  get currentPlan(): SearchPlan | undefined {
    return this.saved?.plan;
  }

  get lastResult(): SavedResult | undefined {
    return this.context.workspaceState.get<SavedResult>(LAST_RESULT_KEY);
  }

  /** The checkpoint a Resume would continue from, if it is still on disk. */
  get resumableCheckpoint(): string | undefined {
    if (this.running || !this.saved || this.saved.state === 'finished') return undefined;
    const file = this.saved.checkpoint ?? this.log.lastCheckpoint;
    return file && fs.existsSync(file) ? file : undefined;
  }

  /** The policy the search believes in now (last snapshot), for previews. */
  currentPolicy(): Policy | undefined {
    const snap = this.log.lastSnapshot;
    return snap ? policyFromSnapshot(this.log.categories, snap.p, snap.pAug) : undefined;
  }

  async start(plan: SearchPlan): Promise<boolean> {
    if (this.running) {
      const answer = await vscode.window.showWarningMessage('A DDAS search is running. Stop it (it keeps its checkpoint) and start the new one?', { modal: true }, 'Stop and Start');
      if (answer !== 'Stop and Start') return false;
      await this.stop();
    }
    const base = this.context.storageUri ?? this.context.globalStorageUri;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const checkpointDir = path.join(base.fsPath, 'searches', `${stamp}-${plan.datasetName.replace(/[^A-Za-z0-9._-]+/g, '-')}`);
    fs.mkdirSync(checkpointDir, { recursive: true });
    this.log = new SearchLog();
    this.saved = { plan, checkpointDir, state: 'running' };
    return this.run(false);
  }

  async resume(): Promise<boolean> {
    if (this.running) {
      void vscode.window.showInformationMessage('A DDAS search is already running.');
      return false;
    }
    if (!this.saved || !this.resumableCheckpoint) {
      void vscode.window.showInformationMessage(this.saved?.state === 'finished' ? 'The last DDAS search finished; there is nothing to resume. Start a new search instead.' : 'There is no stopped DDAS search with a checkpoint to resume. Start a new search instead.');
      return false;
    }
    return this.run(true);
  }

  /** Cancels the running search; resolves when the engine has checkpointed and said so. */
  async stop(): Promise<void> {
    if (!this.running || !this.searchId) {
      void vscode.window.showInformationMessage('No DDAS search is running.');
      return;
    }
    const stopped = new Promise<void>((resolve) => this.stopWaiters.push(resolve));
    this.progress?.message('stopping at the next step...');
    try {
      await this.engine.send({ kind: 'cancel', id: this.engine.nextId('cancel'), target: this.searchId });
    } catch {
      // The engine is gone already: its exit handler ends the search.
    }
    const late = await Promise.race([stopped.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 60000))]);
    if (late) {
      this.engine.log.warn('the engine did not stop the search within 60 s; killing it (the last epoch checkpoint is kept).');
      await this.engine.stop();
    }
  }

  private async run(resume: boolean): Promise<boolean> {
    const saved = this.saved;
    if (!saved) return false;
    this.problem = undefined;
    this.statusBar.show({ state: 'starting' });
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'DDAS: starting the engine' }, () => this.engine.ensure());
    } catch (e) {
      this.problem = `The DDAS engine did not start: ${(e as Error).message}`;
      this.statusBar.show({ state: 'failed', detail: this.problem });
      this.postStatus();
      void this.errorWithActions(this.problem.split('\n')[0], false);
      return false;
    }
    const id = this.engine.nextId(resume ? 'resume' : 'search');
    this.searchId = id;
    this.running = true;
    this.saved = { ...saved, state: 'running' };
    await this.persist();
    try {
      await this.engine.send(searchRequest(saved.plan, id, saved.checkpointDir, resume));
    } catch (e) {
      this.end('failed', `Could not send the search to the engine: ${(e as Error).message}`);
      return false;
    }
    this.progress?.dispose();
    this.progress = new SearchProgress(`DDAS ${resume ? 'resuming' : 'search'}: ${saved.plan.datasetName}`, () => void this.stop());
    this.statusBar.show({ state: 'running', backend: this.engine.ready?.backend.name });
    this.postStatus();
    this.broadcast(this.initMessage());
    void this.updateContextKeys();
    this.changed.fire();
    return true;
  }

  private onEngineEvent(event: EngineEvent): void {
    if (!this.searchId || event.id !== this.searchId) return;
    if (this.log.add(event)) this.broadcast({ type: 'event', event });
    switch (event.kind) {
      case 'started':
        this.statusBar.show({ state: 'running', backend: event.backend.name });
        return;
      case 'progress':
        this.progress?.update(event);
        this.statusBar.show({ state: 'running', backend: this.engine.ready?.backend.name, epoch: event.epoch, epochs: event.epochs, etaSeconds: event.etaSeconds });
        return;
      case 'snapshot':
        void this.refreshSamples(event.epoch);
        return;
      case 'checkpoint':
        if (this.saved) this.saved = { ...this.saved, checkpoint: event.path };
        void this.persist();
        return;
      case 'result':
        void this.onResult(event.policy);
        return;
      case 'cancelled':
        if (this.saved && event.checkpoint) this.saved = { ...this.saved, checkpoint: event.checkpoint };
        this.end('cancelled');
        void vscode.window.showInformationMessage('DDAS search stopped. Resume continues from its checkpoint.', 'Resume').then((a) => a && vscode.commands.executeCommand(COMMAND_IDS.resume));
        return;
      case 'error':
        this.end('failed', event.message);
        void this.errorWithActions(`DDAS search failed: ${event.message}`, event.code !== 'bad-input' && event.code !== 'bad-request' && this.resumableCheckpoint !== undefined);
        return;
      default:
        return;
    }
  }

  private onEngineExit(report: EngineExitReport): void {
    if (!this.running) {
      this.statusBar.show({ state: 'idle' });
      return;
    }
    if (report.exit.expected) {
      // We stopped it (window closing, Stop timed out): the last checkpoint stands.
      this.end('cancelled');
      return;
    }
    const checkpoint = this.saved?.checkpoint ?? this.log.lastCheckpoint;
    const epoch = [...this.log.events].reverse().find((e) => e.kind === 'checkpoint');
    const where = checkpoint && epoch?.kind === 'checkpoint' ? ` The last checkpoint is from the end of epoch ${epoch.epoch + 1}.` : ' No checkpoint was written yet.';
    const message = `The DDAS engine stopped during the search (${describeExit(report.exit)}).${where}`;
    this.end('crashed', message);
    void this.errorWithActions(message, checkpoint !== undefined);
  }

  private async onResult(policy: Policy): Promise<void> {
    const saved = this.saved;
    this.end('finished');
    if (!saved) return;
    await this.context.workspaceState.update(LAST_RESULT_KEY, { policy, outFile: saved.plan.outFile, dataset: saved.plan.dataset } satisfies SavedResult);
    this.postStatus();
    void this.updateContextKeys();
    const acc = policy.search?.valAccuracy;
    const answer = await vscode.window.showInformationMessage(
      `DDAS search finished: p_aug ${policy.applyProbability.toFixed(3)}${acc !== undefined ? `, proxy val accuracy ${(acc * 100).toFixed(1)}%` : ''}. Commit the policy to ${vscode.workspace.asRelativePath(saved.plan.outFile)}, or first evaluate it against the baselines on held-out data?`,
      'Commit Policy',
      'Evaluate',
      'Show Panel',
    );
    if (answer === 'Commit Policy') await vscode.commands.executeCommand(COMMAND_IDS.commit, { fromResult: true });
    else if (answer === 'Evaluate') await vscode.commands.executeCommand(COMMAND_IDS.evaluate, { fromResult: true, dataset: saved.plan.dataset });
    else if (answer === 'Show Panel') await vscode.commands.executeCommand(COMMAND_IDS.showPanel);
  }

  private end(state: Exclude<SearchState, 'running'>, problem?: string): void {
    this.running = false;
    this.problem = problem;
    if (this.saved) this.saved = { ...this.saved, state, ...(this.log.lastCheckpoint && !this.saved.checkpoint ? { checkpoint: this.log.lastCheckpoint } : {}) };
    void this.persist();
    this.progress?.dispose();
    this.progress = undefined;
    const backend = this.engine.ready?.backend.name;
    this.statusBar.show({ state: state === 'finished' ? 'finished' : state === 'cancelled' ? 'stopped' : 'failed', backend, ...(problem ? { detail: problem } : {}) });
    this.stopWaiters.forEach((w) => w());
    this.stopWaiters = [];
    this.postStatus();
    void this.updateContextKeys();
    this.changed.fire();
  }

  private async errorWithActions(message: string, canResume: boolean): Promise<void> {
    const actions = canResume ? ['Show Log', 'Resume'] : ['Show Log'];
    const answer = await vscode.window.showErrorMessage(message, ...actions);
    if (answer === 'Show Log') this.engine.log.show(true);
    else if (answer === 'Resume') await vscode.commands.executeCommand(COMMAND_IDS.resume);
  }

  /** After an epoch: previews of the user's images under the policy the search holds now. */
  private async refreshSamples(epoch: number): Promise<void> {
    if (this.previewBusy) {
      this.previewWanted = epoch;
      return;
    }
    const policy = this.currentPolicy();
    if (!policy) return;
    this.previewBusy = true;
    try {
      const sources = await previewSources(this.saved?.plan ? { dataset: this.saved.plan.dataset, sampleImages: this.saved.plan.sampleImages } : undefined, this.samplePath, this.engine.log);
      if (!sources) return;
      const rows = await renderSamples(this.engine, policy, sources, { seed: epoch });
      this.log.samples = rows;
      this.log.samplesEpoch = epoch;
      this.broadcast({ type: 'samples', epoch, rows });
    } catch (e) {
      this.engine.log.warn(`previews after epoch ${epoch + 1} failed: ${(e as Error).message}`);
    } finally {
      this.previewBusy = false;
      const next = this.previewWanted;
      this.previewWanted = undefined;
      if (next !== undefined && next !== epoch) void this.refreshSamples(next);
    }
  }

  // PanelHost

  initMessage(): InitMessage {
    const plan = this.saved?.plan;
    const search: SearchSummary | null = plan ? { id: this.searchId ?? 'previous', dataset: plan.dataset, preset: presetLabel(plan.preset, plan.budget), outFile: plan.outFile } : null;
    return { type: 'init', search, events: this.log.events, samples: this.log.samples, status: this.status() };
  }

  onPanelMessage(message: FromPanel): void {
    const command = {
      ready: undefined,
      stop: COMMAND_IDS.stop,
      resume: COMMAND_IDS.resume,
      commit: COMMAND_IDS.commit,
      start: COMMAND_IDS.start,
      showLog: COMMAND_IDS.showLog,
    }[message.type];
    if (message.type === 'ready') {
      // The panel posts init itself on ready; nothing else to do here.
      return;
    }
    if (command) void vscode.commands.executeCommand(command, ...(message.type === 'commit' ? [{ fromResult: true }] : []));
  }

  attach(port: PanelPort): vscode.Disposable {
    this.ports.add(port);
    return new vscode.Disposable(() => this.ports.delete(port));
  }

  status(): PanelStatus {
    return { running: this.running, canResume: this.resumableCheckpoint !== undefined, canCommit: this.lastResult !== undefined, ...(this.problem ? { problem: this.problem } : {}) };
  }

  private postStatus(): void {
    this.broadcast({ type: 'status', status: this.status() });
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

  private async persist(): Promise<void> {
    await this.context.workspaceState.update(SAVED_SEARCH_KEY, this.saved);
  }

  private async updateContextKeys(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'ddas.searchRunning', this.running);
    await vscode.commands.executeCommand('setContext', 'ddas.canResume', this.resumableCheckpoint !== undefined);
    await vscode.commands.executeCommand('setContext', 'ddas.hasResult', this.lastResult !== undefined);
  }

  dispose(): void {
    this.progress?.dispose();
    this.ports.clear();
    for (const d of this.disposables) d.dispose();
  }
}
