/**
 * DDAS runtime: apply a committed augmentation policy to TensorFlow.js image batches.
 *
 *   import { createAugmenter } from './src/runtime'; // this repository's src/runtime
 *   import { policy } from './fashion.augpolicy';
 *   const augmenter = createAugmenter(policy, { seed: 0 }); // { includeBase: false } if you crop/flip yourself
 *   for (let epoch = 0; epoch < epochs; epoch++) {
 *     augmenter.setEpoch(epoch, epochs);
 *     for (const batch of batches) {
 *       const x = augmenter.augment(batch.images); // NHWC, whole numbers in [0, 255]; the policy, then its base
 *       ...
 *     }
 *   }
 */
export { createAugmenter, PolicyError, type Augmenter, type AugmenterOptions } from './augmenter';
export type { PolicyInput } from './types';
export type { ImagePlan, AppliedOp } from '../shared/sampler';
export type { BaseTransform } from '../shared/base';
export type { BaseDraw } from '../shared/base-draw';
export { applyBaseBytes } from './base';
export type { Policy } from '../shared/policy';
