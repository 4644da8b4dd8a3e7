/**
 * Layer helpers for the training side of the engine, written so their gradients stay
 * on fast kernels of every backend.
 */
import { tf } from '../tf';

/**
 * Synchronised batch norm: the instances that each hold part of one logical batch
 * exchange per-channel sums, so every instance normalises with the whole batch's
 * statistics. `allReduce` returns the elementwise sum over the instances (the same
 * values, summed in the same order, in each of them).
 */
export interface BatchSync {
  /** Images in the whole logical batch, over all instances. */
  readonly batchTotal: number;
  allReduce(local: Float32Array): Float32Array;
}

/** The sum over instances of a per-channel [1, C] or [C] tensor. */
function reduced(t: tf.Tensor, sync: BatchSync | undefined): tf.Tensor {
  if (!sync) return t;
  return tf.tensor(sync.allReduce(t.dataSync() as Float32Array), t.shape, 'float32');
}

export interface BatchNormTrainResult {
  y: tf.Tensor4D;
  /** Per-channel batch statistics, constants for running averages (biased variance). */
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/**
 * Per-channel sums of NHWC `x` as [1, C]: a global AvgPool over H, W (XNNPACK, one pass,
 * no transpose) times H*W, then a [1, N] x [N, C] matMul over the images. On wasm this is
 * ~2-8x faster than a [1, M] x [M, C] matMul with a row of ones, and 15-35x faster than
 * Sum over axes 0..2 (which transposes the whole tensor first).
 */
function channelSum(x: tf.Tensor4D): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  const perImage = h * w === 1 ? tf.reshape(x, [n, c]) : tf.mul(tf.reshape(tf.avgPool(x, [h, w], [h, w], 'valid'), [n, c]), h * w);
  return n === 1 ? (tf.reshape(perImage, [1, c]) as tf.Tensor2D) : tf.matMul(tf.ones([1, n]) as tf.Tensor2D, perImage as tf.Tensor2D);
}

/**
 * Training-mode batch norm over the N, H, W axes of NHWC `x`, as
 * `y = x*scale + (beta - mean*scale)` with `scale = gamma / sqrt(var + eps)`.
 * The gradient is written by hand (tf.customGrad): the stock tf.batchNorm gradient
 * reduces through a slow Tile on wasm, and autodiff of the formula above makes ~20
 * full-size passes; this makes 5, with every reduction a matMul.
 * With `sync`, x is this instance's part of a larger batch: the statistics and the
 * gradient's channel sums cover the whole batch, while the gamma and beta gradients
 * stay this part's share (the instances' parameter gradients are summed afterwards).
 */
export function batchNormTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-5, sync?: BatchSync): BatchNormTrainResult {
  const [n, h, w, c] = x.shape;
  const rows = n * h * w;
  /** Values per channel in the whole batch (all instances). */
  const m = (sync ? sync.batchTotal : n) * h * w;
  let stats: { mean: tf.Tensor1D; variance: tf.Tensor1D } | undefined;
  const bn = tf.customGrad((...args: (tf.Tensor | ((t: tf.Tensor[]) => void))[]) => {
    const [xIn, g, b] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as (t: tf.Tensor[]) => void;
    const [y, mean, variance, invstd] = tf.tidy(() => {
      const x2 = tf.reshape(xIn, [rows, c]) as tf.Tensor2D;
      const mu = tf.div(reduced(channelSum(xIn), sync), m);
      const xc = tf.sub(x2, mu);
      const v = tf.div(reduced(channelSum(tf.reshape(tf.square(xc), [n, h, w, c]) as tf.Tensor4D), sync), m);
      const inv = tf.rsqrt(tf.add(v, eps));
      const out = tf.reshape(tf.add(tf.mul(xc, tf.mul(g, inv)), b), [n, h, w, c]) as tf.Tensor4D;
      return [out, tf.reshape(mu, [c]), tf.reshape(v, [c]), tf.reshape(inv, [c])] as const;
    });
    // customGrad runs this inside a tidy: keep the statistics past it (handed back below).
    stats = { mean: tf.keep(mean) as tf.Tensor1D, variance: tf.keep(variance) as tf.Tensor1D };
    save([xIn, g, mean, invstd]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] =>
      tf.tidy(() => {
        const [xs, gs, mu, inv] = saved;
        const x2 = tf.reshape(xs, [rows, c]) as tf.Tensor2D;
        const dy2 = tf.reshape(dy, [rows, c]) as tf.Tensor2D;
        const localDbeta = tf.reshape(channelSum(dy as tf.Tensor4D), [c]);
        const localSdyx = tf.reshape(channelSum(tf.reshape(tf.mul(dy2, x2), [n, h, w, c]) as tf.Tensor4D), [c]);
        const localDgamma = tf.mul(inv, tf.sub(localSdyx, tf.mul(mu, localDbeta)));
        // One exchange for both sums; the whole batch's values shape dx.
        const both = sync ? reduced(tf.concat([localDbeta, localSdyx]), sync) : null;
        const dbeta = both ? tf.slice(both, 0, c) : localDbeta;
        const dgamma = both ? tf.mul(inv, tf.sub(tf.slice(both, c, c), tf.mul(mu, dbeta))) : localDgamma;
        // dx = scale * (dy - dbeta/M - xhat * dgamma/M), regrouped as dy*scale + x*k + k0.
        const scale = tf.mul(gs, inv);
        const k = tf.div(tf.neg(tf.mul(tf.mul(scale, inv), dgamma)), m);
        const k0 = tf.sub(tf.div(tf.neg(tf.mul(scale, dbeta)), m), tf.mul(k, mu));
        const dx = tf.add(tf.mul(dy2, scale), tf.add(tf.mul(x2, k), k0));
        return [tf.reshape(dx, [n, h, w, c]), localDgamma, localDbeta];
      });
    return { value: y, gradFunc };
  });
  const y = bn(x, gamma, beta) as tf.Tensor4D;
  if (!stats) throw new Error('batchNormTrain: forward pass did not run');
  // Clones (same data, no copy) belong to the caller's scope; the kept originals go.
  const mean = tf.clone(stats.mean);
  const variance = tf.clone(stats.variance);
  tf.dispose([stats.mean, stats.variance]);
  return { y, mean, variance };
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
