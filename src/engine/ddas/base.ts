/**
 * The base transform every DDAS input goes through after its augmentation: random crop
 * from a zero-padded image, optional horizontal flip, Cutout (the official CIFAR search:
 * pad 4, flip, Cutout 16). Crop and flip are one gather with per-image offsets; Cutout is
 * the catalog op (gray fill, which is about the mean once the net normalises).
 */
import type { Rng } from '../../shared/rng';
import { BATCH_OPS, type ImageBatch } from '../augment';
import { tf } from '../tf';

export interface BaseTransform {
  /** Zero padding before the random crop back to the input size; 0 = no crop. */
  readonly cropPadding: number;
  /** Mirror left-right with probability 1/2 (wrong for data whose labels depend on it). */
  readonly flipLR: boolean;
  /** Side of the Cutout square in pixels; 0 = off. */
  readonly cutout: number;
}

/**
 * Crop pad 4 and Cutout of half the shorter side (16 px at 32 px); flip only for colour
 * images - grayscale sets such as digits or glyphs are often not mirror-symmetric.
 */
export function defaultBaseTransform(image: { width: number; height: number; channels: number }): BaseTransform {
  return { cropPadding: 4, flipLR: image.channels === 3, cutout: Math.round(Math.min(image.width, image.height) / 2) };
}

export const NO_BASE_TRANSFORM: BaseTransform = { cropPadding: 0, flipLR: false, cutout: 0 };

/** Applies the base transform; all randomness comes from `rng` (per image, in order). */
export function applyBase(images: ImageBatch, base: BaseTransform, rng: Rng): ImageBatch {
  const n = images.shape[0];
  const pad = base.cropPadding;
  const offsets = new Int32Array(2 * n);
  const flips = new Uint8Array(n);
  const positions = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    if (pad > 0) {
      offsets[2 * i] = rng.int(2 * pad + 1);
      offsets[2 * i + 1] = rng.int(2 * pad + 1);
    }
    if (base.flipLR) flips[i] = rng.uniform() < 0.5 ? 1 : 0;
    if (base.cutout > 0) {
      positions[2 * i] = rng.uniform();
      positions[2 * i + 1] = rng.uniform();
    }
  }
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
