/**
 * Small exact-arithmetic helpers shared by the pixel ops. They stay in float32 (whole
 * numbers below 2^23 are exact there) and avoid broadcasting int32 and comparison ops,
 * which take the wasm backend's slow generic path.
 */
import { tf } from '../tf';

/** An int32 scalar: a bare number would make tfjs promote an int32 operand to float32. */
export function int(v: number): tf.Scalar {
  return tf.scalar(v, 'int32');
}

/** Image i's value as a [N, 1, 1, 1] tensor that broadcasts over its pixels. */
export function perImage(values: Float64Array, n: number, op: string): tf.Tensor4D {
  if (values.length !== n) throw new RangeError(`${op}: ${values.length} parameters for a batch of ${n} images`);
  return tf.tensor4d(Float32Array.from(values), [n, 1, 1, 1], 'float32');
}

/** 1 where a > b, else 0, for whole-number float tensors (tf.step, not a comparison kernel). */
export function greaterMask(a: tf.Tensor | number, b: tf.Tensor | number): tf.Tensor {
  return tf.step(tf.sub(tf.sub(a, b), 0.5));
}

/**
 * floor(a / b) for whole numbers 0 <= a < 2^23, b >= 1 held in float32. The rounded
 * float quotient can be one off; the remainder repairs it.
 */
export function floorDiv(a: tf.Tensor, b: tf.Tensor | number): tf.Tensor {
  return tf.tidy(() => {
    const q = tf.floor(tf.div(a, b));
    const r = tf.sub(a, tf.mul(q, b));
    return tf.sub(tf.add(q, greaterMask(tf.add(r, 1), b)), greaterMask(0, r));
  });
}

/** floor(a / b) for int32 a >= 0, b >= 1 with a + b < 2^31 (int32 sums of large images). */
export function floorDivInt(a: tf.Tensor, b: number): tf.Tensor {
  return tf.tidy(() => {
    const q = tf.cast(tf.floor(tf.div(tf.cast(a, 'float32'), b)), 'int32');
    const r = tf.sub(a, tf.mul(q, int(b)));
    return tf.add(tf.sub(q, tf.cast(tf.less(r, int(0)), 'int32')), tf.cast(tf.greaterEqual(r, int(b)), 'int32'));
  });
}

/** Whole numbers clipped to [0, 255], truncating as PIL's (UINT8) casts do. */
export function truncToByte(x: tf.Tensor): tf.Tensor {
  return tf.clipByValue(tf.floor(x), 0, 255);
}

/**
 * table[indices] for a flat table and int32 indices. wasm's GatherV2 checks every index
 * in JS (~20-50 ms for 400k pixels) while its GatherNd does not (~3 ms); the cpu backend
 * is the other way round.
 */
export function lookup(table: tf.Tensor1D, indices: tf.Tensor): tf.Tensor1D {
  const flat = tf.reshape(indices, [-1]);
  if (tf.getBackend() === 'cpu') return tf.gather(table, flat);
  return tf.gatherND(table, tf.reshape(flat, [-1, 1])) as tf.Tensor1D;
}

/** x[indices] along axis 0 (whole rows), by the faster kernel for the backend (see `lookup`). */
export function gatherRows<T extends tf.Tensor>(x: T, indices: ArrayLike<number> | tf.Tensor): T {
  const idx = indices instanceof tf.Tensor ? tf.reshape(indices, [-1]) : tf.tensor1d(Array.from(indices), 'int32');
  if (tf.getBackend() === 'cpu') return tf.gather(x, idx) as T;
  return tf.gatherND(x, tf.reshape(idx, [-1, 1])) as T;
}
