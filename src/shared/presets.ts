/**
 * Search budgets people pick from (CLI defaults, the extension's quick pick). "Quick" is
 * sized to finish in minutes on 2 CPU cores with the wasm backend, with the policy
 * learning rates scaled up for its few steps (DESIGN section 3: the paper's rates are
 * tuned for ~1,260 steps); "paper" is the official CIFAR-10 search.
 */
import type { SearchBudget } from './protocol';

export interface Preset {
  readonly label: string;
  readonly detail: string;
  readonly budget: SearchBudget;
  readonly learningRates: { readonly alpha: number; readonly beta: number };
  readonly model: 'resnet-small' | 'wrn-40-2';
}

export const PRESETS = {
  quick: {
    label: 'Quick',
    detail: 'minutes on a laptop CPU: 800 + 400 images, 8 epochs, small ResNet, larger policy learning rates',
    budget: { epochs: 8, trainSize: 800, valSize: 400, batch: 32, valBatch: 64 },
    learningRates: { alpha: 0.05, beta: 0.01 },
    model: 'resnet-small',
  },
  paper: {
    label: 'Paper-faithful',
    detail: 'the official CIFAR-10 search: 2,000 + 2,000 images, 20 epochs, WRN-40-2, paper rates (GPU recommended)',
    budget: { epochs: 20, trainSize: 2000, valSize: 2000, batch: 32, valBatch: 256 },
    learningRates: { alpha: 0.005, beta: 0.001 },
    model: 'wrn-40-2',
  },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;
