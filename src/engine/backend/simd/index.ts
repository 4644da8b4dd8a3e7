/**
 * Our own wasm SIMD kernels (assembly/kernels.ts), for what XNNPACK does not do well
 * through tfjs: the Conv2D filter gradient as one direct reduction (instead of a
 * forward conv whose "filter" is the whole dy, repacked on every call), the
 * interleaving of a strided conv's input-gradient phases (tfjs-wasm's DepthToSpace is
 * a slow element loop), and batch norm's full-size passes.
 *
 * The module imports the tfjs wasm backend's memory, so kernels read and write
 * tensors in place: one instance per backend heap. Set DDAS_WASM_SIMD_KERNELS=off to
 * use the composed kernels instead (for A/B benchmarks, or to rule these out).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../../tf';
import type { ConvGeometry } from '../kernels/geometry';
import { SIMD_KERNELS_WASM } from './kernels.wasm';

/** The module's exports; every pointer is a byte offset in the tfjs heap. */
interface Exports {
  conv2dFilterGrad(
    x: number, dy: number, dw: number,
    n: number, h: number, w: number, ci: number,
    ho: number, wo: number, co: number,
    kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number,
  ): void;
  interleavePhase(x: number, out: number, n: number, hq: number, wq: number, c: number, s: number, rh: number, rw: number, h: number, w: number): void;
  channelSums(x: number, out: number, rows: number, c: number, centre: number): void;
  gradSums(dy: number, x: number, out: number, rows: number, c: number): void;
  channelAffine(u: number, a: number, v: number, b: number, shift: number, out: number, rows: number, c: number): void;
}

/** Kernels on [..., C] tensors: batch norm's passes (see BnOps in nn/layers.ts). */
export const BN_KERNELS = {
  /** x [..., C] (and optional centre [C]) -> [C]: sums of x, or of (x - centre)^2. */
  channelSums: 'DdasChannelSums',
  /** dy, x [..., C] -> [2C]: sums of dy, then of dy * x. */
  gradSums: 'DdasGradSums',
  /** u [..., C], a [C], shift [C] (and optional v [..., C], b [C]) -> u*a (+ v*b) + shift. */
  channelAffine: 'DdasChannelAffine',
} as const;

export class SimdKernels {
  constructor(
    private readonly backend: BackendWasm,
    private readonly fns: Exports,
  ) {}

  /** Where `t`'s values start in the heap; the kernels only read and write float32. */
  private offset(t: tf.TensorInfo): number {
    if (t.dtype !== 'float32') throw new Error(`DDAS SIMD kernels take float32 tensors, got ${t.dtype}`);
    return this.backend.dataIdMap.get(t.dataId).memoryOffset;
  }

