/**
 * What a search is asked to do (dataset, budget, where the policy goes) and the engine
 * request it becomes. No `vscode`: the start wizard fills a plan, the controller runs it.
 */
import type { BaseTransform } from '../../shared/base';
import { PRESETS, type PresetName } from '../../shared/presets';
import type { Request, SearchBudget } from '../../shared/protocol';
import type { DatasetKind } from './dataset-discovery';

export type PresetChoice = PresetName | 'custom';

export interface CustomBudget {
  readonly epochs: number;
  readonly trainSize: number;
  readonly valSize: number;
}

export interface SearchPlan {
  /** Absolute path the engine opens. */
  readonly dataset: string;
  readonly datasetName: string;
  readonly datasetKind?: DatasetKind;
  /** Image files of the dataset for previews (ImageFolder); empty: ask the engine for dataset images. */
  readonly sampleImages: readonly string[];
  readonly preset: PresetChoice;
  readonly budget: SearchBudget;
  /** Where Commit Policy writes the JSON policy (other formats go beside it). */
  readonly outFile: string;
  /** What the user's training does after the policy; absent: the engine's default (a mild random crop). */
  readonly base?: BaseTransform;
}

/** A custom budget keeps the Quick preset's model, batches and learning rates. */
export function budgetFor(preset: PresetChoice, custom?: CustomBudget): SearchBudget {
  if (preset !== 'custom') return { ...PRESETS[preset].budget };
  const base = PRESETS.quick.budget;
  return { ...base, ...(custom ?? {}) };
}

export function searchRequest(plan: SearchPlan, id: string, checkpointDir: string, resume = false): Request {
  const preset = PRESETS[plan.preset === 'custom' ? 'quick' : plan.preset];
  return {
    kind: 'search',
    id,
    dataset: plan.dataset,
    budget: plan.budget,
    model: preset.model,
    learningRates: { ...preset.learningRates },
    ...(plan.base ? { base: plan.base } : {}),
    checkpointDir,
    resume,
  };
}

/** Checks a custom budget field as typed in an input box; returns the problem or undefined. */
export function checkBudgetField(field: keyof CustomBudget, text: string): string | undefined {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(v)) return 'Enter a whole number.';
  const min = field === 'epochs' ? 1 : 2;
  const max = field === 'epochs' ? 10000 : 10_000_000;
  if (v < min || v > max) return `Enter a number from ${min} to ${max}.`;
  return undefined;
}

export function presetLabel(preset: PresetChoice, budget: SearchBudget): string {
  const name = preset === 'custom' ? 'Custom' : PRESETS[preset].label;
  return `${name} (${budget.epochs} epochs, ${budget.trainSize} + ${budget.valSize} images)`;
}
