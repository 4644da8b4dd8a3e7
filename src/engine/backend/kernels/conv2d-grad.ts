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
    if (sH === sW && sH > 1 && (kh > 1 || kw > 1)) {
      return composeKernel(backend as tf.KernelBackend, backendName, (ctx) => polyphaseInputGrad(ctx, dy, filter, g));
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

/**
 * Taps of one spatial axis for the polyphase input gradient: output row s*q + r
 * receives sum_u dyPad[q + u] * w[taps[r][u]] (-1 = no tap), where dyPad is dy with
 * `before` rows of zeros in front.
 */
function phaseTaps(k: number, s: number, padBefore: number): { taps: number[][]; before: number; length: number } {
  const lo = (r: number): number => Math.ceil((-r - padBefore) / s);
  const hi = (r: number): number => Math.floor((k - 1 - r - padBefore) / s);
  const rs = Array.from({ length: s }, (_, r) => r);
  const mHi = Math.max(...rs.map(hi));
  const length = mHi - Math.min(...rs.map(lo)) + 1;
  const taps = rs.map((r) =>
    Array.from({ length }, (_, u) => {
      const i = s * (mHi - u) + r + padBefore;
      return i >= 0 && i < k ? i : -1;
    }),
  );
  return { taps, before: mHi, length };
}

/**
 * Input gradient of a stride-s conv without the zero-dilated dy (3 of 4 of whose
 * entries are zeros at s = 2): each of the s*s output phases is a stride-1 correlation
 * of dy itself with a sub-filter of the taps that reach it. All phases run as ONE conv
 * whose filter stacks them on the output channels, and DepthToSpace interleaves them.
 */
function polyphaseInputGrad(ctx: KernelCtx, dy: tf.TensorInfo, filter: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo {
  const [kh, kw, ci, co] = g.filter;
  const [n, h, w] = g.x;
  const [, ho, wo] = g.out;
  const s = g.stride[0];
  const th = phaseTaps(kh, s, g.padTop);
  const tw = phaseTaps(kw, s, g.padLeft);
  const hq = Math.ceil(h / s);
  const wq = Math.ceil(w / s);
  // Combined filter [Lh, Lw, Co, s*s*Ci]: phase (rh, rw) owns channels (rh*s + rw)*Ci + c.
  const wv = ctx.read(filter);
  const oc = s * s * ci;
  const f = new Float32Array(th.length * tw.length * co * oc);
  for (let rh = 0; rh < s; rh++) {
    for (let rw = 0; rw < s; rw++) {
      const base = (rh * s + rw) * ci;
      for (let uh = 0; uh < th.length; uh++) {
        const i = th.taps[rh][uh];
        if (i < 0) continue;
        for (let uw = 0; uw < tw.length; uw++) {
          const j = tw.taps[rw][uw];
          if (j < 0) continue;
          for (let c = 0; c < ci; c++) {
            for (let o = 0; o < co; o++) f[((uh * tw.length + uw) * co + o) * oc + base + c] = wv[((i * kw + j) * ci + c) * co + o];
          }
        }
      }
    }
  }
  const combined = ctx.constant([th.length, tw.length, co, oc], f);
  const { t, pads } = padOrCrop(ctx, dy, padFor(ho, th.length, hq, th.before), padFor(wo, tw.length, wq, tw.before));
  const phases = ctx.conv2d(t, combined, pads, [1, 1]); // [N, Hq, Wq, s*s*Ci]
  const dx = ctx.depthToSpace(phases, s); // [N, Hq*s, Wq*s, Ci]
  return hq * s === h && wq * s === w ? dx : ctx.slice(dx, [0, 0, 0, 0], [n, h, w, ci]);
}
