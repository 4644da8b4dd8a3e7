/**
 * Geometric ops on one image, pixel for pixel as torchvision 0.14 does them on PIL
 * images: flips, the affine family (matrices in affine.ts) with PIL's NEAREST or
 * BILINEAR sampling, and Cutout.
 */
import { CUTOUT_FILL } from '../../shared/ops';
import { isMatrix, rotateSpec, shearMatrix, translateMatrix, type AffineMatrix, type WarpSpec } from './affine';
import { Lru } from '../../shared/lru';
import { gatherPixels, type Frame, type ImageOp } from './image';

/**
 * Nearest-sampling source maps by op, parameter and size. A policy uses a handful of
 * parameters per op (magnitude bins x signs), so each map is computed once.
 */
const maps = new Lru<string, Int32Array>(16 * 2 ** 20, (m) => m.byteLength);

function pixelMap(op: string, param: number, f: Frame, build: (map: Int32Array) => void): Int32Array {
  const full = `${op} ${param} ${f.width}x${f.height}`;
  const cached = maps.get(full);
  if (cached) return cached;
  const map = new Int32Array(f.width * f.height);
  build(map);
  maps.set(full, map);
  return map;
}

export const flipLR: ImageOp = (src, dst, f) => {
  const map = pixelMap('FlipLR', 0, f, (out) => {
    for (let y = 0, i = 0; y < f.height; y++) for (let x = f.width - 1; x >= 0; x--, i++) out[i] = y * f.width + x;
  });
  gatherPixels(src, dst, f.channels, map, 0);
};

export const flipUD: ImageOp = (src, dst, { width, height, channels }) => {
  const row = width * channels;
  for (let y = 0; y < height; y++) dst.set(src.subarray((height - 1 - y) * row, (height - y) * row), y * row);
};

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
 * The source pixel PIL's NEAREST affine transform (ImagingTransformAffine) picks for
 * every output pixel, -1 where it keeps the fill, for the inverse matrix m.
 */
function nearestMap(m: AffineMatrix, width: number, height: number, map: Int32Array): void {
  const at = (xin: number, yin: number): number => (xin >= 0 && xin < width && yin >= 0 && yin < height ? yin * width + xin : -1);
  if (m[1] === 0 && m[3] === 0) {
    // ImagingScaleAffine: separable float accumulation.
    let yo = m[5] + m[4] * 0.5;
    for (let y = 0, p = 0; y < height; y++, yo += m[4]) {
      const yin = coord(yo);
      let xo = m[2] + m[0] * 0.5;
      for (let x = 0; x < width; x++, xo += m[0], p++) map[p] = at(coord(xo), yin);
    }
    return;
  }
  if (fitsFixed(m, 0, 0) && fitsFixed(m, width, height) && fitsFixed(m, 0, height) && fitsFixed(m, width, 0)) {
    // affine_fixed: whole-number steps that stay within int32, floored by the arithmetic shift as in PIL.
    const a0 = fix(m[0]);
    const a1 = fix(m[1]);
    const a3 = fix(m[3]);
    const a4 = fix(m[4]);
    let xx0 = fix(m[2] + m[0] * 0.5 + m[1] * 0.5);
    let yy0 = fix(m[5] + m[3] * 0.5 + m[4] * 0.5);
    for (let y = 0, p = 0; y < height; y++, xx0 += a1, yy0 += a4) {
      for (let x = 0, xx = xx0, yy = yy0; x < width; x++, xx += a0, yy += a3, p++) map[p] = at(xx >> 16, yy >> 16);
    }
    return;
  }
  // Float fallback for coordinates beyond 16.16 range (very large images).
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      map[p] = at(coord(m[2] + m[1] * (y + 0.5) + m[0] * (x + 0.5)), coord(m[5] + m[4] * (y + 0.5) + m[3] * (x + 0.5)));
    }
  }
}

/**
 * PIL's BILINEAR affine transform (ImagingGenericTransform + bilinear_filter): the
 * sample point must lie inside the image, neighbours are clamped to the edge, rows are
 * blended first, all in doubles, and the result is truncated.
 */
