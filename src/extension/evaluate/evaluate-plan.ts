/**
 * What Evaluate Policy is asked to do (which policy, on which dataset, against which
 * baselines, with which budget) and the engine's `evaluate` request it becomes. No
 * `vscode`: the wizard fills a plan from quick picks, the controller runs it.
 */
import * as path from 'node:path';
import { BASELINE_DESCRIPTIONS, BASELINE_NAMES, type BaselineName } from '../../shared/evaluation';
import { policyStem } from '../../shared/export';
import type { Policy } from '../../shared/policy';
import type { Request } from '../../shared/protocol';
import type { EvaluationInfo } from '../../shared/webview-protocol';

export type EvaluateBudgetChoice = 'quick' | 'standard' | 'custom';

/** What the user picks (the request's budget without the engine's defaults). */
export interface EvaluateBudgetPick {
  readonly seeds: number;
  readonly epochs: number;
  readonly trainSize: number;
  /** Held-out images scored; absent: all of the held-out split. */
  readonly testSize?: number;
}

export interface EvaluateBudgetPreset {
  readonly label: string;
  readonly detail: string;
  readonly budget: EvaluateBudgetPick;
}

/** The budgets offered; Standard is DESIGN section 7a's (3 seeds x 40 epochs, 2,000 images). */
export const EVALUATE_PRESETS: Readonly<Record<Exclude<EvaluateBudgetChoice, 'custom'>, EvaluateBudgetPreset>> = {
  quick: {
    label: 'Quick: 3 seeds x 15 epochs, 1,000 images',
    detail: 'a first look: scored on up to 2,000 held-out images; differences under a point may not show',
    budget: { seeds: 3, epochs: 15, trainSize: 1000, testSize: 2000 },
  },
  standard: {
    label: 'Standard: 3 seeds x 40 epochs, 2,000 images',
    detail: 'the low-data comparison of the DDAS benchmark, scored on the whole held-out split (GPU or patience)',
    budget: { seeds: 3, epochs: 40, trainSize: 2000 },
  },
};

/** Where the policy to evaluate comes from. */
export interface PolicyChoice {
  readonly policy: Policy;
  /** The entry's label in the report: the file's stem, or "search result". */
  readonly label: string;
  /** The policy file, when it is one (its folder resolves a relative dataset path). */
  readonly file?: string;
  /** Where it came from, in words: "fmnist.augpolicy.json (active editor)". */
  readonly origin: string;
}

export interface EvaluatePlan {
  readonly source: PolicyChoice;
  /** Absolute path the engine opens. */
  readonly dataset: string;
  readonly datasetName: string;
  readonly baselines: readonly BaselineName[];
  readonly budgetChoice: EvaluateBudgetChoice;
  readonly budget: EvaluateBudgetPick;
}

/**
 * A label for the policy's entry that no baseline has (the report names entries by
 * label, and a policy file called uniform.augpolicy.json must not read as the baseline).
 */
export function policyLabel(file: string | undefined, fallback = 'search result'): string {
  const stem = file ? policyStem(file) : fallback;
  return (BASELINE_NAMES as readonly string[]).includes(stem.toLowerCase()) ? `${stem} (policy)` : stem;
}

/** The policy sources to offer: the active editor's policy file and the last search's result. */
export function policyChoices(editor: PolicyChoice | undefined, lastResult: PolicyChoice | undefined): PolicyChoice[] {
  return [editor, lastResult].filter((c): c is PolicyChoice => c !== undefined);
}

/** The baselines in the quick pick: every one, described, all picked by default. */
export function baselineItems(picked: readonly BaselineName[] = BASELINE_NAMES): { name: BaselineName; label: string; detail: string; picked: boolean }[] {
  return BASELINE_NAMES.map((name) => ({ name, label: name, detail: BASELINE_DESCRIPTIONS[name], picked: picked.includes(name) }));
}

