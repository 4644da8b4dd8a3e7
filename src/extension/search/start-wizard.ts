/**
 * Start Search's questions: which dataset, which budget, what the user's training already
 * does (the base transform), where the policy goes. The last answers are remembered per
 * workspace and offered first next time; the base step preselects `ddas.search.base`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BaseTransformSchema, type BaseTransform } from '../../shared/base';
import { PRESETS, type PresetName } from '../../shared/presets';
import { baseSetting, defaultPresetSetting } from '../config';
import { baseChoices, checkBasePixels, type BaseSetting } from './base-choice';
import { DISCOVERY_GLOBS, datasetName, defaultOutputName, discoverDatasets, type DatasetCandidate } from './dataset-discovery';
import { budgetFor, checkBudgetField, type CustomBudget, type PresetChoice, type SearchPlan } from './search-plan';

const CHOICES_KEY = 'ddas.lastChoices';
const EXCLUDE = '**/{node_modules,.git,.vscode-test,dist,out}/**';
const MAX_IMAGE_FILES = 20000;

interface RememberedChoices {
  readonly dataset?: string;
  readonly preset?: PresetChoice;
  readonly custom?: CustomBudget;
  /** Output file per dataset path. */
  readonly outFiles?: Record<string, string>;
}

/** Options a caller (tests, other commands) can pass to skip the questions. */
export interface StartSearchArgs {
  readonly dataset?: string;
  readonly preset?: PresetChoice;
  readonly budget?: Partial<CustomBudget> & { batch?: number; valBatch?: number };
  readonly outFile?: string;
  /** The base transform; without it a call giving dataset, preset and outFile uses the setting, others ask. */
  readonly base?: BaseSetting;
}

export function isStartSearchArgs(value: unknown): value is StartSearchArgs {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const base = v.base === undefined || v.base === 'default' || BaseTransformSchema.safeParse(v.base).success;
  return base && (v.dataset === undefined || typeof v.dataset === 'string') && (v.outFile === undefined || typeof v.outFile === 'string') && (v.preset === undefined || v.preset === 'custom' || (typeof v.preset === 'string' && v.preset in PRESETS));
}

export function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

export async function findDatasets(): Promise<DatasetCandidate[]> {
  if (!vscode.workspace.workspaceFolders?.length) return [];
  const [idx, cifar, images] = await Promise.all([
    vscode.workspace.findFiles(DISCOVERY_GLOBS.idx, EXCLUDE, 500),
    vscode.workspace.findFiles(DISCOVERY_GLOBS.cifar, EXCLUDE, 500),
    vscode.workspace.findFiles(DISCOVERY_GLOBS.images, EXCLUDE, MAX_IMAGE_FILES),
  ]);
  return discoverDatasets([...idx, ...cifar, ...images].filter((u) => u.scheme === 'file').map((u) => u.fsPath));
}

type DatasetItem = vscode.QuickPickItem & { readonly candidate?: DatasetCandidate; readonly browse?: true };

export class StartWizard {
  constructor(
    private readonly context: vscode.ExtensionContext,
    /** The extension's embedded sample (Fashion-MNIST subset), when packaged. */
    private readonly samplePath: string | undefined,
  ) {}

  /** Asks the questions (or takes them from `args`); undefined when the user backs out. */
  async plan(args: StartSearchArgs = {}): Promise<SearchPlan | undefined> {
    const remembered = this.context.workspaceState.get<RememberedChoices>(CHOICES_KEY) ?? {};
    const dataset = args.dataset ? this.fromPath(args.dataset) : await this.pickDataset(remembered);
    if (!dataset) return undefined;
    const preset = args.preset ?? (await this.pickPreset(remembered.preset ?? defaultPresetSetting()));
    if (!preset) return undefined;
    let custom: CustomBudget | undefined;
    if (preset === 'custom') {
      custom = args.budget?.epochs && args.budget.trainSize && args.budget.valSize ? { epochs: args.budget.epochs, trainSize: args.budget.trainSize, valSize: args.budget.valSize } : await this.askCustom(remembered.custom);
      if (!custom) return undefined;
    }
    const budget = { ...budgetFor(preset, custom), ...(args.budget?.batch ? { batch: args.budget.batch } : {}), ...(args.budget?.valBatch ? { valBatch: args.budget.valBatch } : {}) };
    // A scripted call (dataset, preset and file given) is not interrupted by a question.
    const scripted = args.dataset !== undefined && args.preset !== undefined && args.outFile !== undefined;
    const base = args.base ?? (scripted ? this.settingBase() : await this.pickBase());
    if (!base) return undefined;
    const outFile = args.outFile ? this.absolute(args.outFile) : await this.askOutput(dataset, remembered.outFiles?.[dataset.path]);
    if (!outFile) return undefined;
    await this.context.workspaceState.update(CHOICES_KEY, {
      dataset: dataset.path,
      preset,
      custom: custom ?? remembered.custom,
      outFiles: { ...(remembered.outFiles ?? {}), [dataset.path]: outFile },
    } satisfies RememberedChoices);
    return { dataset: dataset.path, datasetName: dataset.name, datasetKind: dataset.kind, sampleImages: dataset.sampleImages, preset, budget, outFile, ...(base === 'default' ? {} : { base }) };
  }

