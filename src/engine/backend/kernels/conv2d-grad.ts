/**
 * Conv2D gradients composed from one forward Conv2D each, so they run on the
 * backend's fast (XNNPACK on wasm) convolution instead of a direct loop. On wasm the
 * filter gradient is our own SIMD kernel instead (../simd), 2-3x faster than the
 * composed one, when Co is a multiple of 4; and a strided input gradient's phases are
 * interleaved by our SIMD copy.
 *
 * Filter gradient: dW[i,j,c,o] = sum_{n,y,x} xpad[n, y*s+i, x*s+j, c] * dy[n,y,x,o] is a
 * 'valid' convolution of x seen as [C, H, W, N] (batch = channels, channels = batch)
 * with dy seen as the filter [Ho, Wo, N, Co], dilated by the stride.
 * Input gradient: a stride-1 convolution of the zero-dilated, padded dy with the
 * spatially flipped filter whose in/out channels are swapped.
 */
import { tf } from '../../tf';
import { SimdKernels, simdKernels } from '../simd';
import { composeKernel, type KernelCtx } from './ctx';
import { convGeometry, type ConvGeometry, dilateSpatial, padFor, padOrCrop, input4, shape4, type GradAttrs, type Shape4 } from './geometry';

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
    const simd = backendName === 'wasm' && SimdKernels.channelsFit(co) ? simdKernels(backend as tf.KernelBackend) : undefined;
    if (simd) return simd.conv2dFilterGrad(x, dy, g);
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
    if (sH === sW && sH > 1) {
      const simd = backendName === 'wasm' ? simdKernels(backend as tf.KernelBackend) : undefined;
      return composeKernel(backend as tf.KernelBackend, backendName, (ctx) => polyphaseInputGrad(ctx, dy, filter, g, simd));
    }
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

/** The filter taps that reach one phase r of a stride-s input gradient, along one axis. */
interface PhaseTaps {
  /** Input row s*q + r receives sum_u dy[q + u - before] * w[taps[u]] (dy is zero outside). */
  taps: number[];
  before: number;
}

/** Per phase r = 0..s-1: input row s*q + r = y*s + i - pad for output y = q - d, so i = s*d + r + pad. */
function phaseTaps(k: number, s: number, pad: number): PhaseTaps[] {
  return Array.from({ length: s }, (_, r) => {
    const dMin = Math.ceil((-r - pad) / s);
    const dMax = Math.floor((k - 1 - r - pad) / s);
    return { taps: Array.from({ length: Math.max(0, dMax - dMin + 1) }, (_, u) => s * (dMax - u) + r + pad), before: dMax };
  });
}

/**
 * Input gradient of a stride-s conv without the zero-dilated dy (3 of 4 of whose
 * entries are zeros at s = 2): each of the s*s phases of dx is a stride-1 correlation
 * of dy itself with the sub-filter of the taps that reach it (no tap: zeros). On wasm
 * our SIMD kernel writes the phases into place; elsewhere they are stacked on the
 * channels and DepthToSpace interleaves them.
 */
function polyphaseInputGrad(ctx: KernelCtx, dy: tf.TensorInfo, filter: tf.TensorInfo, g: ConvGeometry, simd: SimdKernels | undefined): tf.TensorInfo {
  const [kh, kw, ci, co] = g.filter;
  const [n, h, w] = g.x;
  const [, ho, wo] = g.out;
  const s = g.stride[0];
  const hq = Math.ceil(h / s);
  const wq = Math.ceil(w / s);
  const wv = ctx.read(filter);
  const phases: (tf.TensorInfo | undefined)[] = [];
  for (const th of phaseTaps(kh, s, g.padTop)) {
    for (const tw of phaseTaps(kw, s, g.padLeft)) {
      const [lh, lw] = [th.taps.length, tw.taps.length];
      if (lh === 0 || lw === 0) {
        phases.push(undefined);
        continue;
      }
      // Sub-filter [lh, lw, Co, Ci]: in/out channels swapped, taps in correlation order.
      const f = new Float32Array(lh * lw * co * ci);
      th.taps.forEach((i, uh) =>
        tw.taps.forEach((j, uw) => {
          for (let c = 0; c < ci; c++) {
            for (let o = 0; o < co; o++) f[((uh * lw + uw) * co + o) * ci + c] = wv[((i * kw + j) * ci + c) * co + o];
          }
        }),
      );
      const { t, pads } = padOrCrop(ctx, dy, padFor(ho, lh, hq, th.before), padFor(wo, lw, wq, tw.before));
      phases.push(ctx.conv2d(t, ctx.constant([lh, lw, co, ci], f), pads, [1, 1])); // [N, Hq, Wq, Ci]
    }
  }
  if (simd) return ctx.adopt(simd.interleavePhases(phases, s, [n, h, w, ci]));
  const stacked = ctx.concat(phases.map((p) => p ?? ctx.constant([n, hq, wq, ci], new Float32Array(n * hq * wq * ci))), 3);
  const dx = ctx.depthToSpace(stacked, s); // [N, Hq*s, Wq*s, Ci]
  return hq * s === h && wq * s === w ? dx : ctx.slice(dx, [0, 0, 0, 0], [n, h, w, ci]);
}
