/**
 * The VS Code extension (the only code importing `vscode`): commands for searching,
 * previewing and committing policies, the engine process's lifecycle, the search panel,
 * and the op catalog.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_MAGNITUDE_BINS, OPS, OP_NAMES, describeOp } from '../shared/ops';
import type { EvaluationReport } from '../shared/evaluation';
import type { Policy } from '../shared/policy';
import { BACKEND_CHOICES, type BackendChoice, type EngineEvent } from '../shared/protocol';
import type { PanelStatus } from '../shared/webview-protocol';
import { PROPOSED_SCHEME, ProposedContent, commitPolicy, isCommitPolicyArgs, policyInActiveEditor, type CommitOutcome, type PolicySource } from './commit/commit-policy';
import { SETTINGS, backendSetting } from './config';
import { registerPolicyEditing } from './editing';
import { createEditingDeps } from './editing-deps';
import { EngineHost } from './engine/engine-host';
import { LaunchError } from './engine/launch';
import { EvaluateController } from './evaluate/evaluate-controller';
import { policyLabel, type PolicyChoice } from './evaluate/evaluate-plan';
import { EvaluateWizard, isEvaluatePolicyArgs } from './evaluate/evaluate-wizard';
import { SearchPanel, registerSearchPanelSerializer, type SearchPanelHandlers } from './panel';
import { showPreviewDocument } from './search/preview-document';
import { previewSources, renderSamples } from './search/previews';
import { COMMAND_IDS, SearchController } from './search/search-controller';
import { StartWizard, isStartSearchArgs, workspaceRoot } from './search/start-wizard';
import { SearchStatusBar } from './search/status-bar';
import { requireTrust } from './trust';

/** What activate() returns: read-only views for extension-host tests and other extensions. */
export interface DdasApi {
  readonly isSearchRunning: () => boolean;
  readonly searchEvents: () => readonly EngineEvent[];
  readonly lastResult: () => Policy | undefined;
  /** Running / can resume / can commit / problem, as the panel shows it. */
  readonly searchStatus: () => PanelStatus;
  readonly isEvaluationRunning: () => boolean;
  /** The last finished evaluation's report. */
  readonly lastEvaluation: () => EvaluationReport | undefined;
  /** The engine's process id while it runs (tests kill it to check crash handling). */
  readonly enginePid: () => number | undefined;
  readonly onDidChangeSearch: vscode.Event<void>;
}

let engineHost: EngineHost | undefined;

/** The file of the active editor (a YAML, TypeScript or Python policy is evaluated as itself). */
function editorFile(): string | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.uri.scheme === 'file' ? doc.fileName : undefined;
}

function catalogMarkdown(): string {
  const lines = ['# DDAS operation catalog', '', '| operation | what it does | at the default bins |', '|---|---|---|'];
  for (const op of OP_NAMES) {
    const bins = OPS[op].magnitude ? DEFAULT_MAGNITUDE_BINS.map((m) => describeOp(op, m)).join('; ') : '-';
    lines.push(`| ${op} | ${OPS[op].summary} | ${bins} |`);
  }
  return lines.join('\n') + '\n';
}