  private settingBase(): BaseSetting {
    const { base, problem } = baseSetting();
    if (problem) void vscode.window.showWarningMessage(problem);
    return base;
  }

  /** "What your training already does": the search must measure under the same base transform. */
  private async pickBase(): Promise<BaseSetting | undefined> {
    const setting = this.settingBase();
    type Item = vscode.QuickPickItem & { readonly choice: ReturnType<typeof baseChoices>[number] };
    const items: Item[] = baseChoices(setting).map((c) => ({ label: c.label, detail: c.detail, choice: c }));
    const chosen = await vscode.window.showQuickPick(items, {
      title: 'DDAS: Start Search (3/4) - what your training already does',
      placeHolder: 'The transform your training applies to every image after the policy (the search runs under it; exports apply it)',
      ignoreFocusOut: true,
    });
    if (!chosen) return undefined;
    return chosen.choice.base ?? this.askCustomBase(setting === 'default' ? undefined : setting);
  }

  private async askCustomBase(start: BaseTransform | undefined): Promise<BaseTransform | undefined> {
    const from = start ?? { cropPadding: 4, flipLR: false, cutout: 0 };
    const ask = async (field: 'cropPadding' | 'cutout', prompt: string): Promise<number | undefined> => {
      const text = await vscode.window.showInputBox({ title: 'DDAS: base transform', prompt, value: String(from[field]), ignoreFocusOut: true, validateInput: (t) => checkBasePixels(field, t) });
      return text === undefined ? undefined : Number(text.trim());
    };
    const cropPadding = await ask('cropPadding', 'Random crop: zero padding in pixels on each side (RandomCrop padding; 0 = no crop)');
    if (cropPadding === undefined) return undefined;
    type FlipItem = vscode.QuickPickItem & { readonly flip: boolean };
    const flips: FlipItem[] = [
      { label: 'No flip', detail: 'For data whose labels depend on left and right (digits, text, arrows)', flip: false },
      { label: 'Horizontal flip', detail: 'Mirror left-right with probability 1/2 (RandomHorizontalFlip)', flip: true },
    ];
    flips.sort((a, b) => Number(b.flip === from.flipLR) - Number(a.flip === from.flipLR));
    const flip = await vscode.window.showQuickPick(flips, { title: 'DDAS: base transform', placeHolder: 'Does your training mirror the images?', ignoreFocusOut: true });
    if (!flip) return undefined;
    const cutout = await ask('cutout', 'Cutout: side in pixels of a gray square at a random place (0 = off)');
    if (cutout === undefined) return undefined;
    return { cropPadding, flipLR: flip.flip, cutout };
  }

  private fromPath(given: string): { path: string; name: string; kind?: DatasetCandidate['kind']; sampleImages: readonly string[] } {
    const abs = this.absolute(given);
    const isFile = fs.existsSync(abs) && fs.statSync(abs).isFile();
    return { path: abs, name: datasetName(isFile ? path.dirname(abs) : abs), sampleImages: [] };
  }

  private absolute(p: string): string {
    const root = workspaceRoot();
    return path.isAbsolute(p) || !root ? path.resolve(p) : path.resolve(root, p);
  }

  /** The dataset step alone, under another title (Evaluate Policy asks it when the policy names no dataset here). */
  async pickDatasetOnly(title: string): Promise<{ path: string; name: string } | undefined> {
    return this.pickDataset(this.context.workspaceState.get<RememberedChoices>(CHOICES_KEY) ?? {}, title);
  }

