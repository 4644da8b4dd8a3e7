/**
 * PIL's BILINEAR affine sampling, batched with one matrix per image: neighbour indices
 * and fractions are computed on the JS side in doubles as PIL does, the blending runs
 * in tfjs (see truncLerpPil for how float32 reproduces PIL's double rounding).
 */
import { tf } from '../tf';
import { isMatrix, type WarpSpec } from './affine';
import { withFillPixel } from './nearest';
import { gatherRows, lookup } from './pixelmath';
import type { ImageBatch } from './types';

/** Splits d into four float32 limbs of at most 15 bits (multiples of 2^-15, 2^-30, 2^-45, rest). */
function limbs(d: number, out: Float32Array, j: number, stride: number): void {
  let rest = d;
  for (let l = 0, scale = 32768; l < 3; l++, scale *= 32768) {
    const part = Math.floor(rest * scale) / scale;
    out[l * stride + j] = part;
    rest -= part;
  }
  out[3 * stride + j] = rest;
}

/** Half the spacing of doubles just below each whole number 0..255 (0 for 0). */
const HALF_ULP_BELOW = Float32Array.from({ length: 256 }, (_, v) => {
  if (v === 0) return 0;
  const e = Math.floor(Math.log2(v));
  return 2 ** (e - 53 - (2 ** e === v ? 1 : 0));
});

/** Half the spacing of doubles at each whole number 0..255 (0 for 0). */
const HALF_ULP = Float32Array.from({ length: 256 }, (_, v) => (v === 0 ? 0 : 2 ** (Math.floor(Math.log2(v)) - 53)));

/**
 * PIL's trunc(a + (b - a) d) in doubles, for integer a, b. Shears put (b - a) d on whole
 * numbers often (20 * 0.35); the exact value then misses by ~1e-15 and PIL's two double
 * roundings decide the side. 15-bit limbs of d keep every float32 product exact, so the
 * miss e is known, and PIL lands on the whole number when |e| is under half a double ulp.
 */
function truncLerpPil(a: tf.Tensor, b: tf.Tensor, d: readonly tf.Tensor[]): tf.Tensor {
  const diff = tf.sub(b, a);
  const head = tf.add(a, tf.mul(diff, d[0])); // exact: a multiple of 2^-15 below 512
  const near = tf.round(head);
  const miss = tf.add(tf.add(tf.add(tf.sub(head, near), tf.mul(diff, d[1])), tf.mul(diff, d[2])), tf.mul(diff, d[3]));
  const table = (t: Float32Array, v: tf.Tensor): tf.Tensor => tf.reshape(lookup(tf.tensor1d(t), tf.cast(tf.clipByValue(v, 0, 255), 'int32')), v.shape);
  const snap = tf.maximum(table(HALF_ULP, tf.abs(tf.sub(near, a))), table(HALF_ULP_BELOW, near));
  const under = tf.logicalAnd(tf.less(miss, 0), tf.greater(tf.neg(miss), snap));
  return tf.sub(near, tf.cast(under, 'float32'));
}

/**
 * PIL's BILINEAR transform: the sample centre must lie inside the image, neighbours
 * are clamped to the edge, rows are blended first, and the result is truncated.
 * Pixels whose sample sits on a row or a column (shears, shifts) blend two neighbours
 * exactly; the rest blend four in float32, off by one only within ~1e-5 of a whole number.
 */
export function warpBilinear(images: ImageBatch, specs: readonly WarpSpec[], fill: number): ImageBatch {
  const [n, h, w, c] = images.shape;
  const plane = h * w;
  const total = n * plane;
  const outside = total;
  const pair = new Int32Array(2 * total); // two-neighbour pixels: a block, then b block
  const pairD = new Float32Array(4 * total);
  const quad = new Int32Array(4 * total); // four-neighbour pixels: 00, 01, 10, 11 blocks
  const quadD = new Float32Array(2 * total); // dx block, then dy block
  const slot = new Int32Array(total); // >= 0: pair row; < 0: -(quad row) - 1
  let pairs = 0;
  let quads = 0;
  const addPair = (k: number, a: number, b: number, d: number): void => {
    pair[pairs] = a;
    pair[total + pairs] = b;
    limbs(d, pairD, pairs, total);
    slot[k] = pairs++;
  };
  const clampX = (v: number): number => (v < 0 ? 0 : v < w ? v : w - 1);
  const clampY = (v: number): number => (v < 0 ? 0 : v < h ? v : h - 1);
  specs.forEach((spec, i) => {
    const base = i * plane;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const k = base + y * w + x;
        if (!isMatrix(spec)) {
          const src = base + spec.map(x, y);
          addPair(k, src, src, 0);
          continue;
        }
        const xs = spec[0] * (x + 0.5) + spec[1] * (y + 0.5) + spec[2];
        const ys = spec[3] * (x + 0.5) + spec[4] * (y + 0.5) + spec[5];
        if (xs < 0 || xs >= w || ys < 0 || ys >= h) {
          addPair(k, outside, outside, 0);
          continue;
        }
        const x0 = Math.floor(xs - 0.5);
        const y0 = Math.floor(ys - 0.5);
        const dx = xs - 0.5 - x0;
        const dy = ys - 0.5 - y0;
        const r0 = base + clampY(y0) * w;
        const r1 = base + clampY(y0 + 1) * w;
        if (dy === 0) addPair(k, r0 + clampX(x0), r0 + clampX(x0 + 1), dx);
        else if (dx === 0) addPair(k, r0 + clampX(x0), r1 + clampX(x0), dy);
        else {
          quad[quads] = r0 + clampX(x0);
          quad[total + quads] = r0 + clampX(x0 + 1);
          quad[2 * total + quads] = r1 + clampX(x0);
          quad[3 * total + quads] = r1 + clampX(x0 + 1);
          quadD[quads] = dx;
          quadD[total + quads] = dy;
          slot[k] = -++quads;
        }
      }
    }
  });
  const src = withFillPixel(images, fill);
  const rows = (data: Int32Array, block: number, count: number): tf.Tensor2D =>
    gatherRows(src, data.subarray(block * total, block * total + count));
  const column = (data: Float32Array, block: number, count: number): tf.Tensor2D =>
    tf.tensor2d(data.subarray(block * total, block * total + count), [count, 1]);
  const parts: tf.Tensor[] = [];
  if (pairs > 0) {
    const d = [0, 1, 2, 3].map((l) => column(pairD, l, pairs));
    parts.push(truncLerpPil(rows(pair, 0, pairs), rows(pair, 1, pairs), d));
  }
  if (quads > 0) {
    const [p00, p01, p10, p11] = [0, 1, 2, 3].map((b) => rows(quad, b, quads));
    const dx = column(quadD, 0, quads);
    const dy = column(quadD, 1, quads);
    const top = tf.add(p00, tf.mul(tf.sub(p01, p00), dx));
    const bottom = tf.add(p10, tf.mul(tf.sub(p11, p10), dx));
    parts.push(tf.floor(tf.add(top, tf.mul(tf.sub(bottom, top), dy))));
  }
  const order = slot.map((s) => (s >= 0 ? s : pairs - s - 1));
  const v = gatherRows(parts.length === 1 ? parts[0] : tf.concat(parts, 0), order);
  return tf.reshape(tf.clipByValue(v, 0, 255), [n, h, w, c]);
}
