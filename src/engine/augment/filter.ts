/**
 * PIL's ImageFilter.BLUR and SMOOTH as depthwise convolutions over the batch. PIL keeps
 * the outer ring (2 pixels for 5x5, 1 for 3x3) and leaves images smaller than the kernel
 * alone; inside it rounds half up (clip8: (UINT8)(v + 0.5)).
 */
import { tf } from '../tf';
import type { BatchOp, ImageBatch } from './types';

// Integer weights keep the sums exact in float32; the divisor is applied once after.
const BLUR = { size: 5, divisor: 16, weights: [1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1] };
const SMOOTH = { size: 3, divisor: 13, weights: [1, 1, 1, 1, 5, 1, 1, 1, 1] };

type Kernel = typeof BLUR;

/** [1, H, W, C] with 1 on the outer `b` pixels, built in JS: tf.pad is slow on wasm. */
function borderMask(h: number, w: number, c: number, b: number): tf.Tensor4D {
  const mask = new Float32Array(h * w * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (y < b || y >= h - b || x < b || x >= w - b) mask.fill(1, (y * w + x) * c, (y * w + x + 1) * c);
    }
  }
  return tf.tensor4d(mask, [1, h, w, c]);
}

function filterImages(images: ImageBatch, kernel: Kernel): ImageBatch {
  const [, h, w, c] = images.shape;
  const b = (kernel.size - 1) / 2;
  if (h < kernel.size || w < kernel.size) return images.clone();
  return tf.tidy(() => {
    const taps = kernel.weights.flatMap((v) => new Array<number>(c).fill(v));
    const filter = tf.tensor4d(taps, [kernel.size, kernel.size, c, 1], 'float32');
    // 'same' keeps the shape; its zero-padded border values are then replaced by the original.
    const sums = tf.depthwiseConv2d(images, filter, 1, 'same');
    const filtered = tf.floor(tf.add(tf.div(sums, kernel.divisor), 0.5));
    return tf.add(filtered, tf.mul(borderMask(h, w, c, b), tf.sub(images, filtered))) as ImageBatch;
  });
}

/** The SMOOTH-filtered batch; also ImageEnhance.Sharpness's degenerate image. */
export function smoothImages(images: ImageBatch): ImageBatch {
  return filterImages(images, SMOOTH);
}

export const blur: BatchOp = (images) => filterImages(images, BLUR);
export const smooth: BatchOp = (images) => filterImages(images, SMOOTH);
