/**
 * PIL ImageOps.autocontrast (cutoff 0) and equalize, per image and channel, as 256-entry
 * lookup tables built and applied for the whole batch at once. Pixel value v of channel
 * k = n * C + c reads entry 256 k + v of the flattened [N * C, 256] table.
 */
import { tf } from '../tf';
import { floorDiv, greaterMask, lookup } from './pixelmath';
import type { BatchOp, ImageBatch } from './types';

/**
 * Flat table index 256 (n C + c) + v of every pixel, int32 [N, H, W, C] (exact in float32
 * while N C < 65536). Clipped so a stray value cannot index outside the table: wasm's
 * GatherNd does not check.
 */
function tableIndex(images: ImageBatch): tf.Tensor {
  const [n, , , c] = images.shape;
  const offsets = tf.reshape(tf.range(0, n * c * 256, 256), [n, 1, 1, c]);
  return tf.cast(tf.add(tf.clipByValue(images, 0, 255), offsets), 'int32');
}

function applyTable(images: ImageBatch, index: tf.Tensor, table: tf.Tensor): ImageBatch {
  return tf.reshape(lookup(tf.reshape(table, [-1]), index), images.shape);
}

/** [N * C, 1] per-channel reduction over the pixels. */
function perChannel(images: ImageBatch, reduce: 'min' | 'max'): tf.Tensor2D {
  return tf.reshape(reduce === 'min' ? tf.min(images, [1, 2]) : tf.max(images, [1, 2]), [-1, 1]);
}

/** Table rows where `keep` is 0 become the identity 0..255. */
function orIdentity(table: tf.Tensor, keep: tf.Tensor): tf.Tensor {
  const values = tf.reshape(tf.range(0, 256), [1, 256]);
  return tf.add(values, tf.mul(keep, tf.sub(table, values)));
}

/** Most exceptions any one (lo, hi) pair has (17); checked when the list is built. */
const MAX_EXCEPTIONS_PER_PAIR = 17;

let exceptionKeys: Float32Array | undefined;

/**
 * PIL computes the autocontrast table in doubles, int(v * scale - lo * scale) with
 * scale = 255 / (hi - lo), which lands one below the exact quotient floor(255 (v - lo) /
 * (hi - lo)) for about 12k (lo, hi, v) triples where that quotient is a whole number.
 * Listed once, sorted, as keys (256 lo + hi) 256 + v (< 2^24, exact in float32).
 */
function autoContrastExceptions(): Float32Array {
  if (exceptionKeys) return exceptionKeys;
  const keys: number[] = [];
  for (let lo = 0; lo < 256; lo++) {
    for (let hi = lo + 1; hi < 256; hi++) {
      const d = hi - lo;
      const scale = 255 / d;
      const offset = -lo * scale;
      for (let k = 0; k <= d; k++) {
        if ((255 * k) % d !== 0) continue;
        const v = lo + k;
        if (Math.trunc(v * scale + offset) !== (255 * k) / d) keys.push((lo * 256 + hi) * 256 + v);
      }
    }
  }
  exceptionKeys = Float32Array.from(keys);
  let run = 0;
  for (let i = 0; i < keys.length; i++) {
    run = i > 0 && keys[i] >> 8 === keys[i - 1] >> 8 ? run + 1 : 1;
    if (run > MAX_EXCEPTIONS_PER_PAIR) throw new Error('autocontrast exception table: a pair has too many entries');
  }
  return exceptionKeys;
}

/**
 * [N * C, 256] with 1 at the entries PIL's double arithmetic puts one below the exact
 * quotient: each channel's (lo, hi) pair owns a run of at most 17 sorted keys, found with
 * two binary searches and scattered into the table with a bincount.
 */
function exceptionMask(lo: tf.Tensor2D, hi: tf.Tensor2D): tf.Tensor {
  const rows = lo.shape[0];
  const keysData = autoContrastExceptions();
  const keys = tf.tensor2d(keysData, [1, keysData.length]);
  const base = tf.mul(tf.add(tf.mul(lo, 256), hi), 256);
  const first = tf.searchSorted(keys, tf.reshape(base, [1, rows]), 'left');
  const end = tf.searchSorted(keys, tf.reshape(tf.add(base, 256), [1, rows]), 'left');
  const slots = tf.add(tf.reshape(first, [rows, 1]), tf.range(0, MAX_EXCEPTIONS_PER_PAIR, 1, 'int32'));
  const count = tf.cast(tf.reshape(tf.sub(end, first), [rows, 1]), 'float32');
  const slot = tf.range(0, MAX_EXCEPTIONS_PER_PAIR);
  const valid = greaterMask(count, slot);
  const at = tf.minimum(slots, tf.scalar(keysData.length - 1, 'int32'));
  const value = tf.sub(tf.reshape(lookup(tf.reshape(keys, [-1]), at), [rows, MAX_EXCEPTIONS_PER_PAIR]), base);
  // Table position row * 256 + v; slots past the run go to one spare bin at the end.
  const rowStart = tf.reshape(tf.range(0, rows * 256, 256), [rows, 1]);
  const spare = rows * 256;
  const target = tf.add(tf.mul(valid, tf.add(rowStart, value)), tf.mul(tf.sub(1, valid), spare));
  const none = tf.tensor1d([], 'float32');
  const counts = tf.denseBincount(tf.reshape(tf.cast(target, 'int32'), [-1]) as tf.Tensor1D, none, spare + 1);
  return tf.reshape(tf.slice(counts, 0, spare), [rows, 256]);
}

export const autoContrast: BatchOp = (images) =>
  tf.tidy(() => {
    const lo = perChannel(images, 'min');
    const hi = perChannel(images, 'max');
    const values = tf.reshape(tf.range(0, 256), [1, 256]);
    const span = tf.sub(hi, lo);
    // floor(255 k / d) in float32 is exact: off-integer quotients sit >= 1/255 from one.
    const k = tf.clipByValue(tf.sub(values, lo), 0, 255);
    const exact = tf.clipByValue(tf.floor(tf.div(tf.mul(k, 255), tf.maximum(span, 1))), 0, 255);
    const stretched = tf.sub(exact, exceptionMask(lo, hi));
    // PIL leaves a channel alone when hi <= lo.
    return applyTable(images, tableIndex(images), orIdentity(stretched, greaterMask(span, 0)));
  });

export const equalize: BatchOp = (images) =>
  tf.tidy(() => {
    const [n, h, w, c] = images.shape;
    const index = tableIndex(images);
    const none = tf.tensor1d([], 'float32');
    const hist = tf.denseBincount(tf.reshape(index, [-1]) as tf.Tensor1D, none, n * c * 256);
    // PIL: step = (pixels - count of the top occupied bin) // 255; identity when 0.
    const topIndex = tf.add(tf.reshape(tf.range(0, n * c * 256, 256), [-1, 1]), perChannel(images, 'max'));
    const top = tf.reshape(lookup(hist, tf.cast(topIndex, 'int32')), [-1, 1]);
    const step = floorDiv(tf.sub(h * w, top), 255);
    const below = tf.cumsum(tf.reshape(hist, [n * c, 256]), 1, true);
    const mapped = tf.minimum(floorDiv(tf.add(tf.floor(tf.div(step, 2)), below), tf.maximum(step, 1)), 255);
    return applyTable(images, index, orIdentity(mapped, greaterMask(step, 0)));
  });