function warpBilinear(src: Uint8Array, dst: Uint8Array, f: Frame, m: AffineMatrix, fill: number): void {
  const { width, height, channels } = f;
  const clampX = (v: number): number => (v < 0 ? 0 : v < width ? v : width - 1);
  for (let y = 0, to = 0; y < height; y++) {
    for (let x = 0; x < width; x++, to += channels) {
      const xs = m[0] * (x + 0.5) + m[1] * (y + 0.5) + m[2];
      const ys = m[3] * (x + 0.5) + m[4] * (y + 0.5) + m[5];
      if (xs < 0 || xs >= width || ys < 0 || ys >= height) {
        for (let k = 0; k < channels; k++) dst[to + k] = fill;
        continue;
      }
      const xin = xs - 0.5;
      const yin = ys - 0.5;
      const x0 = Math.floor(xin);
      const y0 = Math.floor(yin);
      const dx = xin - x0;
      const dy = yin - y0;
      const r0 = (y0 < 0 ? 0 : y0) * width;
      const r1 = y0 + 1 < height ? (y0 + 1) * width : -1;
      const c0 = clampX(x0);
      const c1 = clampX(x0 + 1);
      for (let k = 0; k < channels; k++) {
        const a = src[(r0 + c0) * channels + k];
        const v1 = a + (src[(r0 + c1) * channels + k] - a) * dx;
        let v2 = v1;
        if (r1 >= 0) {
          const b = src[(r1 + c0) * channels + k];
          v2 = b + (src[(r1 + c1) * channels + k] - b) * dx;
        }
        const v = v1 + (v2 - v1) * dy;
        dst[to + k] = v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
      }
    }
  }
}

/** An ImageOp warping by the spec built from the op's parameter and the image size. */
function affineOp(name: string, spec: (p: number, width: number, height: number) => WarpSpec): ImageOp {
  return (src, dst, f, p, ctx) => {
    if (ctx.interpolation === 'bilinear') {
      const s = spec(p, f.width, f.height);
      if (isMatrix(s)) {
        warpBilinear(src, dst, f, s, ctx.fill);
        return;
      }
    }
    const map = pixelMap(name, p, f, (out) => {
      const s = spec(p, f.width, f.height);
      if (isMatrix(s)) nearestMap(s, f.width, f.height, out);
      // Exact permutations (quarter turns): no resampling.
      else for (let y = 0, i = 0; y < f.height; y++) for (let x = 0; x < f.width; x++, i++) out[i] = s.map(x, y);
    });
    gatherPixels(src, dst, f.channels, map, ctx.fill);
  };
}

/** Degrees, counter-clockwise for +, about the centre (PIL Image.rotate). */
export const rotate = affineOp('Rotate', (deg, w, h) => rotateSpec(deg, w, h));

/** Shear factor s: the output samples x_in = x + s y (torchvision ShearX, about the top-left corner). */
export const shearX = affineOp('ShearX', (s) => shearMatrix('x', s));

/** Shear factor s: the output samples y_in = y + s x (torchvision ShearY, about the top-left corner). */
export const shearY = affineOp('ShearY', (s) => shearMatrix('y', s));

/** Whole pixels; + moves the content right (torchvision TranslateX). */
export const translateX = affineOp('TranslateX', (t, w, h) => translateMatrix(Math.trunc(t), 0, w, h));

/** Whole pixels; + moves the content down (torchvision TranslateY). */
export const translateY = affineOp('TranslateY', (t, w, h) => translateMatrix(0, Math.trunc(t), w, h));

/** Half-open pixel range of the Cutout square along one axis, before clipping. */
export function cutoutSpan(u: number, size: number, side: number): [number, number] {
  const start = Math.floor(u * size) - Math.floor(side / 2);
  return [start, start + side];
}

/**
 * Cutout: a gray square of side round(param) centred at (floor(u w), floor(v h)) -
 * the square is [c - floor(side/2), c - floor(side/2) + side) on each axis - clipped.
 */
export const cutout: ImageOp = (src, dst, { width, height, channels }, side, ctx) => {
  dst.set(src);
  const s = Math.max(0, Math.round(side));
  const [x0, x1] = cutoutSpan(ctx.u, width, s);
  const [y0, y1] = cutoutSpan(ctx.v, height, s);
  const left = Math.max(0, x0) * channels;
  const right = Math.min(width, x1) * channels;
  if (right <= left) return;
  for (let y = Math.max(0, y0); y < Math.min(height, y1); y++) dst.fill(CUTOUT_FILL, y * width * channels + left, y * width * channels + right);
};
