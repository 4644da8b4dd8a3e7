/** Augmentation: the op table, plan application on tensors and on uint8 pixels. */
export { BATCH_OPS, runAugmentKernel } from './kernel';
export { applyPlans, type ApplyOptions } from './apply';
export { augmentBatch, augmentRaw } from './raw';
export type { Frame } from './image';
export type { BatchOp, ImageBatch, OpContext } from './types';
