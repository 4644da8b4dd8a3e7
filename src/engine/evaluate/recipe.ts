/**
 * How an evaluation trains each fresh net: the usual CIFAR ResNet recipe (SGD with
 * Nesterov momentum 0.9, weight decay 5e-4 on every weight, learning rate 0.1 with a
 * cosine decay to 0 over all steps, mean cross-entropy, batch 128). One recipe for every
 * entry, so the policies are what differs.
 */
import type { TrainingRecipe } from '../../shared/evaluation';

export const LEARNING_RATE = 0.1;
export const MOMENTUM = 0.9;
export const WEIGHT_DECAY = 5e-4;
/** Held-out images scored per forward pass. */
export const SCORE_BATCH = 500;

/** Cosine decay from LEARNING_RATE at step 0 towards 0 at step `total`. */
export function learningRateAt(step: number, total: number): number {
  return 0.5 * LEARNING_RATE * (1 + Math.cos((Math.PI * step) / Math.max(1, total)));
}

export function recipe(batch: number): TrainingRecipe {
  return {
    optimizer: 'SGD (Nesterov momentum), weight decay on every trainable weight, mean cross-entropy, batch-norm running statistics for scoring',
    learningRate: LEARNING_RATE,
    momentum: MOMENTUM,
    nesterov: true,
    weightDecay: WEIGHT_DECAY,
    schedule: 'cosine decay to 0 over all steps, per step; last partial batch of an epoch kept',
    batch,
    trainSubset: 'stratified from the search-and-train images, drawn per seed (the same for every entry of a seed)',
  };
}
