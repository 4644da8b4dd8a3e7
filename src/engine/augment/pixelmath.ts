/** Small exact-arithmetic helpers shared by the pixel ops. */
import { tf } from '../tf';

/** An int32 scalar: a bare number would make tfjs promote an int32 operand to float32. */
export function int(v: number): tf.Scalar {
  return tf.scalar(v, 'int32');
}

/** Image i's parameter as a [N, 1, 1, 1] tensor that broadcasts over its pixels. */
export function perImage(params: Float32Array, n: number, op: string): tf.Tensor4D {
  if (params.length !== n) throw new RangeError(`${op}: ${params.length} parameters for a batch of ${n} images`);
  return tf.tensor4d(params, [n, 1, 1, 1], 'float32');
}

/**
 * floor(a / b) for int32 a >= 0, b >= 1. The float quotient can be one off (wasm's
 * FloorDiv divides in float32); the remainder check repairs it. Exact while a / b < 2^23.
 */
export function floorDivInt(a: tf.Tensor, b: tf.Tensor | number): tf.Tensor {
  return tf.tidy(() => {
    const bi = typeof b === 'number' ? int(b) : b;
    const q0 = tf.cast(tf.floor(tf.div(tf.cast(a, 'float32'), tf.cast(bi, 'float32'))), 'int32');
    const r = tf.sub(a, tf.mul(q0, bi));
    const down = tf.cast(tf.less(r, int(0)), 'int32');
    const up = tf.cast(tf.greaterEqual(r, bi), 'int32');
    return tf.add(tf.sub(q0, down), up);
  });
}

/** Whole numbers clipped to [0, 255], truncating as PIL's (UINT8) casts do. */
export function truncToByte(x: tf.Tensor): tf.Tensor {
  return tf.clipByValue(tf.floor(x), 0, 255);
}
