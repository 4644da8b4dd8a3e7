/**
 * Held-out evaluation of policies (DESIGN section 7a): the `evaluate` request of the
 * engine protocol, its events, and the report the CLI, the panel and Commit Policy show.
 * A fresh proxy net is trained per (policy, seed) and scored on data the search never saw;
 * runs are paired (within a seed every policy gets the same initial weights and data order).
 */
import { z } from 'zod';
import { BaseTransformSchema } from './base';
import { PolicySchema } from './policy';

export const BASELINE_NAMES = ['none', 'base', 'randaugment', 'trivialaugment', 'uniform'] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

/** What each baseline is, in one line (CLI help, quick pick, panel legend). */
export const BASELINE_DESCRIPTIONS: Record<BaselineName, string> = {
  none: 'no augmentation at all (not even the base transform)',
  base: 'the base transform only (e.g. random crop)',
  randaugment: 'torchvision RandAugment(num_ops=2, magnitude=9 of 31 bins) + the base transform',
  trivialaugment: 'torchvision TrivialAugmentWide + the base transform',
  uniform: "the search's starting point: every category of the space equally likely, applyProbability 1, + the base transform",
};

const id = z.string().min(1).max(200);

/** One contender: a policy file's content (with a label), or a named baseline. */
export const EvaluateEntrySchema = z.union([
  z.strictObject({ kind: z.literal('policy'), label: z.string().min(1), policy: PolicySchema, file: z.string().optional() }),
  z.strictObject({ kind: z.literal('baseline'), name: z.enum(BASELINE_NAMES) }),
]);
export type EvaluateEntry = z.output<typeof EvaluateEntrySchema>;

export const EvaluateBudgetSchema = z.strictObject({
  seeds: z.number().int().min(1).max(50),
  epochs: z.number().int().min(1).max(1000),
  /** Training images (a stratified subset of the train split). */
  trainSize: z.number().int().min(10),
  /** Held-out images scored (default: all of the held-out split). */
  testSize: z.number().int().min(10).optional(),
  batch: z.number().int().min(1).max(4096).default(128),
});
export type EvaluateBudget = z.output<typeof EvaluateBudgetSchema>;

export const EvaluateRequestSchema = z.strictObject({
  kind: z.literal('evaluate'),
  id,
  dataset: z.string().min(1),
  entries: z.array(EvaluateEntrySchema).min(1).max(20),
  budget: EvaluateBudgetSchema,
  /**
   * The base transform every entry but `none` trains under; 'default' = the default base
   * for the dataset's image size; absent: the policies' own (they must agree), else the default.
   */
  base: z.union([BaseTransformSchema, z.literal('default')]).optional(),
  model: z.enum(['resnet-small', 'wrn-40-2']).default('resnet-small'),
  seed: z.number().int().default(0),
  checkpointDir: z.string().optional(),
  resume: z.boolean().default(false),
});
export type EvaluateRequest = z.output<typeof EvaluateRequestSchema>;

/** Mean and two-sided 95% interval (Student t over seeds; equal bounds for one seed; clipped to [0, 1] for accuracies, [-1, 1] for differences). */
export interface Interval {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

export interface EntryResult {
  readonly label: string;
  /** A policy file's entry or a named baseline (then `label` is the baseline's name). */
  readonly kind?: 'policy' | 'baseline';
  /** Held-out accuracy per seed, in [0, 1], in seed order. */
  readonly accuracies: readonly number[];
  readonly accuracy: Interval;
  /** Held-out accuracy after each epoch, averaged over seeds. */
  readonly curve: readonly number[];
  /** The same per seed (seed order). */
  readonly curves?: readonly (readonly number[])[];
}

/**
 * Paired difference (entry - reference) over seeds, in accuracy units. The report holds
 * one per (entry, baseline) pair, entry != baseline: policies and baselines against every baseline.
 */
export interface PairedDifference {
  readonly entry: string;
  readonly reference: string;
  readonly difference: Interval;
}

export interface EvaluationReport {
  readonly dataset: { readonly path: string; readonly heldOut: string; readonly testImages: number; readonly trainImages: number };
  readonly budget: EvaluateBudget;
  readonly model: string;
  readonly backend: string;
  readonly base: z.output<typeof BaseTransformSchema>;
  readonly entries: readonly EntryResult[];
  readonly differences: readonly PairedDifference[];
  /** The baseline with the highest mean accuracy (what the verdict compares with); absent without baselines. */
  readonly bestBaseline?: string;
  /** The seeds the runs used, in order (entries' `accuracies` follow it). */
  readonly seeds?: readonly number[];
  /** How every run trained, in words and numbers (the same for every entry). */
  readonly recipe?: TrainingRecipe;
  /** One sentence, e.g. "+1.2 points over base (95% CI +0.6..+1.8) on 10,000 held-out images". */
  readonly verdict: string;
  readonly seconds: number;
  readonly finishedAt: string;
}

/** The training of one evaluation run (DESIGN section 7a). */
export interface TrainingRecipe {
  readonly optimizer: string;
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly schedule: string;
  readonly batch: number;
  /** How the training images were chosen. */
  readonly trainSubset: string;
}

/** Events of an evaluate request (members of the protocol's EngineEvent union). */
export type EvaluateEvent =
  | { kind: 'evaluateStarted'; id: string; labels: readonly string[]; seeds: number; epochs: number; heldOut: string; testImages: number; trainImages: number; backend: string; resumedRuns?: number; model?: string; base?: string; runs?: number }
  // Per step (step, stepsPerEpoch) and at each epoch's end (with testAccuracy); `run` counts from 0.
  | { kind: 'evaluateProgress'; id: string; run: number; runs: number; label: string; seed: number; epoch: number; epochs: number; trainLoss: number; testAccuracy?: number; etaSeconds: number; step?: number; stepsPerEpoch?: number }
  | { kind: 'evaluateRun'; id: string; label: string; seed: number; accuracy: number; curve: readonly number[]; run?: number; runs?: number; seconds?: number }
  | { kind: 'evaluateResult'; id: string; report: EvaluationReport };
