/** Applies per-image plans (from the policy sampler) to a batch, in one kernel call. */
import type { ImagePlan } from '../../shared/sampler';
import { runAugmentKernel } from './kernel';
import { programFromPlans, type ProgramOptions } from './program';
import type { ImageBatch } from './types';

export type ApplyOptions = ProgramOptions;

export function applyPlans(images: ImageBatch, plans: readonly ImagePlan[], options: ApplyOptions = {}): ImageBatch {
  const [n, height, width] = images.shape;
  if (plans.length !== n) throw new RangeError(`applyPlans: ${plans.length} plans for a batch of ${n} images`);
  return runAugmentKernel(images, programFromPlans(plans, { width, height }, options));
}