  /** dW [kh, kw, Ci, Co] of a dilation-1 NHWC conv; Co must pass `channelsFit`. */
  conv2dFilterGrad(x: tf.TensorInfo, dy: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo {
    const [kh, kw, ci, co] = g.filter;
    const [n, h, w] = g.x;
    const [, ho, wo] = g.out;
    if (!SimdKernels.channelsFit(co)) throw new Error(`conv2dFilterGrad: ${co} output channels is not a multiple of 4`);
    const out = this.backend.makeOutput([kh, kw, ci, co], 'float32');
    this.fns.conv2dFilterGrad(this.offset(x), this.offset(dy), this.offset(out), n, h, w, ci, ho, wo, co, kh, kw, g.stride[0], g.stride[1], g.padTop, g.padLeft);
    return out;
  }

  /**
   * The input gradient [N, H, W, C] of a stride-s conv from its s*s phases: phase
   * (rh, rw) is [N, ceil(H/s), ceil(W/s), C] and holds rows s*q + rh, columns s*p + rw
   * (undefined: zeros).
   */
  interleavePhases(phases: readonly (tf.TensorInfo | undefined)[], s: number, shape: readonly number[]): tf.TensorInfo {
    const [n, h, w, c] = shape;
    const hq = Math.ceil(h / s);
    const wq = Math.ceil(w / s);
    if (phases.length !== s * s) throw new Error(`interleavePhases: ${phases.length} phases for stride ${s}`);
    const out = this.backend.makeOutput([n, h, w, c], 'float32');
    phases.forEach((p, i) => {
      if (p && (p.shape[1] !== hq || p.shape[2] !== wq || p.shape[3] !== c)) throw new Error(`interleavePhases: phase ${i} is [${p.shape}], expected [${n},${hq},${wq},${c}]`);
      this.fns.interleavePhase(p ? this.offset(p) : 0, this.offset(out), n, hq, wq, c, s, Math.floor(i / s), i % s, h, w);
    });
    return out;
  }

  /** Whether the channel-tiled kernels (filter gradient outputs, batch norm) take this many channels: they work 4 at a time. */
  static channelsFit(c: number): boolean {
    return c % 4 === 0;
  }

  channelSums(x: tf.TensorInfo, centre?: tf.TensorInfo): tf.TensorInfo {
    const c = channelsOf(x);
    const out = this.backend.makeOutput([c], 'float32');
    this.fns.channelSums(this.offset(x), this.offset(out), rowsOf(x), c, centre ? this.offset(centre) : 0);
    return out;
  }

  gradSums(dy: tf.TensorInfo, x: tf.TensorInfo): tf.TensorInfo {
    const c = channelsOf(x);
    const out = this.backend.makeOutput([2 * c], 'float32');
    this.fns.gradSums(this.offset(dy), this.offset(x), this.offset(out), rowsOf(x), c);
    return out;
  }

  channelAffine(u: tf.TensorInfo, a: tf.TensorInfo, shift: tf.TensorInfo, v?: tf.TensorInfo, b?: tf.TensorInfo): tf.TensorInfo {
    const out = this.backend.makeOutput(u.shape, 'float32');
    const [vp, bp] = v && b ? [this.offset(v), this.offset(b)] : [0, 0];
    this.fns.channelAffine(this.offset(u), this.offset(a), vp, bp, this.offset(shift), this.offset(out), rowsOf(u), channelsOf(u));
    return out;
  }
}

const channelsOf = (t: tf.TensorInfo): number => t.shape[t.shape.length - 1];
const rowsOf = (t: tf.TensorInfo): number => t.shape.slice(0, -1).reduce((a, b) => a * b, 1);

/** The compiled module; null once compiling failed (a runtime without wasm SIMD). */
let compiled: WebAssembly.Module | null | undefined;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

/** The tfjs heap, which Emscripten keeps as the module's exported memory. */
function heapOf(backend: BackendWasm): WebAssembly.Memory | undefined {
  const asm = (backend.wasm as { asm?: { memory?: unknown } }).asm;
  return asm?.memory instanceof WebAssembly.Memory ? asm.memory : undefined;
}

export function simdKernelsDisabled(): boolean {
  return /^(0|off|false|no)$/i.test(process.env.DDAS_WASM_SIMD_KERNELS ?? '');
}

/**
 * Our kernels on this wasm backend's heap, or undefined when they are switched off,
 * the heap is not reachable (another tfjs build) or the runtime lacks wasm SIMD:
 * callers then use composed kernels.
 */
export function simdKernels(backend: tf.KernelBackend): SimdKernels | undefined {
  if (simdKernelsDisabled()) return undefined;
  const wasmBackend = backend as BackendWasm;
  const memory = heapOf(wasmBackend);
  if (!memory) return undefined;
  let kernels = instances.get(memory);
  if (!kernels) {
    if (compiled === undefined) {
      try {
        compiled = new WebAssembly.Module(Buffer.from(SIMD_KERNELS_WASM, 'base64'));
      } catch {
        compiled = null;
      }
    }
    if (!compiled) return undefined;
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    kernels = new SimdKernels(wasmBackend, instance.exports as unknown as Exports);
    instances.set(memory, kernels);
  }
  return kernels;
}

/** Registers the BN_KERNELS on the wasm backend (they run only where `simdKernels` does). */
export function registerSimdBatchNormKernels(): void {
  const on = (backend: tf.KernelBackend): SimdKernels => {
    const k = simdKernels(backend);
    if (!k) throw new Error('DDAS batch norm kernels need the wasm SIMD kernels, which are unavailable or switched off');
    return k;
  };
  const defs: [string, tf.KernelFunc][] = [
    [BN_KERNELS.channelSums, ({ inputs, backend }) => on(backend as tf.KernelBackend).channelSums(inputs.x as tf.TensorInfo, inputs.centre)],
    [BN_KERNELS.gradSums, ({ inputs, backend }) => on(backend as tf.KernelBackend).gradSums(inputs.dy as tf.TensorInfo, inputs.x as tf.TensorInfo)],
    [
      BN_KERNELS.channelAffine,
      ({ inputs, backend }) => on(backend as tf.KernelBackend).channelAffine(inputs.u as tf.TensorInfo, inputs.a as tf.TensorInfo, inputs.shift as tf.TensorInfo, inputs.v, inputs.b),
    ],
  ];
  for (const [kernelName, kernelFunc] of defs) {
    if (!tf.getKernel(kernelName, 'wasm')) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}
