/**
 * Cutout: a gray square per image, placed by the image's two position uniforms.
 * The square is [c - floor(side/2), c - floor(side/2) + side) on each axis with centre
 * c = floor(u * size), clipped to the image.
 */
import { CUTOUT_FILL } from '../../shared/ops';
import { tf } from '../tf';
import type { BatchOp } from './types';

/** Half-open pixel range of the square along one axis, before clipping. */
export function cutoutSpan(u: number, size: number, side: number): [number, number] {
  const start = Math.floor(u * size) - Math.floor(side / 2);
  return [start, start + side];
}

export const cutout: BatchOp = (images, params, ctx) => {
  const [n, h, w] = images.shape;
  if (ctx.positions.length < 2 * n) throw new RangeError(`Cutout: ${ctx.positions.length} positions for ${n} images`);
  const x0 = new Float32Array(n);
  const x1 = new Float32Array(n);
  const y0 = new Float32Array(n);
  const y1 = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const side = Math.max(0, Math.round(params[i]));
    [x0[i], x1[i]] = cutoutSpan(ctx.positions[2 * i], w, side);
    [y0[i], y1[i]] = cutoutSpan(ctx.positions[2 * i + 1], h, side);
  }
  return tf.tidy(() => {
    const box = (v: Float32Array): tf.Tensor4D => tf.tensor4d(v, [n, 1, 1, 1]);
    const cols = tf.reshape(tf.range(0, w, 1, 'float32'), [1, 1, w, 1]);
    const rows = tf.reshape(tf.range(0, h, 1, 'float32'), [1, h, 1, 1]);
    const inX = tf.logicalAnd(tf.greaterEqual(cols, box(x0)), tf.less(cols, box(x1)));
    const inY = tf.logicalAnd(tf.greaterEqual(rows, box(y0)), tf.less(rows, box(y1)));
    const mask = tf.cast(tf.logicalAnd(inX, inY), 'float32');
    // x + mask (128 - x): exactly 128 inside, x untouched outside.
    return tf.add(images, tf.mul(mask, tf.sub(CUTOUT_FILL, images)));
  });
};
