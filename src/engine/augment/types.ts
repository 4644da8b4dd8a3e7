import type { tf } from '../tf';

/**
 * Images travel through the ops as float32 NHWC tensors holding whole numbers in
 * [0, 255] (tfjs has no uint8 dtype). Every op returns the same shape, integer-valued
 * and clipped to [0, 255], rounded the way PIL rounds.
 */
export type ImageBatch = tf.Tensor4D;

export interface OpContext {
  /** Per image, two uniforms in [0, 1) placing random regions (Cutout: centre x, y). */
  readonly positions: Float32Array;
  /** Gray level for uncovered pixels of geometric ops. */
  readonly fill: number;
  readonly interpolation: 'nearest' | 'bilinear';
}

/**
 * One catalog op over a whole batch. `params[i]` (a double, as torchvision computes it) is image i's concrete parameter as
 * `opParameter` in src/shared/ops.ts computes it (degrees, shear factor, whole pixels,
 * enhance factor, bits kept, threshold, Cutout side); 0 for ops without magnitude.
 */
export type BatchOp = (images: ImageBatch, params: Float64Array, ctx: OpContext) => ImageBatch;
