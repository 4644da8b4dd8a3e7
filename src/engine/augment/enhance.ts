/**
 * PIL ImageEnhance over a batch: each op blends a degenerate image with the original,
 * out = deg + f * (img - deg), computed in float32 and truncated and clipped as PIL's
 * ImagingBlend does, with a per-image factor f.
 */
import { tf } from '../tf';
import { smoothImages } from './filter';
import { floorDivInt, int, perImage, truncToByte } from './pixelmath';
import type { BatchOp, ImageBatch } from './types';

function blend(degenerate: tf.Tensor, images: ImageBatch, factors: tf.Tensor4D): ImageBatch {
  return truncToByte(tf.add(degenerate, tf.mul(factors, tf.sub(images, degenerate)))) as ImageBatch;
}

/**
 * PIL's RGB -> L conversion, (19595 R + 38470 G + 7471 B + 0x8000) >> 16, as a 1x1
 * convolution with `copies` identical output channels (no broadcasting later, which is
 * slow on wasm). Every partial sum stays below 2^24, so float32 holds it exactly.
 */
export function luma(images: ImageBatch, copies = 1): tf.Tensor4D {
  return tf.tidy(() => {
    if (images.shape[3] === 1) return images.clone();
    const taps = [19595, 38470, 7471].flatMap((v) => new Array<number>(copies).fill(v));
    const sum = tf.add(tf.conv2d(images, tf.tensor4d(taps, [1, 1, 3, copies]), 1, 'valid'), 0x8000);
    return tf.floor(tf.div(sum, 65536)) as tf.Tensor4D;
  });
}

export const brightness: BatchOp = (images, params) =>
  tf.tidy(() => blend(tf.zerosLike(images), images, perImage(params, images.shape[0], 'Brightness')));

export const color: BatchOp = (images, params) =>
  tf.tidy(() => {
    const f = perImage(params, images.shape[0], 'Color');
    // Grayscale: the degenerate image is the image itself, so the blend is the identity.
    if (images.shape[3] === 1) return images.clone();
    return blend(luma(images, 3), images, f);
  });

/** The degenerate image is the gray mean, int(mean + 0.5) = floor((2 sum + n) / 2n) exactly. */
export const contrast: BatchOp = (images, params) =>
  tf.tidy(() => {
    const [n, h, w] = images.shape;
    const f = perImage(params, n, 'Contrast');
    const count = h * w;
    const sums = tf.sum(tf.cast(luma(images), 'int32'), [1, 2, 3]);
    const mean = floorDivInt(tf.add(tf.mul(sums, int(2)), int(count)), 2 * count);
    return blend(tf.reshape(tf.cast(mean, 'float32'), [n, 1, 1, 1]), images, f);
  });

export const sharpness: BatchOp = (images, params) =>
  tf.tidy(() => blend(smoothImages(images), images, perImage(params, images.shape[0], 'Sharpness')));
