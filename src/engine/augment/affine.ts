/**
 * Affine warps that reproduce PIL's Image.transform(AFFINE) pixel for pixel, batched
 * with a different matrix per image.
 *
 * Why not tf.image.transform: PIL's NEAREST path runs in 16.16 fixed point (so its
 * rounding differs from any float formula at cell borders), pure translations take a
 * separate float path, and its BILINEAR clamps neighbours to the edge but fills when
 * the sample centre leaves the image. The cpu and wasm Transform kernels also round
 * differently from each other. So the source coordinates are computed here on the JS
 * side exactly as PIL does, and the pixels are moved by one `gather` - identical on
 * every backend, and cheap (one small loop per output pixel).
 *
 * Matrices are PIL's inverse maps: output pixel (x, y) samples the input at
 * (a0 x' + a1 y' + a2, a3 x' + a4 y' + a5) with x' = x + 0.5, y' = y + 0.5.
 */
import { tf } from '../tf';
import type { ImageBatch, OpContext } from './types';

/** a0..a5 of one image's inverse affine map, as PIL's `data` argument. */
export type AffineMatrix = readonly [number, number, number, number, number, number];

const DEG_TO_RAD = Math.PI / 180;
const RAD_TO_DEG = 180 / Math.PI;

/**
 * The inverse matrix torchvision 0.14 hands to PIL for F.affine (scale 1): rotate by
 * `angle` degrees, shear by (shearX, shearY) degrees about `center`, then translate.
 */
export function torchvisionAffine(
  center: readonly [number, number],
  angle: number,
  translate: readonly [number, number],
  shear: readonly [number, number],
): AffineMatrix {
  const rot = angle * DEG_TO_RAD;
  const sx = shear[0] * DEG_TO_RAD;
  const sy = shear[1] * DEG_TO_RAD;
  const [cx, cy] = center;
  const [tx, ty] = translate;
  // Forward rotation-shear [[a, b], [c, d]] has determinant 1, so its inverse is [[d, -b], [-c, a]].
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m0 = d;
  const m1 = -b;
  const m3 = -c;
  const m4 = a;
  // Same evaluation order as torchvision so the doubles agree to the last bit.
  const m2 = 0 + (m0 * (-cx - tx) + m1 * (-cy - ty)) + cx;
  const m5 = 0 + (m3 * (-cx - tx) + m4 * (-cy - ty)) + cy;
  return [m0, m1, m2, m3, m4, m5];
}

/** torchvision's ShearX/ShearY of RandAugment: shear angle atan(s), about the top-left corner. */
export function shearMatrix(axis: 'x' | 'y', s: number): AffineMatrix {
  const deg = Math.atan(s) * RAD_TO_DEG;
  return torchvisionAffine([0, 0], 0, [0, 0], axis === 'x' ? [deg, 0] : [0, deg]);
}

/** torchvision's TranslateX/Y: whole pixels about the image centre (centre cancels out). */
export function translateMatrix(tx: number, ty: number, width: number, height: number): AffineMatrix {
  return torchvisionAffine([width * 0.5, height * 0.5], 0, [tx, ty], [0, 0]);
}

/** Rounds like Python's round(v, 15), which PIL applies to the rotation matrix. */
function round15(v: number): number {
  return Number(v.toFixed(15));
}

/** PIL Image.rotate's inverse matrix: `degrees` counter-clockwise about the image centre. */
export function rotateMatrix(degrees: number, width: number, height: number): AffineMatrix {
  const angle = -pythonMod360(degrees) * DEG_TO_RAD;
  const cos = round15(Math.cos(angle));
  const sin = round15(Math.sin(angle));
  const nsin = round15(-Math.sin(angle));
  const cx = width / 2;
  const cy = height / 2;
  return [cos, sin, cos * -cx + sin * -cy + 0 + cx, nsin, cos, nsin * -cx + cos * -cy + 0 + cy];
}

function pythonMod360(v: number): number {
  const r = v % 360;
  return r < 0 ? r + 360 : r;
}

/**
 * Exact index maps for the angles PIL rotates by transposition (0, 180, and 90/270 on
 * square images); null when the general affine path applies.
 */