  private async pickDataset(remembered: RememberedChoices, title = 'DDAS: Start Search (1/4) - dataset'): Promise<{ path: string; name: string; kind?: DatasetCandidate['kind']; sampleImages: readonly string[] } | undefined> {
    const pick = vscode.window.createQuickPick<DatasetItem>();
    pick.title = title;
    pick.placeholder = 'Looking for datasets in the workspace...';
    pick.busy = true;
    pick.matchOnDescription = true;
    pick.ignoreFocusOut = true;
    pick.items = [this.browseItem()];
    pick.show();
    const root = workspaceRoot();
    try {
      const found = await findDatasets();
      const candidates = [...found];
      if (this.samplePath && fs.existsSync(this.samplePath) && !candidates.some((c) => c.path === this.samplePath)) {
        candidates.push({ kind: 'idx', path: this.samplePath, name: 'fashion-mnist', detail: 'The extension\'s embedded sample: 4,000 Fashion-MNIST images (IDX)', sampleImages: [] });
      }
      // The last used dataset first, then the rest in path order.
      candidates.sort((a, b) => Number(b.path === remembered.dataset) - Number(a.path === remembered.dataset));
      const items: DatasetItem[] = candidates.map((c) => ({
        label: `$(database) ${c.name}`,
        description: `${root && c.path.startsWith(root) ? path.relative(root, c.path) || '.' : c.path}${c.path === remembered.dataset ? '  (last used)' : ''}`,
        detail: c.detail,
        candidate: c,
      }));
      pick.items = [...items, this.browseItem()];
      pick.activeItems = pick.items.slice(0, 1);
      pick.placeholder = items.length ? 'Pick the dataset to search a policy for' : 'No dataset found in the workspace: browse for one';
    } finally {
      pick.busy = false;
    }
    const chosen = await new Promise<DatasetItem | undefined>((resolve) => {
      pick.onDidAccept(() => resolve(pick.selectedItems[0]));
      pick.onDidHide(() => resolve(undefined));
    });
    pick.dispose();
    if (!chosen) return undefined;
    if (chosen.candidate) return chosen.candidate;
    const uris = await vscode.window.showOpenDialog({
      title: 'Dataset: a folder of class subfolders, an IDX images file or folder, or CIFAR binaries',
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: false,
      ...(root ? { defaultUri: vscode.Uri.file(root) } : {}),
    });
    return uris?.[0] ? this.fromPath(uris[0].fsPath) : undefined;
  }

  private browseItem(): DatasetItem {
    return { label: '$(folder-opened) Browse...', detail: 'Pick a dataset folder or file anywhere', browse: true, alwaysShow: true };
  }

  private async pickPreset(preferred: PresetChoice): Promise<PresetChoice | undefined> {
    type Item = vscode.QuickPickItem & { readonly preset: PresetChoice };
    const presetItems: Item[] = (Object.keys(PRESETS) as PresetName[]).map((name) => ({ label: PRESETS[name].label, detail: PRESETS[name].detail, preset: name }));
    const items: Item[] = [...presetItems, { label: 'Custom', detail: 'choose epochs and the numbers of training and validation images', preset: 'custom' }];
    items.sort((a, b) => Number(b.preset === preferred) - Number(a.preset === preferred));
    const chosen = await vscode.window.showQuickPick(items, { title: 'DDAS: Start Search (2/4) - budget', placeHolder: 'How long should the search run?', ignoreFocusOut: true });
    return chosen?.preset;
  }

  private async askCustom(last: CustomBudget | undefined): Promise<CustomBudget | undefined> {
    const base = last ?? PRESETS.quick.budget;
    const ask = async (field: keyof CustomBudget, prompt: string): Promise<number | undefined> => {
      const text = await vscode.window.showInputBox({ title: 'DDAS: custom budget', prompt, value: String(base[field]), ignoreFocusOut: true, validateInput: (t) => checkBudgetField(field, t) });
      return text === undefined ? undefined : Number(text.trim());
    };
    const epochs = await ask('epochs', 'Epochs (passes over the training images)');
    if (epochs === undefined) return undefined;
    const trainSize = await ask('trainSize', 'Training images (the search samples them from the dataset)');
    if (trainSize === undefined) return undefined;
    const valSize = await ask('valSize', 'Validation images (used to learn the policy)');
    if (valSize === undefined) return undefined;
    return { epochs, trainSize, valSize };
  }

  private async askOutput(dataset: { path: string }, last: string | undefined): Promise<string | undefined> {
    const root = workspaceRoot();
    const suggested = last ?? (root ? path.join(root, defaultOutputName(dataset.path)) : undefined);
    if (!root) {
      const uri = await vscode.window.showSaveDialog({ title: 'Where should Commit Policy write the policy?', filters: { 'Augmentation policy': ['json'] }, ...(suggested ? { defaultUri: vscode.Uri.file(suggested) } : {}) });
      return uri?.fsPath;
    }
    const value = suggested ? path.relative(root, suggested) : defaultOutputName(dataset.path);
    const text = await vscode.window.showInputBox({
      title: 'DDAS: Start Search (4/4) - policy file',
      prompt: 'Where Commit Policy writes the policy, relative to the workspace folder (YAML, TypeScript and Python go beside it)',
      value,
      valueSelection: [value.lastIndexOf('/') + 1, value.length - '.augpolicy.json'.length > 0 && value.endsWith('.augpolicy.json') ? value.length - '.augpolicy.json'.length : value.length],
      ignoreFocusOut: true,
      validateInput: (t) => (t.trim() === '' ? 'Enter a file name.' : !t.trim().endsWith('.json') ? 'The policy file is JSON: end the name with .augpolicy.json.' : undefined),
    });
    return text === undefined ? undefined : path.resolve(root, text.trim());
  }
}
