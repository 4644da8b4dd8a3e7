/**
 * Pixel and colour ops (no pixel moves), batched with per-image parameters and matching
 * PIL / torchvision on uint8 images. Point ops live here; the rest in sibling modules.
 */
import { tf } from '../tf';
import { perImage } from './pixelmath';
import type { BatchOp, ImageBatch } from './types';

export { autoContrast, equalize } from './histogram';
export { blur, smooth } from './filter';
export { brightness, color, contrast, sharpness } from './enhance';

export const invert: BatchOp = (images) => tf.tidy(() => tf.sub(255, images) as ImageBatch);

/** Keeps the top `bits` bits: v & ~(2^(8 - bits) - 1), as floor(v / 2^k) 2^k. */
export const posterize: BatchOp = (images, params) =>
  tf.tidy(() => {
    const units = params.map((bits) => 2 ** (8 - Math.min(8, Math.max(0, Math.round(bits)))));
    const unit = perImage(units, images.shape[0], 'Posterize');
    return tf.mul(tf.floor(tf.div(images, unit)), unit) as ImageBatch;
  });

/**
 * Inverts pixels at or above the (float) threshold t, as PIL's lut `i < t ? i : 255 - i`.
 * For whole-number pixels, v >= t exactly when v > ceil(t) - 1/2; the mask is a tf.step.
 */
export const solarize: BatchOp = (images, params) =>
  tf.tidy(() => {
    const cuts = perImage(params.map((t) => Math.ceil(t) - 0.5), images.shape[0], 'Solarize');
    const flip = tf.step(tf.sub(images, cuts));
    return tf.add(images, tf.mul(flip, tf.sub(255, tf.mul(images, 2)))) as ImageBatch;
  });