function rotateShortcut(degrees: number, width: number, height: number): ((x: number, y: number) => number) | null {
  const a = pythonMod360(degrees);
  if (a === 0) return (x, y) => y * width + x;
  if (a === 180) return (x, y) => (height - 1 - y) * width + (width - 1 - x);
  if (width !== height) return null;
  if (a === 90) return (x, y) => x * width + (width - 1 - y);
  if (a === 270) return (x, y) => (height - 1 - x) * width + y;
  return null;
}

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

/** One image's matrix, or an exact index shortcut. */
export type WarpSpec = AffineMatrix | { readonly map: (x: number, y: number) => number };

export function rotateSpec(degrees: number, width: number, height: number): WarpSpec {
  const map = rotateShortcut(degrees, width, height);
  return map ? { map } : rotateMatrix(degrees, width, height);
}

function isMatrix(spec: WarpSpec): spec is AffineMatrix {
  return Array.isArray(spec);
}

/** The flat source pixels gathered; `fill` lives at index n*h*w. */
function withFillPixel(images: ImageBatch, fill: number): tf.Tensor2D {
  const [n, h, w, c] = images.shape;
  const level = Math.min(255, Math.max(0, Math.round(fill)));
  return tf.concat([tf.reshape(images, [n * h * w, c]), tf.fill([1, c], level)], 0);
}

function warpNearest(images: ImageBatch, specs: readonly WarpSpec[], fill: number): ImageBatch {
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
  return tf.reshape(tf.gather(src, tf.tensor1d(index, 'int32')), [n, h, w, c]);
}

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

/**
 * floor(a + (b - a) d) for integer a, b, decided in exact arithmetic. Shears land
 * d (b - a) on whole numbers often (20 * 0.35), and PIL's doubles then fall on one side
 * by ~1e-14; a float32 lerp cannot see that, but 15-bit limbs keep every product exact.
 */
function floorLerpExact(a: tf.Tensor2D, b: tf.Tensor2D, d: readonly tf.Tensor2D[]): tf.Tensor2D {
  const diff = tf.sub(b, a);
  const head = tf.add(a, tf.mul(diff, d[0])); // exact: a multiple of 2^-15 below 512
  const whole = tf.floor(head);
  const frac = tf.sub(head, whole);
  const tail = (start: tf.Tensor2D): tf.Tensor2D =>
    tf.add(tf.add(tf.add(start, tf.mul(diff, d[1])), tf.mul(diff, d[2])), tf.mul(diff, d[3]));
  const below = tf.cast(tf.less(tail(frac), 0), 'float32');
  const above = tf.cast(tf.greaterEqual(tail(tf.sub(frac, 1)), 0), 'float32');
  return tf.sub(tf.add(whole, above), below);
}

/**
 * PIL's BILINEAR transform: the sample centre must lie inside the image, neighbours
 * are clamped to the edge, rows are blended first, and the result is truncated.
 * Pixels whose sample sits on a row or a column (shears, shifts) blend two neighbours
 * exactly; the rest blend four in float32, off by one only within ~1e-5 of a whole number.
 */
function warpBilinear(images: ImageBatch, specs: readonly WarpSpec[], fill: number): ImageBatch {
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
    tf.gather(src, tf.tensor1d(data.subarray(block * total, block * total + count), 'int32'));
  const column = (data: Float32Array, block: number, count: number): tf.Tensor2D =>
    tf.tensor2d(data.subarray(block * total, block * total + count), [count, 1]);
  const parts: tf.Tensor2D[] = [];
  if (pairs > 0) {
    const d = [0, 1, 2, 3].map((l) => column(pairD, l, pairs));
    parts.push(floorLerpExact(rows(pair, 0, pairs), rows(pair, 1, pairs), d));
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
  const v = tf.gather(parts.length === 1 ? parts[0] : tf.concat(parts, 0), tf.tensor1d(order, 'int32'));
  return tf.reshape(tf.clipByValue(v, 0, 255), [n, h, w, c]);
}

/** Warps each image of the batch by its own spec, with the context's fill and interpolation. */
export function warp(images: ImageBatch, specs: readonly WarpSpec[], ctx: OpContext): ImageBatch {
  if (specs.length !== images.shape[0]) throw new RangeError(`warp: ${specs.length} matrices for ${images.shape[0]} images`);
  return tf.tidy(() =>
    ctx.interpolation === 'bilinear' ? warpBilinear(images, specs, ctx.fill) : warpNearest(images, specs, ctx.fill),
  );
}
