/**
 * Layer helpers for the training side of the engine, written so their gradients stay
 * on fast kernels of every backend.
 */
import { tf } from '../tf';

export interface BatchNormTrainResult {
  y: tf.Tensor4D;
  /** Per-channel batch statistics (for running averages; biased variance). */
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/**
 * Training-mode batch norm over the N, H, W axes of NHWC `x`, written as
 * `y = x*scale + (beta - mean*scale)` with `scale = gamma / sqrt(var + eps)`.
 * The stock tf.batchNorm gradient reduces through a slow Tile on wasm; this form's
 * gradient is only broadcasts, sums and elementwise ops.
 */
export function batchNormTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-5): BatchNormTrainResult {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, eps)));
    const shift = tf.sub(beta, tf.mul(mean, scale));
    const y = tf.add(tf.mul(x, scale), shift) as tf.Tensor4D;
    return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
  });
}

/** Inference-mode batch norm with given (running) statistics, in the same form. */
export function batchNormInfer(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  eps = 1e-5,
): tf.Tensor4D {
  return tf.tidy(() => {
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, eps)));
    return tf.add(tf.mul(x, scale), tf.sub(beta, tf.mul(mean, scale))) as tf.Tensor4D;
  });
}