export function activate(context: vscode.ExtensionContext): DdasApi {
  const extensionPath = context.extensionUri.fsPath;
  const samplePath = path.join(extensionPath, 'sample', 'fashion-mnist');
  const schemaPath = path.join(extensionPath, 'schemas', 'policy.schema.json');
  const log = vscode.window.createOutputChannel('DDAS Engine', { log: true });
  // The callback runs only after `search` exists (engine starts happen in commands).
  const engine: EngineHost = new EngineHost(extensionPath, log, workspaceRoot, (): boolean => search.isRunning || evaluation.isRunning);
  engineHost = engine;
  const statusBar = new SearchStatusBar(COMMAND_IDS.showPanel);
  const search: SearchController = new SearchController(context, engine, statusBar, fs.existsSync(samplePath) ? samplePath : undefined);
  const wizard = new StartWizard(context, fs.existsSync(samplePath) ? samplePath : undefined);
  const evaluation: EvaluateController = new EvaluateController(context, engine, { showPanel: COMMAND_IDS.showPanel, commit: COMMAND_IDS.commit, showLog: COMMAND_IDS.showLog });
  const evaluateWizard = new EvaluateWizard(wizard, workspaceRoot);
  const proposed = new ProposedContent();

  const handlers: SearchPanelHandlers = {
    init: () => {
      const { type: _, ...init } = search.initMessage();
      return { ...init, evaluation: evaluation.panelState() };
    },
    start: () => search.onPanelMessage({ type: 'start' }),
    stop: () => search.onPanelMessage({ type: 'stop' }),
    resume: () => search.onPanelMessage({ type: 'resume' }),
    commit: () => search.onPanelMessage({ type: 'commit' }),
    showLog: () => search.onPanelMessage({ type: 'showLog' }),
  };

  /** Reports a failed command instead of letting the rejection vanish. */
  const guarded = <A extends unknown[], R>(name: string, run: (...args: A) => Promise<R>) => async (...args: A): Promise<R | undefined> => {
    try {
      return await run(...args);
    } catch (e) {
      const message = e instanceof LaunchError ? e.message : (e as Error).message ?? String(e);
      log.error(`${name} failed: ${(e as Error).stack ?? message}`);
      void vscode.window.showErrorMessage(`DDAS ${name}: ${message.split('\n')[0]}`, 'Show Log').then((a) => a && log.show(true));
      return undefined;
    }
  };

  context.subscriptions.push(
    log,
    engine,
    statusBar,
    search,
    proposed,
    vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, proposed),
    evaluation,
    // A search's `init` redraws the panel from scratch: it carries the evaluation section too.
    search.attach({ post: (m) => void SearchPanel.post(m.type === 'init' ? { ...m, evaluation: evaluation.panelState() } : m) }),
    evaluation.attach({ post: (m) => void SearchPanel.post(m) }),
    registerSearchPanelSerializer(context, handlers),

    vscode.commands.registerCommand('ddas.showCatalog', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: catalogMarkdown() });
      await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
    }),

    vscode.commands.registerCommand(
      COMMAND_IDS.start,
      guarded('Start Search', async (args?: unknown): Promise<boolean> => {
        if (!requireTrust('Start Search')) return false;
        if (evaluation.isRunning) {
          void vscode.window.showInformationMessage('A DDAS evaluation is running; the engine runs one job at a time. Start the search when it finishes, or cancel it from its notification.');
          return false;
        }
        const plan = await wizard.plan(isStartSearchArgs(args) ? args : {});
        if (!plan) return false;
        const started = await search.start(plan);
        if (started) SearchPanel.show(context, handlers, vscode.ViewColumn.Beside);
        return started;
      }),
    ),

    vscode.commands.registerCommand(COMMAND_IDS.stop, guarded('Stop Search', () => search.stop())),

    vscode.commands.registerCommand(
      COMMAND_IDS.resume,
      guarded('Resume Search', async (): Promise<boolean> => {
        if (!requireTrust('Resume Search')) return false;
        if (evaluation.isRunning) {
          void vscode.window.showInformationMessage('A DDAS evaluation is running; the engine runs one job at a time. Resume the search when it finishes.');
          return false;
        }
        return search.resume();
      }),
    ),

    vscode.commands.registerCommand(COMMAND_IDS.showPanel, () => {
      SearchPanel.show(context, handlers);
    }),

    vscode.commands.registerCommand(
      COMMAND_IDS.commit,
      guarded('Commit Policy', async (args?: unknown): Promise<CommitOutcome | undefined> => {
        const options = isCommitPolicyArgs(args) ? args : {};
        const source = commitSource(options.fromResult === true);
        if (!source) return undefined;
        return commitPolicy(source, schemaPath, proposed, options);
      }),
    ),

    vscode.commands.registerCommand(
      COMMAND_IDS.evaluate,
      guarded('Evaluate Policy', async (args?: unknown): Promise<boolean> => {
        if (!requireTrust('Evaluate Policy')) return false;
        if (search.isRunning) {
          void vscode.window.showInformationMessage('A DDAS search is running; the engine runs one job at a time. Evaluate when it finishes (the finished-search message offers it), or stop the search first.');
          return false;
        }
        const options = isEvaluatePolicyArgs(args) ? args : {};
        const stopped = args === undefined ? evaluation.resumable : undefined;
        if (stopped) {
          const resume = `Resume the evaluation of ${stopped.label}`;
          const choice = await vscode.window.showQuickPick([{ label: resume, detail: `${stopped.runsDone} of ${stopped.runs || '?'} runs done; continues from its checkpoint` }, { label: 'Evaluate a policy', detail: 'a new evaluation (the stopped one is left as it is)' }], { title: 'DDAS: Evaluate Policy', ignoreFocusOut: true });
          if (!choice) return false;
          if (choice.label === resume) {
            const resumed = await evaluation.resume();
            if (resumed) SearchPanel.show(context, handlers, vscode.ViewColumn.Beside);
            return resumed;
          }
        }
        const fromEditor = options.fromResult ? undefined : policyInActiveEditor();
        if (fromEditor && 'problem' in fromEditor) {
          void vscode.window.showWarningMessage(fromEditor.problem);
          return false;
        }
        const editorChoice: PolicyChoice | undefined = fromEditor ? { policy: fromEditor.policy, label: policyLabel(fromEditor.outFile), file: editorFile() ?? fromEditor.outFile, origin: `${fromEditor.label} (active editor)` } : undefined;
        const result = search.lastResult;
        const resultChoice: PolicyChoice | undefined = result ? { policy: result.policy, label: policyLabel(result.outFile), origin: `last search result (${vscode.workspace.asRelativePath(result.outFile)})` } : undefined;
        const plan = await evaluateWizard.plan(editorChoice, resultChoice, options);
        if (!plan) return false;
        const started = await evaluation.start(plan);
        if (started) SearchPanel.show(context, handlers, vscode.ViewColumn.Beside);
        return started;
      }),
    ),

    vscode.commands.registerCommand(
      COMMAND_IDS.preview,
      guarded('Preview Augmentations', async (): Promise<vscode.Uri | undefined> => {
        if (!requireTrust('Preview Augmentations')) return undefined;
        const fromEditor = policyInActiveEditor();
        if (fromEditor && 'problem' in fromEditor) {
          void vscode.window.showWarningMessage(fromEditor.problem);
          return undefined;
        }
        const policy = fromEditor?.policy ?? search.lastResult?.policy ?? search.currentPolicy();
        if (!policy) {
          void vscode.window.showInformationMessage('No policy to preview: open a *.augpolicy.json file, or run DDAS: Start Search.');
          return undefined;
        }
        const plan = search.currentPlan;
        const sources = await previewSources(plan ? { dataset: plan.dataset, sampleImages: plan.sampleImages } : undefined, fs.existsSync(samplePath) ? samplePath : undefined, log);
        if (!sources) {
          void vscode.window.showInformationMessage('No images to preview: set ddas.preview.images to a glob or a list of image files.');
          return undefined;
        }
        const rows = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'DDAS: rendering previews' }, () => renderSamples(engine, policy, sources, { draws: 6, seed: Date.now() % 100000 }));
        const title = `Augmentation preview: ${fromEditor?.label ?? (search.lastResult ? path.basename(search.lastResult.outFile) : 'current search')}`;
        return showPreviewDocument(context.globalStorageUri, title, rows);
      }),
    ),

    vscode.commands.registerCommand(
      COMMAND_IDS.selectBackend,
      guarded('Select Engine Backend', async (given?: unknown): Promise<BackendChoice | undefined> => {
        const choice = typeof given === 'string' && (BACKEND_CHOICES as readonly string[]).includes(given) ? (given as BackendChoice) : await pickBackend(engine.ready?.backend.name);
        if (!choice) return undefined;
        const inspect = vscode.workspace.getConfiguration().inspect(SETTINGS.backend);
        const target = inspect?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
        await vscode.workspace.getConfiguration().update(SETTINGS.backend, choice, target);
        await applyEngineSettings(true);
        return choice;
      }),
    ),

    vscode.commands.registerCommand(COMMAND_IDS.showLog, () => log.show(true)),

    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SETTINGS.backend) || e.affectsConfiguration(SETTINGS.nodePath)) void applyEngineSettings(false);
    }),
  );

  registerPolicyEditing(context, createEditingDeps(engine, search, samplePath));

  /** Restarts an idle engine with new settings; a running search keeps its engine. */
  async function applyEngineSettings(report: boolean): Promise<void> {
    if (search.isRunning || evaluation.isRunning) {
      if (report) void vscode.window.showInformationMessage(`DDAS: the backend "${backendSetting()}" applies from the next search or evaluation (one is running now).`);
      return;
    }
    const wasRunning = engine.running;
    await engine.stop();
    if (!(report || wasRunning) || !vscode.workspace.isTrusted) return;
    const client = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'DDAS: restarting the engine' }, () => engine.ensure());
    const b = client.ready.backend;
    if (report) {
      const skipped = b.skipped.length ? ` Skipped: ${b.skipped.map((s) => `${s.backend} (${s.reason})`).join('; ')}.` : '';
      void vscode.window.showInformationMessage(`DDAS engine backend: ${b.name} on ${b.device}.${skipped}`);
    }
  }

  function commitSource(fromResult: boolean): PolicySource | undefined {
    const editor = fromResult ? undefined : policyInActiveEditor();
    if (editor && 'problem' in editor) {
      void vscode.window.showWarningMessage(editor.problem);
      return undefined;
    }
    // The policy's last evaluation (if it has not changed since) goes into its metadata and the commit message.
    if (editor) return { ...editor, policy: evaluation.withLastEvaluation(editor.policy) };
    const result = search.lastResult;
    if (result) return { policy: evaluation.withLastEvaluation(result.policy), outFile: result.outFile, label: 'the last search result' };
    void vscode.window.showInformationMessage('No policy to commit yet: run DDAS: Start Search, or open a *.augpolicy.json file and run Commit Policy from it.');
    return undefined;
  }

  return {
    isSearchRunning: () => search.isRunning,
    searchEvents: () => search.events,
    lastResult: () => search.lastResult?.policy,
    searchStatus: () => search.status(),
    isEvaluationRunning: () => evaluation.isRunning,
    lastEvaluation: () => evaluation.lastReport,
    enginePid: () => engine.pid,
    onDidChangeSearch: search.onDidChange,
  };
}

