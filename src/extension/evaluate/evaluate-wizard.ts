/**
 * Evaluate Policy's questions: which policy (the active editor's file or the last
 * search's result, asked only when both exist), which baselines, which budget, and the
 * dataset when the policy does not name one that is here (Start Search's dataset step).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BASELINE_NAMES, type BaselineName } from '../../shared/evaluation';
import { datasetName } from '../search/dataset-discovery';
import type { StartWizard } from '../search/start-wizard';
import { EVALUATE_PRESETS, baselineItems, budgetFor, checkEvaluateField, datasetOfPolicy, policyChoices, runCount, type EvaluateBudgetChoice, type EvaluateBudgetPick, type EvaluatePlan, type PolicyChoice } from './evaluate-plan';

/** Options a caller (the search-finished notification, tests) passes to skip questions. */
export interface EvaluatePolicyArgs {
  /** Evaluate the last search's result even if a policy file is in the active editor. */
  readonly fromResult?: boolean;
  readonly dataset?: string;
  readonly baselines?: readonly BaselineName[];
  readonly budget?: Exclude<EvaluateBudgetChoice, 'custom'> | EvaluateBudgetPick;
}

export function isEvaluatePolicyArgs(value: unknown): value is EvaluatePolicyArgs {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const baselines = v.baselines === undefined || (Array.isArray(v.baselines) && v.baselines.every((b) => (BASELINE_NAMES as readonly unknown[]).includes(b)));
  const budget = v.budget === undefined || v.budget === 'quick' || v.budget === 'standard' || (typeof v.budget === 'object' && v.budget !== null && ['seeds', 'epochs', 'trainSize'].every((k) => Number.isInteger((v.budget as Record<string, unknown>)[k])));
  return baselines && budget && (v.dataset === undefined || typeof v.dataset === 'string') && (v.fromResult === undefined || typeof v.fromResult === 'boolean');
}

const TITLE = 'DDAS: Evaluate Policy';

export class EvaluateWizard {
  constructor(
    private readonly startWizard: StartWizard,
    private readonly workspaceRoot: () => string | undefined,
  ) {}

  /** Asks the questions (or takes them from `args`); undefined when the user backs out. */
  async plan(editor: PolicyChoice | undefined, lastResult: PolicyChoice | undefined, args: EvaluatePolicyArgs = {}): Promise<EvaluatePlan | undefined> {
    const source = args.fromResult ? lastResult : await this.pickSource(policyChoices(editor, lastResult));
    if (!source) {
      if (args.fromResult ? !lastResult : !editor && !lastResult) void vscode.window.showInformationMessage(args.fromResult ? 'No search result to evaluate: run DDAS: Start Search first.' : 'No policy to evaluate: open a *.augpolicy.json file, or run DDAS: Start Search first.');
      return undefined;
    }
    const baselines = args.baselines ?? (await this.pickBaselines());
    if (!baselines) return undefined;
    const picked = args.budget === undefined ? await this.pickBudget(baselines.length) : typeof args.budget === 'string' ? { choice: args.budget, budget: budgetFor(args.budget) } : { choice: 'custom' as const, budget: args.budget };
    if (!picked) return undefined;
    const dataset = await this.dataset(source, args.dataset);
    if (!dataset) return undefined;
    return { source, dataset: dataset.path, datasetName: dataset.name, baselines, budgetChoice: picked.choice, budget: picked.budget };
  }

  private async pickSource(choices: readonly PolicyChoice[]): Promise<PolicyChoice | undefined> {
    if (choices.length <= 1) return choices[0];
    type Item = vscode.QuickPickItem & { readonly choice: PolicyChoice };
    const items: Item[] = choices.map((c) => ({ label: c.label, description: c.origin, choice: c }));
    const chosen = await vscode.window.showQuickPick(items, { title: `${TITLE} - which policy`, placeHolder: 'The policy file in the editor, or the last search result', ignoreFocusOut: true });
    return chosen?.choice;
  }

  private async pickBaselines(): Promise<BaselineName[] | undefined> {
    type Item = vscode.QuickPickItem & { readonly name: BaselineName };
    const items: Item[] = baselineItems().map((b) => ({ label: b.label, detail: b.detail, picked: b.picked, name: b.name }));
    const chosen = await vscode.window.showQuickPick(items, { canPickMany: true, title: `${TITLE} - baselines`, placeHolder: 'What to compare the policy with (each trained and scored the same way)', ignoreFocusOut: true });
    return chosen?.map((i) => i.name);
  }

  private async pickBudget(baselines: number): Promise<{ choice: EvaluateBudgetChoice; budget: EvaluateBudgetPick } | undefined> {
    type Item = vscode.QuickPickItem & { readonly choice: EvaluateBudgetChoice };
    const runs = (b: EvaluateBudgetPick): string => `${runCount(baselines, b)} training runs`;
    const items: Item[] = [
      ...(['quick', 'standard'] as const).map((c): Item => ({ label: EVALUATE_PRESETS[c].label, description: runs(EVALUATE_PRESETS[c].budget), detail: EVALUATE_PRESETS[c].detail, choice: c })),
      { label: 'Custom', detail: 'choose the seeds, epochs and training images', choice: 'custom' },
    ];
    const chosen = await vscode.window.showQuickPick(items, { title: `${TITLE} - budget`, placeHolder: 'How many training runs, how long, on how many images?', ignoreFocusOut: true });
    if (!chosen) return undefined;
    if (chosen.choice !== 'custom') return { choice: chosen.choice, budget: budgetFor(chosen.choice) };
    const custom = await this.askCustom();
    return custom ? { choice: 'custom', budget: custom } : undefined;
  }

  private async askCustom(): Promise<EvaluateBudgetPick | undefined> {
    const start = EVALUATE_PRESETS.quick.budget;
    const ask = async (field: 'seeds' | 'epochs' | 'trainSize', prompt: string): Promise<number | undefined> => {
      const text = await vscode.window.showInputBox({ title: `${TITLE} - custom budget`, prompt, value: String(start[field]), ignoreFocusOut: true, validateInput: (t) => checkEvaluateField(field, t) });
      return text === undefined ? undefined : Number(text.trim());
    };
    const seeds = await ask('seeds', 'Seeds: training runs per entry (3 or more give a confidence interval)');
    if (seeds === undefined) return undefined;
    const epochs = await ask('epochs', 'Epochs per training run');
    if (epochs === undefined) return undefined;
    const trainSize = await ask('trainSize', 'Training images per run (a stratified subset of the training split)');
    if (trainSize === undefined) return undefined;
    // Custom scores the whole held-out split.
    return budgetFor('custom', { seeds, epochs, trainSize });
  }

  private async dataset(source: PolicyChoice, given: string | undefined): Promise<{ path: string; name: string } | undefined> {
    const root = this.workspaceRoot();
    if (given) {
      const abs = path.isAbsolute(given) || !root ? path.resolve(given) : path.resolve(root, given);
      return { path: abs, name: datasetName(abs) };
    }
    const found = datasetOfPolicy(source.policy, source.file, root, (p) => fs.existsSync(p));
    if (found) return { path: found, name: datasetName(found) };
    if (source.policy.search) void vscode.window.showInformationMessage(`The dataset the policy was searched on (${source.policy.search.dataset.path}) is not here: pick the dataset to evaluate on.`);
    return this.startWizard.pickDatasetOnly(`${TITLE} - dataset (its held-out split, or a held-out share, is scored)`);
  }
}
