/**
 * Layer helpers for the training side of the engine, written so their gradients stay
 * on fast kernels of every backend.
 */
import { tf } from '../tf';
import { BN_KERNELS, SimdKernels, simdKernels } from '../backend/simd';

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

/** The sum over instances of a per-channel [C] tensor. */
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

/** The full-size passes batch norm makes; every other step is on [C] vectors. */
interface BnOps {
  /** Per-channel sums [C] of x, or of (x - centre)^2. */
  sums(x: tf.Tensor4D, centre?: tf.Tensor1D): tf.Tensor1D;
  /** Per-channel sums of dy, then of dy * x, as one [2C] vector. */
  gradSums(dy: tf.Tensor4D, x: tf.Tensor4D): tf.Tensor1D;
  /** u*a + shift, or u*a + v*b + shift, with a, b, shift per channel. */
  affine(u: tf.Tensor4D, a: tf.Tensor1D, shift: tf.Tensor1D, v?: tf.Tensor4D, b?: tf.Tensor1D): tf.Tensor4D;
}

/**
 * Per-channel sums of NHWC `x` as [C]: a global AvgPool over H, W (XNNPACK, one pass,
 * no transpose) times H*W, then a [1, N] x [N, C] matMul over the images. On wasm this is
 * ~2-8x faster than a [1, M] x [M, C] matMul with a row of ones, and 15-35x faster than
 * Sum over axes 0..2 (which transposes the whole tensor first).
 */
function channelSum(x: tf.Tensor4D): tf.Tensor1D {
  const [n, h, w, c] = x.shape;
  const perImage = h * w === 1 ? tf.reshape(x, [n, c]) : tf.mul(tf.reshape(tf.avgPool(x, [h, w], [h, w], 'valid'), [n, c]), h * w);
  return tf.reshape(n === 1 ? perImage : tf.matMul(tf.ones([1, n]) as tf.Tensor2D, perImage as tf.Tensor2D), [c]);
}

/** BnOps from stock ops: any backend, about 13 full-size passes per layer (forward and backward). */
const composedBnOps: BnOps = {
  sums: (x, centre) => channelSum(centre ? (tf.square(tf.sub(x, centre)) as tf.Tensor4D) : x),
  gradSums: (dy, x) => tf.concat([channelSum(dy), channelSum(tf.mul(dy, x) as tf.Tensor4D)]),
  affine: (u, a, shift, v, b) => tf.add(v && b ? tf.add(tf.mul(u, a), tf.mul(v, b)) : tf.mul(u, a), shift) as tf.Tensor4D,
};

/** BnOps as our wasm SIMD kernels (backend/simd): 5 full-size passes per layer. */
const simdBnOps: BnOps = {
  sums: (x, centre) => tf.engine().runKernel(BN_KERNELS.channelSums, centre ? { x, centre } : { x }) as tf.Tensor1D,
  gradSums: (dy, x) => tf.engine().runKernel(BN_KERNELS.gradSums, { dy, x }) as tf.Tensor1D,
  affine: (u, a, shift, v, b) => tf.engine().runKernel(BN_KERNELS.channelAffine, v && b ? { u, a, shift, v, b } : { u, a, shift }) as tf.Tensor4D,
};

function bnOpsFor(channels: number): BnOps {
  const fused = tf.getBackend() === 'wasm' && SimdKernels.channelsFit(channels) && tf.getKernel(BN_KERNELS.channelSums, 'wasm') && simdKernels(tf.backend());
  return fused ? simdBnOps : composedBnOps;
}

/**
 * Training-mode batch norm over the N, H, W axes of NHWC `x`, as
 * `y = x*scale + (beta - mean*scale)` with `scale = gamma / sqrt(var + eps)`.
 * The gradient is written by hand (tf.customGrad): the stock tf.batchNorm gradient
 * reduces through a slow Tile on wasm, and autodiff of the formula above makes ~20
 * full-size passes. This makes five through `BnOps` (forward: sums, centred sums,
 * normalisation; backward: both sums at once, then dx), each one kernel on wasm.
 * With `sync`, x is this instance's part of a larger batch: the statistics and the
 * gradient's channel sums cover the whole batch, while the gamma and beta gradients
 * stay this part's share (the instances' parameter gradients are summed afterwards).
 */
export function batchNormTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-5, sync?: BatchSync): BatchNormTrainResult {
  const [n, h, w, c] = x.shape;
  const ops = bnOpsFor(c);
  /** Values per channel in the whole batch (all instances). */
  const m = (sync ? sync.batchTotal : n) * h * w;
  let stats: { mean: tf.Tensor1D; variance: tf.Tensor1D } | undefined;
  const bn = tf.customGrad((...args: (tf.Tensor | ((t: tf.Tensor[]) => void))[]) => {
    const [xIn, g, b] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as (t: tf.Tensor[]) => void;
    const [y, mean, variance, invstd] = tf.tidy(() => {
      const mu = tf.div(reduced(ops.sums(xIn), sync), m) as tf.Tensor1D;
      const v = tf.div(reduced(ops.sums(xIn, mu), sync), m) as tf.Tensor1D;
      const inv = tf.rsqrt(tf.add(v, eps)) as tf.Tensor1D;
      const scale = tf.mul(g, inv) as tf.Tensor1D;
      const out = ops.affine(xIn, scale, tf.sub(b, tf.mul(mu, scale)) as tf.Tensor1D);
      return [out, mu, v, inv] as const;
    });
    // customGrad runs this inside a tidy: keep the statistics past it (handed back below).
    stats = { mean: tf.keep(mean), variance: tf.keep(variance) };
    save([xIn, g, mean, invstd]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] =>
      tf.tidy(() => {
        const [xs, gs, mu, inv] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const local = ops.gradSums(dy as tf.Tensor4D, xs);
        const dgammaOf = (sums: tf.Tensor1D, dbeta: tf.Tensor1D): tf.Tensor1D => tf.mul(inv, tf.sub(tf.slice(sums, c, c), tf.mul(mu, dbeta)));
        const localDbeta = tf.slice(local, 0, c);
        const localDgamma = dgammaOf(local, localDbeta);
        // One exchange for both sums; the whole batch's values shape dx.
        const both = sync ? (reduced(local, sync) as tf.Tensor1D) : local;
        const dbeta = sync ? tf.slice(both, 0, c) : localDbeta;
        const dgamma = sync ? dgammaOf(both, dbeta) : localDgamma;
        // dx = scale * (dy - dbeta/M - xhat * dgamma/M), regrouped as dy*scale + x*k + k0.
        const scale = tf.mul(gs, inv) as tf.Tensor1D;
        const k = tf.div(tf.neg(tf.mul(tf.mul(scale, inv), dgamma)), m) as tf.Tensor1D;
        const k0 = tf.sub(tf.div(tf.neg(tf.mul(scale, dbeta)), m), tf.mul(k, mu)) as tf.Tensor1D;
        return [ops.affine(dy as tf.Tensor4D, scale, k0, xs, k), localDgamma, localDbeta];
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
