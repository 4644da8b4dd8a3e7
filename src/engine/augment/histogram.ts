/**
 * PIL ImageOps.autocontrast (cutoff 0) and equalize, per image and channel, as 256-entry
 * lookup tables built and applied for the whole batch at once. Pixel value v of channel
 * k = n * C + c reads entry 256 k + v of the flattened [N * C, 256] table.
 */
import { tf } from '../tf';
import { floorDivInt, int } from './pixelmath';
import type { BatchOp, ImageBatch } from './types';

/** Flat table index 256 (n C + c) + v of every pixel, int32 [N, H, W, C]. */
function tableIndex(images: ImageBatch): tf.Tensor4D {
  const [n, , , c] = images.shape;
  const offsets = tf.reshape(tf.mul(tf.range(0, n * c, 1, 'int32'), int(256)), [n, 1, 1, c]);
  return tf.add(tf.cast(images, 'int32'), offsets);
}

function applyTable(images: ImageBatch, index: tf.Tensor4D, table: tf.Tensor2D): ImageBatch {
  return tf.reshape(tf.gather(tf.cast(tf.reshape(table, [-1]), 'float32'), tf.reshape(index, [-1])), images.shape);
}

/** [N * C, 1] int32 per-channel reduction over the pixels. */
function perChannel(images: ImageBatch, reduce: 'min' | 'max'): tf.Tensor2D {
  const r = reduce === 'min' ? tf.min(images, [1, 2]) : tf.max(images, [1, 2]);
  return tf.reshape(tf.cast(r, 'int32'), [-1, 1]);
}

/** Entry `column[k]` of each row k of a [K, 256] table, as [K, 1]. Flat indices: wasm's
 * GatherV2 with batchDims = 1 returned wrong entries (tfjs 4.22). */
function pickPerRow(table: tf.Tensor2D, column: tf.Tensor2D): tf.Tensor2D {
  const rows = tf.reshape(tf.mul(tf.range(0, table.shape[0], 1, 'int32'), int(256)), [-1, 1]);
  return tf.reshape(tf.gather(tf.reshape(table, [-1]), tf.add(rows, column)), [-1, 1]);
}

let exceptionKeys: Int32Array | undefined;

/**
 * PIL computes the autocontrast table in doubles, int(v * scale - lo * scale) with
 * scale = 255 / (hi - lo), which lands one below the exact quotient floor(255 (v - lo) /
 * (hi - lo)) for about 12k (lo, hi, v) triples where that quotient is a whole number.
 * Listed once, sorted, as keys (256 lo + hi) 256 + v; the table subtracts 1 there.
 */
function autoContrastExceptions(): Int32Array {
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
  exceptionKeys = Int32Array.from(keys);
  return exceptionKeys;
}

export const autoContrast: BatchOp = (images) =>
  tf.tidy(() => {
    const lo = perChannel(images, 'min');
    const hi = perChannel(images, 'max');
    const values = tf.reshape(tf.range(0, 256, 1, 'int32'), [1, 256]);
    const span = tf.sub(hi, lo);
    // floor(255 k / d) in float32 is exact: off-integer quotients sit >= 1/255 from one.
    const k = tf.clipByValue(tf.sub(values, lo), 0, 255);
    const exact = tf.floor(tf.div(tf.cast(tf.mul(k, int(255)), 'float32'), tf.cast(tf.maximum(span, int(1)), 'float32')));
    const keysData = autoContrastExceptions();
    const keys = tf.tensor2d(keysData, [1, keysData.length], 'int32');
    const probes = tf.reshape(tf.add(tf.mul(tf.add(tf.mul(lo, int(256)), hi), int(256)), values), [1, -1]);
    const at = tf.minimum(tf.searchSorted(keys, probes), int(keysData.length - 1));
    const hit = tf.equal(tf.gather(tf.reshape(keys, [-1]), at), probes);
    const stretched = tf.sub(tf.clipByValue(exact, 0, 255), tf.reshape(tf.cast(hit, 'float32'), exact.shape));
    const table = tf.where(tf.greater(span, int(0)), stretched, tf.cast(tf.broadcastTo(values, exact.shape), 'float32'));
    return applyTable(images, tableIndex(images), table as tf.Tensor2D);
  });

export const equalize: BatchOp = (images) =>
  tf.tidy(() => {
    const [n, h, w, c] = images.shape;
    const index = tableIndex(images);
    const none = tf.tensor1d([], 'int32');
    const hist = tf.reshape(tf.denseBincount(tf.reshape(index, [-1]) as tf.Tensor1D, none, n * c * 256), [n * c, 256]);
    // PIL: step = (pixels - count of the top occupied bin) // 255; identity when 0.
    const top = pickPerRow(hist, perChannel(images, 'max'));
    const step = floorDivInt(tf.sub(int(h * w), top), 255);
    const below = tf.cumsum(hist, 1, true);
    const mapped = floorDivInt(tf.add(floorDivInt(step, 2), below), tf.maximum(step, int(1)));
    const values = tf.broadcastTo(tf.reshape(tf.range(0, 256, 1, 'int32'), [1, 256]), [n * c, 256]);
    const table = tf.where(tf.greater(step, int(0)), tf.minimum(mapped, int(255)), values);
    return applyTable(images, index, table as tf.Tensor2D);
  });
