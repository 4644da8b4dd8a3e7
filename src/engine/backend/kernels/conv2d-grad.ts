/**
 * Conv2D gradients composed from one forward Conv2D each, so they run on the
 * backend's fast (XNNPACK on wasm) convolution instead of a direct loop.
 *
 * Filter gradient: dW[i,j,c,o] = sum_{n,y,x} xpad[n, y*s+i, x*s+j, c] * dy[n,y,x,o] is a
 * 'valid' convolution of x seen as [C, H, W, N] (batch = channels, channels = batch)
 * with dy seen as the filter [Ho, Wo, N, Co], dilated by the stride.
 * Input gradient: a stride-1 convolution of the zero-dilated, padded dy with the
 * spatially flipped filter whose in/out channels are swapped.
 */
import { tf } from '../../tf';
import { composeKernel } from './ctx';
import { convGeometry, dilateSpatial, padFor, padOrCrop, input4, shape4, type GradAttrs, type Shape4 } from './geometry';

/** Kernel function for Conv2DBackpropFilter on `backendName`. */
export function conv2dBackpropFilter(backendName: string): tf.KernelFunc {
  const name = 'Conv2DBackpropFilter';
  return ({ inputs, backend, attrs = {} }) => {
    const x = input4(inputs, 'x', name);
    const dy = input4(inputs, 'dy', name);
    const filterShape = shape4(attrs.filterShape, 'filterShape', name);
    const g = convGeometry(name, x.shape as Shape4, filterShape, dy.shape, attrs as GradAttrs, false);
    const [kh, kw, ci, co] = filterShape;
    const [, h, w] = g.x;
    const [, ho, wo] = g.out;
    const [sH, sW] = g.stride;
    return composeKernel(backend as tf.KernelBackend, backendName, (ctx) => {
      const xT = ctx.transpose(x, [3, 1, 2, 0]); // [Ci, H, W, N]
      const dyT = ctx.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, N, Co]
      const padH = padFor(h, (ho - 1) * sH + 1, kh, g.padTop);
      const padW = padFor(w, (wo - 1) * sW + 1, kw, g.padLeft);
      const { t, pads } = padOrCrop(ctx, xT, padH, padW);
      const out = ctx.conv2d(t, dyT, pads, [sH, sW]); // [Ci, kh, kw, Co]
      if (out.shape[1] !== kh || out.shape[2] !== kw || out.shape[0] !== ci || out.shape[3] !== co) {
        throw new Error(`${name}: internal shape mismatch [${out.shape.join(',')}] vs [${ci},${kh},${kw},${co}]`);
      }
      return ctx.transpose(out, [1, 2, 0, 3]);
    });
  };
}

/** Kernel function for Conv2DBackpropInput on `backendName`. */
export function conv2dBackpropInput(backendName: string): tf.KernelFunc {
  const name = 'Conv2DBackpropInput';
  return ({ inputs, backend, attrs = {} }) => {
    const dy = input4(inputs, 'dy', name);
    const filter = input4(inputs, 'filter', name);
    const inputShape = shape4(attrs.inputShape, 'inputShape', name);
    const g = convGeometry(name, inputShape, filter.shape as Shape4, dy.shape, attrs as GradAttrs, false);
    const [kh, kw] = g.filter;
    const [, h, w] = g.x;
    const [, ho, wo] = g.out;
    const [sH, sW] = g.stride;
    return composeKernel(backend as tf.KernelBackend, backendName, (ctx) => {
      const dyD = dilateSpatial(ctx, dy, g.stride); // [N, Ho*sH, Wo*sW, Co]
      const padH = padFor(ho * sH, kh, h, kh - 1 - g.padTop);
      const padW = padFor(wo * sW, kw, w, kw - 1 - g.padLeft);
      const { t, pads } = padOrCrop(ctx, dyD, padH, padW);
      const flipped = ctx.reverse(filter, [0, 1]);
      const swapped = ctx.transpose(flipped, [0, 1, 3, 2]); // [kh, kw, Co, Ci]
      return ctx.conv2d(t, swapped, pads, [1, 1]);
    });
  };
}
