/**
 * PIL's NEAREST affine sampling, batched with one matrix per image.
 *
 * Why not tf.image.transform: PIL's NEAREST path runs in 16.16 fixed point (so its
 * rounding differs from any float formula at cell borders) and pure translations take
 * a separate float path; the cpu and wasm Transform kernels also round differently from
 * each other. So the source pixel of every output pixel is computed here on the JS side
 * exactly as PIL does, and the pixels move in one `gather` - identical on every
 * backend, and cheap (one small loop per output pixel).
 */
import { tf } from '../tf';
import { isMatrix, type AffineMatrix, type WarpSpec } from './affine';
import { gatherRows } from './pixelmath';
import type { ImageBatch } from './types';

/** 16.16 fixed point as PIL's affine_fixed rounds it. */
function fix(v: number): number {
  const t = v * 65536 + 0.5;
  return t < 0 ? Math.floor(t) : Math.trunc(t);
}

/** PIL's COORD: truncation, with every negative value mapped to -1 (outside). */
function coord(v: number): number {
  return v < 0 ? -1 : Math.trunc(v);
}

function fitsFixed(m: AffineMatrix, x: number, y: number): boolean {
  return Math.abs(x * m[0] + y * m[1] + m[2]) < 32768 && Math.abs(x * m[3] + y * m[4] + m[5]) < 32768;
}

/**
 * Writes, for every output pixel of one image, the flat source pixel PIL's NEAREST
 * affine picks (offset by `base`), or `outside` where PIL keeps the fill colour.
 */
function nearestMap(m: AffineMatrix, width: number, height: number, base: number, outside: number, out: Int32Array, at: number): void {
  const put = (x: number, y: number, xin: number, yin: number): void => {
    out[at + y * width + x] = xin >= 0 && xin < width && yin >= 0 && yin < height ? base + yin * width + xin : outside;
  };
  if (m[1] === 0 && m[3] === 0) {
    // ImagingScaleAffine: separable float accumulation.
    let yo = m[5] + m[4] * 0.5;
    for (let y = 0; y < height; y++, yo += m[4]) {
      const yin = coord(yo);
      let xo = m[2] + m[0] * 0.5;
      for (let x = 0; x < width; x++, xo += m[0]) put(x, y, coord(xo), yin);
    }
    return;
  }
  if (fitsFixed(m, 0, 0) && fitsFixed(m, width, height) && fitsFixed(m, 0, height) && fitsFixed(m, width, 0)) {
    // affine_fixed: integer steps, floor by the arithmetic shift.
    const a0 = fix(m[0]);
    const a1 = fix(m[1]);
    const a3 = fix(m[3]);
    const a4 = fix(m[4]);
    const a2 = fix(m[2] + m[0] * 0.5 + m[1] * 0.5);
    const a5 = fix(m[5] + m[3] * 0.5 + m[4] * 0.5);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        put(x, y, Math.floor((a2 + y * a1 + x * a0) / 65536), Math.floor((a5 + y * a4 + x * a3) / 65536));
      }
    }
    return;
  }
  // Float fallback for coordinates beyond 16.16 range (very large images).
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const xs = m[2] + m[1] * (y + 0.5) + m[0] * (x + 0.5);
      const ys = m[5] + m[4] * (y + 0.5) + m[3] * (x + 0.5);
      put(x, y, coord(xs), coord(ys));
    }
  }
}

/** The flat source pixels gathered; `fill` lives at index n*h*w. */
export function withFillPixel(images: ImageBatch, fill: number): tf.Tensor2D {
  const [n, h, w, c] = images.shape;
  const level = Math.min(255, Math.max(0, Math.round(fill)));
  return tf.concat([tf.reshape(images, [n * h * w, c]), tf.fill([1, c], level)], 0);
}

export function warpNearest(images: ImageBatch, specs: readonly WarpSpec[], fill: number): ImageBatch {
  const [n, h, w, c] = images.shape;
  const plane = h * w;
  const outside = n * plane;
  const index = new Int32Array(n * plane);
  specs.forEach((spec, i) => {
    const at = i * plane;
    if (isMatrix(spec)) nearestMap(spec, w, h, at, outside, index, at);
    else for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) index[at + y * w + x] = at + spec.map(x, y);
  });
  const src = withFillPixel(images, fill);
  return tf.reshape(gatherRows(src, index), [n, h, w, c]);
}
