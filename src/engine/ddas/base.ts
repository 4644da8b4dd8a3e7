/**
 * The base transform (src/shared/base.ts) on tensors: random crop from a zero-padded
 * image, optional horizontal flip, Cutout - applied after the policy's operations to
 * every DDAS input. Crop and flip are one gather with per-image offsets; Cutout is the
 * catalog op (gray square, clipped at the border), so the exports' Cutout equals it.
 */
import type { BaseTransform } from '../../shared/base';
import { drawBases, isIdentityBase, type BaseDraw } from '../../shared/base-draw';
import type { Rng } from '../../shared/rng';
import { BATCH_OPS, type ImageBatch } from '../augment';
import { tf } from '../tf';

/** Applies the base transform; all randomness comes from `rng` (per image, in order: see base-draw.ts). */
export function applyBase(images: ImageBatch, base: BaseTransform, rng: Rng): ImageBatch {
  return applyBaseDraws(images, base, drawBases(base, images.shape[0], rng));
}

/** Applies the base transform with the given per-image draws (deterministic; the exports' tests use it). */
export function applyBaseDraws(images: ImageBatch, base: BaseTransform, draws: readonly BaseDraw[]): ImageBatch {
  const n = images.shape[0];
  if (draws.length !== n) throw new RangeError(`applyBaseDraws: ${draws.length} draws for a batch of ${n} images`);
  if (isIdentityBase(base)) return images.clone();
  const pad = base.cropPadding;
  const offsets = new Int32Array(2 * n);
  const flips = new Uint8Array(n);
  const positions = new Float32Array(2 * n);
  draws.forEach((d, i) => {
    if (pad > 0) {
      offsets[2 * i] = checkOffset(d.crop[0], pad);
      offsets[2 * i + 1] = checkOffset(d.crop[1], pad);
    }
    flips[i] = base.flipLR && d.flip ? 1 : 0;
    positions[2 * i] = d.position[0];
    positions[2 * i + 1] = d.position[1];
  });
  return tf.tidy(() => {
    let x = images;
    if (pad > 0 || base.flipLR) x = cropAndFlip(x, pad, offsets, flips);
    if (base.cutout > 0) {
      const sides = new Float64Array(n).fill(base.cutout);
      x = BATCH_OPS.Cutout(x, sides, { positions, fill: 0, interpolation: 'nearest' });
    }
    return x === images ? images.clone() : x;
  });
}

function checkOffset(v: number, pad: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 2 * pad) throw new RangeError(`base crop offset ${v} is outside [0, ${2 * pad}] for padding ${pad}`);
  return v;
}

/** Output pixel (y, x) of image i reads padded pixel (y + oy, x' + ox), x' mirrored when flipped. */
function cropAndFlip(images: ImageBatch, pad: number, offsets: Int32Array, flips: Uint8Array): ImageBatch {
  const [n, h, w, c] = images.shape;
  const hp = h + 2 * pad;
  const wp = w + 2 * pad;
  const index = new Int32Array(n * h * w);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const ox = offsets[2 * i];
    const oy = offsets[2 * i + 1];
    for (let y = 0; y < h; y++) {
      const row = i * hp * wp + (y + oy) * wp;
      for (let x = 0; x < w; x++) index[at++] = row + (flips[i] ? w - 1 - x : x) + ox;
    }
  }
  return tf.tidy(() => {
    const padded = pad > 0 ? tf.pad(images, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) : images;
    const flat = tf.reshape(padded, [n * hp * wp, c]);
    return tf.reshape(gatherRows(flat, index), [n, h, w, c]);
  });
}

/**
 * x[indices] along axis 0 (whole rows). wasm's GatherV2 checks every index in JS (tens
 * of ms per batch) while its GatherNd does not; the cpu backend is the other way round.
 */
function gatherRows<T extends tf.Tensor>(x: T, indices: Int32Array): T {
  const idx = tf.tensor1d(indices, 'int32');
  if (tf.getBackend() === 'cpu') return tf.gather(x, idx) as T;
  return tf.gatherND(x, tf.reshape(idx, [-1, 1])) as T;
}
