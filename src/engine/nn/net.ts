/** What a proxy net is: parameter declarations plus a pure forward function. */
import type { tf } from '../tf';
import type { ForwardMode } from './functional';
import type { ParamSpec, Params } from './params';

export interface InputShape {
  readonly height: number;
  readonly width: number;
  /** 1 (grayscale) or 3 (RGB). */
  readonly channels: number;
  readonly classes: number;
  /** Per-channel mean and std of pixels scaled to [0, 1]; the net normalises with them. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export interface ProxyNet {
  readonly name: string;
  readonly input: InputShape;
  /** Trainable parameters. */
  readonly params: readonly ParamSpec[];
  /** Non-trainable buffers: batch norm running means and variances. */
  readonly buffers: readonly ParamSpec[];
  /** Logits [N, classes] for pixel values 0..255, NHWC. */
  forward(params: Params, x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D;
}
