/**
 * DepthwiseConv2dNative gradients composed from one forward depthwise convolution
 * each (plus a Sum where channels fold), the depthwise analogue of conv2d-grad.ts.
 *
 * Filter gradient: each (image, channel) pair becomes its own depthwise channel of a
 * batch-1 input [1, H, W, N*C]; dy [Ho, Wo, N*C, M] is its filter, dilated by the
 * stride; the N partial filter gradients are then summed.
 * Input gradient: the zero-dilated, padded dy [.., C*M] convolved depthwise with the
 * flipped filter seen as [kh, kw, C*M, 1], then the M multiplier channels summed.
 */
import { tf } from '../../tf';
import { composeKernel } from './ctx';
import { convGeometry, dilateSpatial, padFor, padOrCrop, input4, shape4, type GradAttrs, type Shape4 } from './geometry';

/** Kernel function for DepthwiseConv2dNativeBackpropFilter on `backendName`. */
export function depthwiseBackpropFilter(backendName: string): tf.KernelFunc {
  const name = 'DepthwiseConv2dNativeBackpropFilter';
  return ({ inputs, backend, attrs = {} }) => {
    const x = input4(inputs, 'x', name);
    const dy = input4(inputs, 'dy', name);
    const filterShape = shape4(attrs.filterShape, 'filterShape', name);
    const g = convGeometry(name, x.shape as Shape4, filterShape, dy.shape, attrs as GradAttrs, true);
    const [kh, kw, c, m] = filterShape;
    const [n, h, w] = g.x;
    const [, ho, wo] = g.out;
    const [sH, sW] = g.stride;
    return composeKernel(backend as tf.KernelBackend, backendName, (ctx) => {
      const xT = ctx.view(ctx.transpose(x, [1, 2, 0, 3]), [1, h, w, n * c]);
      const dyT = ctx.view(ctx.transpose(dy, [1, 2, 0, 3]), [ho, wo, n * c, m]);
      const padH = padFor(h, (ho - 1) * sH + 1, kh, g.padTop);
      const padW = padFor(w, (wo - 1) * sW + 1, kw, g.padLeft);
      const { t, pads } = padOrCrop(ctx, xT, padH, padW);
      const perImage = ctx.depthwise(t, dyT, pads, [sH, sW]); // [1, kh, kw, N*C*M]
      const summed = n === 1 ? perImage : ctx.sum(ctx.view(perImage, [kh, kw, n, c * m]), 2);
      return ctx.view(summed, [kh, kw, c, m]);
    });
  };
}

/** Kernel function for DepthwiseConv2dNativeBackpropInput on `backendName`. */
export function depthwiseBackpropInput(backendName: string): tf.KernelFunc {
  const name = 'DepthwiseConv2dNativeBackpropInput';
  return ({ inputs, backend, attrs = {} }) => {
    const dy = input4(inputs, 'dy', name);
    const filter = input4(inputs, 'filter', name);
    const inputShape = shape4(attrs.inputShape, 'inputShape', name);
    const g = convGeometry(name, inputShape, filter.shape as Shape4, dy.shape, attrs as GradAttrs, true);
    const [kh, kw, c, m] = g.filter;
    const [n, h, w] = g.x;
    const [, ho, wo] = g.out;
    const [sH, sW] = g.stride;
    return composeKernel(backend as tf.KernelBackend, backendName, (ctx) => {
      const dyD = dilateSpatial(ctx, dy, g.stride); // [N, Ho*sH, Wo*sW, C*M]
      const padH = padFor(ho * sH, kh, h, kh - 1 - g.padTop);
      const padW = padFor(wo * sW, kw, w, kw - 1 - g.padLeft);
      const { t, pads } = padOrCrop(ctx, dyD, padH, padW);
      const flipped = ctx.view(ctx.reverse(filter, [0, 1]), [kh, kw, c * m, 1]);
      const dx = ctx.depthwise(t, flipped, pads, [1, 1]); // [N, H, W, C*M]
      return m === 1 ? dx : ctx.sum(ctx.view(dx, [n, h, w, c, m]), 4);
    });
  };
}
