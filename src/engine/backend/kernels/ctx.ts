/**
 * A tiny toolkit for writing kernels out of other kernels of the same backend.
 *
 * It calls registered kernel functions directly (no engine, no tape, no tensors), so
 * the only bookkeeping is the backend's reference counts: every kernel output is one
 * reference, `release` drops each once, except the result handed back to the engine.
 * This sidesteps the makeTensorFromTensorInfo/incRef pitfall of composing with ops.
 */
import { tf } from '../../tf';

type TensorInfo = tf.TensorInfo;
type Pair = [number, number];

export class KernelCtx {
  private readonly temps: tf.DataId[] = [];

  constructor(
    private readonly backend: tf.KernelBackend,
    private readonly backendName: string,
  ) {}

  /** Runs a single-output kernel; the output is owned by this context until `release`. */
  run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): TensorInfo {
    const config = tf.getKernel(kernelName, this.backendName);
    if (!config) throw new Error(`Kernel '${kernelName}' is not registered for backend '${this.backendName}'`);
    const out = config.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new Error(`Kernel '${kernelName}' returned several outputs; expected one`);
    this.temps.push(out.dataId);
    return out;
  }

  /** A float32 tensor from values computed in JS (e.g. a rearranged filter). */
  constant(shape: number[], values: Float32Array): TensorInfo {
    const dataId = this.backend.write(values, shape, 'float32');
    this.temps.push(dataId);
    return { dataId, shape, dtype: 'float32' };
  }

  /** The values of a float32 tensor (synchronous on wasm and cpu). */
  read(t: TensorInfo): Float32Array {
    return this.backend.readSync(t.dataId) as Float32Array;
  }

  /** Takes ownership of an output made outside `run` (e.g. by our SIMD kernels). */
  adopt(t: TensorInfo): TensorInfo {
    this.temps.push(t.dataId);
    return t;
  }

  concat(xs: TensorInfo[], axis: number): TensorInfo {
    return this.run('Concat', xs as unknown as tf.NamedTensorInfoMap, { axis });
  }

  depthToSpace(x: TensorInfo, blockSize: number): TensorInfo {
    return this.run('DepthToSpace', { x }, { blockSize, dataFormat: 'NHWC' });
  }

  /** Same data, another shape: no copy and no extra reference (like a row-major reshape). */
  view(t: TensorInfo, shape: number[]): TensorInfo {
    const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
    if (size(t.shape) !== size(shape)) throw new Error(`Cannot view [${t.shape}] as [${shape}]`);
    return { dataId: t.dataId, shape, dtype: t.dtype };
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  pad(x: TensorInfo, paddings: Pair[]): TensorInfo {
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  reverse(x: TensorInfo, dims: number[]): TensorInfo {
    return this.run('Reverse', { x }, { dims });
  }

  sum(x: TensorInfo, axis: number): TensorInfo {
    return this.run('Sum', { x }, { axis: [axis], keepDims: false });
  }

  /** Stride-1 NHWC conv2d with explicit spatial padding and the given dilation. */
  conv2d(x: TensorInfo, filter: TensorInfo, pads: [Pair, Pair], dilations: Pair): TensorInfo {
    return this.run('Conv2D', { x, filter }, {
      strides: [1, 1],
      pad: [[0, 0], pads[0], pads[1], [0, 0]],
      dataFormat: 'NHWC',
      dilations,
    });
  }

  /** Stride-1 depthwise conv2d with explicit spatial padding and the given dilation. */
  depthwise(x: TensorInfo, filter: TensorInfo, pads: [Pair, Pair], dilations: Pair): TensorInfo {
    return this.run('DepthwiseConv2dNative', { x, filter }, {
      strides: [1, 1],
      pad: [[0, 0], pads[0], pads[1], [0, 0]],
      dilations,
    });
  }

  /**
   * Drops every intermediate; `keep` (if given) keeps one reference and becomes the
   * kernel's output. Call exactly once, in a finally block.
   */
  release(keep?: TensorInfo): void {
    let kept = keep === undefined;
    for (const id of this.temps) {
      if (!kept && keep !== undefined && id === keep.dataId) {
        kept = true;
        continue;
      }
      this.backend.disposeData(id);
    }
    this.temps.length = 0;
    if (!kept) throw new Error('Kernel result was not produced inside its context');
  }
}

/** Runs `body` with a fresh context and returns its result, freeing everything else. */
export function composeKernel(backend: tf.KernelBackend, backendName: string, body: (ctx: KernelCtx) => TensorInfo): TensorInfo {
  const ctx = new KernelCtx(backend, backendName);
  let out: TensorInfo | undefined;
  try {
    out = body(ctx);
    return out;
  } finally {
    ctx.release(out);
  }
}
