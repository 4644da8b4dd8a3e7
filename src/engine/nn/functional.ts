/**
 * The layers proxy nets are built from, as pure functions of named parameters.
 *
 * Batch norm uses layers.ts (y = x * scale + shift with tf.moments): tfjs-core's own
 * batchNorm gradient goes through a slow Tile on the wasm backend, that form does not.
 */
import { tf } from '../tf';
import { batchNormInfer, batchNormTrain, type BatchSync } from './layers';
import type { ParamSpec, Params } from './params';

export const BN_EPSILON = 1e-5;
/** Weight of the newest batch in the running statistics (PyTorch's momentum 0.1). */
export const BN_MOMENTUM = 0.1;

/** How a forward pass treats batch norm. */
export interface ForwardMode {
  /** true: batch statistics; false: running statistics from `buffers`. */
  readonly training: boolean;
  /** Running means and variances by buffer name (eval mode needs them). */
  readonly buffers?: Params;
  /**
   * Training mode: when given, each batch norm layer records the batch mean and
   * (unbiased) variance it used under its buffer names. The tensors are kept
   * (tf.keep), so they survive tf.grads' scope; the caller disposes them.
   */
  readonly moments?: Map<string, tf.Tensor>;
  /** Training mode: batch statistics over a batch shared with other instances. */
  readonly sync?: BatchSync;
}

export function param(params: Params, name: string): tf.Tensor {
  const t = params[name];
  if (!t) throw new Error(`missing parameter ${name}`);
  return t;
}

export function convSpec(name: string, kernel: number, inChannels: number, outChannels: number): ParamSpec {
  return { name, shape: [kernel, kernel, inChannels, outChannels], init: { kind: 'he-normal', fanIn: kernel * kernel * inChannels } };
}

export function conv(params: Params, name: string, x: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.conv2d(x, param(params, name) as tf.Tensor4D, stride, 'same');
}

/** gamma and beta (trainable) of a batch norm layer. */
export function bnSpecs(name: string, channels: number): ParamSpec[] {
  return [
    { name: `${name}.gamma`, shape: [channels], init: { kind: 'ones' } },
    { name: `${name}.beta`, shape: [channels], init: { kind: 'zeros' } },
  ];
}

/** Running mean and variance (not trainable) of a batch norm layer. */
export function bnBufferSpecs(name: string, channels: number): ParamSpec[] {
  return [
    { name: `${name}.mean`, shape: [channels], init: { kind: 'zeros' } },
    { name: `${name}.var`, shape: [channels], init: { kind: 'ones' } },
  ];
}

export function batchNorm(params: Params, name: string, x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
  const gamma = param(params, `${name}.gamma`) as tf.Tensor1D;
  const beta = param(params, `${name}.beta`) as tf.Tensor1D;
  if (!mode.training) {
    if (!mode.buffers) throw new Error('batch norm in eval mode needs the running statistics');
    const mean = param(mode.buffers, `${name}.mean`) as tf.Tensor1D;
    const variance = param(mode.buffers, `${name}.var`) as tf.Tensor1D;
    return batchNormInfer(x, gamma, beta, mean, variance, BN_EPSILON);
  }
  const { y, mean, variance } = batchNormTrain(x, gamma, beta, BN_EPSILON, mode.sync);
  if (mode.moments) {
    // Running variance is unbiased (PyTorch's convention); the batch uses the biased one.
    const count = x.size / x.shape[3];
    mode.moments.set(`${name}.mean`, tf.keep(tf.clone(mean)));
    mode.moments.set(`${name}.var`, tf.keep(tf.mul(variance, count > 1 ? count / (count - 1) : 1)));
  }
  return y;
}

export function denseSpecs(name: string, inputs: number, outputs: number): ParamSpec[] {
  return [
    { name: `${name}.kernel`, shape: [inputs, outputs], init: { kind: 'he-normal', fanIn: inputs } },
    { name: `${name}.bias`, shape: [outputs], init: { kind: 'zeros' } },
  ];
}

export function dense(params: Params, name: string, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, param(params, `${name}.kernel`) as tf.Tensor2D), param(params, `${name}.bias`));
}

/** Pixel values 0..255 -> (x / 255 - mean) / std per channel. */
export function normaliseInput(x: tf.Tensor4D, mean: readonly number[], std: readonly number[]): tf.Tensor4D {
  const c = x.shape[3];
  if (mean.length !== c || std.length !== c) throw new RangeError(`input has ${c} channels, normalisation has ${mean.length} means and ${std.length} stds`);
  const shift = tf.tensor1d(mean.map((m) => m * 255));
  const scale = tf.tensor1d(std.map((s) => 1 / (255 * s)));
  return tf.mul(tf.sub(x, shift), scale);
}

/** Blends each running statistic with the recorded batch value (after a training pass). */
export function updateRunningStats(buffers: readonly tf.Variable[], names: readonly string[], moments: ReadonlyMap<string, tf.Tensor>, momentum = BN_MOMENTUM): void {
  names.forEach((name, i) => {
    const batch = moments.get(name);
    if (!batch) return;
    tf.tidy(() => buffers[i].assign(tf.add(tf.mul(buffers[i], 1 - momentum), tf.mul(batch, momentum))));
  });
}