async function pickBackend(current: string | undefined): Promise<BackendChoice | undefined> {
  const about: Record<BackendChoice, string> = {
    auto: 'the fastest that loads and passes a smoke test (GPU, native CPU, wasm, then pure JS)',
    'tensorflow-gpu': '@tensorflow/tfjs-node-gpu: CUDA 11.2 + cuDNN 8.1 (optional dependency)',
    tensorflow: '@tensorflow/tfjs-node: native CPU (optional dependency)',
    wasm: 'WebAssembly with DDAS training kernels: always available',
    cpu: 'pure JavaScript: slowest, for checking results',
  };
  const setting = backendSetting();
  const items = BACKEND_CHOICES.map((b) => ({ label: b, description: `${b === setting ? 'selected' : ''}${current === b ? `${b === setting ? ', ' : ''}in use` : ''}`, detail: about[b], backend: b }));
  const chosen = await vscode.window.showQuickPick(items, { title: 'DDAS: engine backend (ddas.engine.backend)', placeHolder: current ? `The engine uses ${current} now` : 'Backend for the next engine start' });
  return chosen?.backend;
}

/** Stops the engine so a running search writes its checkpoint before the host goes away. */
export async function deactivate(): Promise<void> {
  const engine = engineHost;
  engineHost = undefined;
  await engine?.stop();
}
