/**
 * Shared geometry of the convolution gradients: validates what the composed kernels
 * support and works out the padding of the forward pass from the kernel attributes.
 */
import { tf } from '../../tf';
import type { KernelCtx } from './ctx';

type TensorInfo = tf.TensorInfo;

export type Shape4 = [number, number, number, number];
type Pad = Parameters<typeof tf.backend_util.computeConv2DInfo>[4];
type Rounding = Parameters<typeof tf.backend_util.computeConv2DInfo>[5];

export interface ConvGeometry {
  /** Input [N, H, W, C] and filter [kh, kw, C, Co-or-multiplier] of the forward pass. */
  x: Shape4;
  filter: Shape4;
  /** Output of the forward pass, [N, Ho, Wo, Co]. */
  out: Shape4;
  stride: [number, number];
  /** Top and left padding the forward pass applied. */
  padTop: number;
  padLeft: number;
}

/** Everything the four gradient kernels receive that bears on geometry. */
export interface GradAttrs {
  strides?: unknown;
  dilations?: unknown;
  pad?: unknown;
  dataFormat?: unknown;
  dimRoundingMode?: unknown;
}

function pairOf(v: unknown, what: string, kernel: string): [number, number] {
  if (v === undefined || v === null) return [1, 1];
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number')) return [v[0] as number, v[1] as number];
  throw new Error(`${kernel}: unsupported ${what} ${JSON.stringify(v)}`);
}

/**
 * Computes the forward geometry and throws a clear error for what is not supported:
 * NCHW data, dilation other than 1, non-integer strides, or a dy of the wrong shape.
 */
export function convGeometry(kernel: string, x: Shape4, filter: Shape4, dy: readonly number[], attrs: GradAttrs, depthwise: boolean): ConvGeometry {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new Error(`${kernel}: only NHWC data is supported on this backend (got ${String(attrs.dataFormat)})`);
  }
  const dil = pairOf(attrs.dilations, 'dilations', kernel);
  if (dil[0] !== 1 || dil[1] !== 1) {
    throw new Error(`${kernel}: dilation ${dil.join('x')} is not supported (only 1); use dilation 1 for trained convolutions`);
  }
  const stride = pairOf(attrs.strides, 'strides', kernel);
  if (!stride.every((s) => Number.isInteger(s) && s >= 1)) throw new Error(`${kernel}: strides must be positive integers, got ${stride.join('x')}`);
  const info = tf.backend_util.computeConv2DInfo(x, filter, stride, 1, attrs.pad as Pad, attrs.dimRoundingMode as Rounding, depthwise, 'channelsLast');
  const out = info.outShape;
  if (dy.length !== 4 || out.some((d, i) => d !== dy[i])) {
    throw new Error(`${kernel}: dy has shape [${dy.join(',')}] but the forward pass gives [${out.join(',')}]`);
  }
  return { x, filter, out, stride, padTop: info.padInfo.top, padLeft: info.padInfo.left };
}

/**
 * Padding that makes a stride-1 'valid' correlation of a length-`len` signal produce
 * `want` outputs for a filter whose dilated extent is `extent`, given the padding
 * `before`: returns [before, after]; a negative value means crop instead.
 */
export function padFor(len: number, extent: number, want: number, before: number): [number, number] {
  return [before, want + extent - 1 - before - len];
}

type Pair = [number, number];

/**
 * Prepares a [N, H, W, C] operand for a stride-1 'valid' conv with the given spatial
 * [before, after] paddings: negative amounts are cropped with one Slice, the rest is
 * returned for the conv's explicit padding (so no padded copy is made).
 */
export function padOrCrop(ctx: KernelCtx, t: TensorInfo, padH: Pair, padW: Pair): { t: TensorInfo; pads: [Pair, Pair] } {
  const [n, h, w, c] = t.shape;
  const cropTop = Math.max(0, -padH[0]);
  const cropBottom = Math.max(0, -padH[1]);
  const cropLeft = Math.max(0, -padW[0]);
  const cropRight = Math.max(0, -padW[1]);
  const pads: [Pair, Pair] = [
    [Math.max(0, padH[0]), Math.max(0, padH[1])],
    [Math.max(0, padW[0]), Math.max(0, padW[1])],
  ];
  if (cropTop + cropBottom + cropLeft + cropRight === 0) return { t, pads };
  const cropped = ctx.slice(t, [0, cropTop, cropLeft, 0], [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c]);
  return { t: cropped, pads };
}

/**
 * Zero-dilates the spatial axes of [N, Ho, Wo, C] by the stride: each value is followed
 * by s-1 zeros, giving [N, Ho*sH, Wo*sW, C] (one Pad of a 6-d view, no scatter).
 */
export function dilateSpatial(ctx: KernelCtx, dy: TensorInfo, stride: Pair): TensorInfo {
  const [sH, sW] = stride;
  if (sH === 1 && sW === 1) return dy;
  const [n, ho, wo, c] = dy.shape;
  const v = ctx.view(dy, [n, ho, 1, wo, 1, c]);
  const padded = ctx.pad(v, [[0, 0], [0, 0], [0, sH - 1], [0, 0], [0, sW - 1], [0, 0]]);
  return ctx.view(padded, [n, ho * sH, wo * sW, c]);
}

/** A required 4-d input of a kernel. */
export function input4(inputs: tf.NamedTensorInfoMap, name: string, kernel: string): TensorInfo {
  const t = inputs[name];
  if (!t) throw new Error(`${kernel}: missing input '${name}'`);
  if (t.shape.length !== 4) throw new Error(`${kernel}: input '${name}' must be 4-d, got [${t.shape.join(',')}]`);
  return t;
}

/** A 4-d shape attribute (filterShape, inputShape). */
export function shape4(v: unknown, what: string, kernel: string): Shape4 {
  if (Array.isArray(v) && v.length === 4 && v.every((n) => Number.isInteger(n))) return v as Shape4;
  throw new Error(`${kernel}: attribute ${what} must be a 4-d shape, got ${JSON.stringify(v)}`);
}