/** The budget of a choice; Custom takes the numbers typed (Quick's where none given). */
export function budgetFor(choice: EvaluateBudgetChoice, custom?: Partial<EvaluateBudgetPick>): EvaluateBudgetPick {
  if (choice !== 'custom') return { ...EVALUATE_PRESETS[choice].budget };
  const base = EVALUATE_PRESETS.quick.budget;
  return { seeds: custom?.seeds ?? base.seeds, epochs: custom?.epochs ?? base.epochs, trainSize: custom?.trainSize ?? base.trainSize, ...(custom?.testSize !== undefined ? { testSize: custom.testSize } : {}) };
}

/** "3 seeds x 15 epochs, 1,000 training images" (+ held-out cap). */
export function describeBudget(budget: EvaluateBudgetPick): string {
  const n = (v: number): string => v.toLocaleString('en-US');
  const held = budget.testSize !== undefined ? `, up to ${n(budget.testSize)} held-out images` : '';
  return `${budget.seeds} seed${budget.seeds === 1 ? '' : 's'} x ${budget.epochs} epoch${budget.epochs === 1 ? '' : 's'}, ${n(budget.trainSize)} training images${held}`;
}

export function budgetLabel(choice: EvaluateBudgetChoice, budget: EvaluateBudgetPick): string {
  const name = choice === 'quick' ? 'Quick' : choice === 'standard' ? 'Standard' : 'Custom';
  return `${name} (${describeBudget(budget)})`;
}

/** Training runs the plan asks for: one per (entry, seed). */
export function runCount(baselines: number, budget: EvaluateBudgetPick): number {
  return (baselines + 1) * budget.seeds;
}

/** The ranges EvaluateRequestSchema accepts. */
const FIELD_RANGES: Record<'seeds' | 'epochs' | 'trainSize', readonly [number, number]> = {
  seeds: [1, 50],
  epochs: [1, 1000],
  trainSize: [10, 10_000_000],
};

/** Checks a custom budget number as typed in an input box; returns the problem or undefined. */
export function checkEvaluateField(field: keyof typeof FIELD_RANGES, text: string): string | undefined {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(v)) return 'Enter a whole number.';
  const [min, max] = FIELD_RANGES[field];
  if (v < min || v > max) return `Enter a number from ${min} to ${max.toLocaleString('en-US')}.`;
  return undefined;
}

/**
 * The dataset a policy was searched on, if it is still there: its `search.dataset.path`
 * (absolute, or relative to the policy file's folder or the workspace folder).
 */
export function datasetOfPolicy(policy: Policy, policyFile: string | undefined, workspaceRoot: string | undefined, exists: (p: string) => boolean): string | undefined {
  const given = policy.search?.dataset.path;
  if (!given) return undefined;
  const candidates = path.isAbsolute(given) ? [given] : [policyFile ? path.resolve(path.dirname(policyFile), given) : undefined, workspaceRoot ? path.resolve(workspaceRoot, given) : undefined];
  return candidates.find((c): c is string => c !== undefined && exists(c));
}

/** The engine request: the policy first, then the baselines in the order picked. */
export function evaluateRequest(plan: EvaluatePlan, id: string, checkpointDir: string, resume = false): Request {
  return {
    kind: 'evaluate',
    id,
    dataset: plan.dataset,
    entries: [{ kind: 'policy', label: plan.source.label, policy: plan.source.policy, ...(plan.source.file ? { file: plan.source.file } : {}) }, ...plan.baselines.map((name) => ({ kind: 'baseline' as const, name }))],
    budget: { ...plan.budget },
    checkpointDir,
    resume,
  };
}

/** What the panel shows above the evaluation. */
export function evaluationInfo(plan: EvaluatePlan, id: string): EvaluationInfo {
  return {
    id,
    policy: plan.source.label,
    dataset: plan.dataset,
    budget: budgetLabel(plan.budgetChoice, plan.budget),
    entries: [{ label: plan.source.label, kind: 'policy' }, ...plan.baselines.map((name) => ({ label: name, kind: 'baseline' as const }))],
  };
}
