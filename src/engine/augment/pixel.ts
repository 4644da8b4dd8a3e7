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
    const bits = perImage(params, images.shape[0], 'Posterize');
    const unit = tf.pow(2, tf.sub(8, tf.clipByValue(tf.round(bits), 0, 8)));
    return tf.mul(tf.floor(tf.div(images, unit)), unit) as ImageBatch;
  });

/** Inverts pixels at or above the (float) threshold, as PIL's lut `i < t ? i : 255 - i`. */
export const solarize: BatchOp = (images, params) =>
  tf.tidy(() => {
    const threshold = perImage(params, images.shape[0], 'Solarize');
    return tf.where(tf.greaterEqual(images, threshold), tf.sub(255, images), images) as ImageBatch;
  });
