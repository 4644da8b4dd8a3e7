/** Batched augmentation ops on TensorFlow.js: the op table and plan application. */
export { BATCH_OPS } from './table';
export { applyPlans, type ApplyOptions } from './apply';
export type { BatchOp, ImageBatch, OpContext } from './types';
