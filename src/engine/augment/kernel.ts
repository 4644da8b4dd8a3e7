/**
 * The augmentation program as one TensorFlow.js kernel, `DdasAugment`: a whole batch in
 * one dispatch, on any backend. wasm reads and writes its heap in place; the other
 * backends go through readSync / write (one copy each way).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { OP_NAMES, type OpName } from '../../shared/ops';
import { tf } from '../tf';
import { programForOp, runProgramOnFloats, type Program } from './program';
import type { BatchOp, ImageBatch } from './types';

const KERNEL = 'DdasAugment';

interface AugmentAttrs {
  readonly program: Program;
}

const augmentKernel: tf.KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as tf.KernelBackend;
  const x = inputs.x as tf.TensorInfo;
  const { program } = attrs as unknown as AugmentAttrs;
  const [n, height, width, channels] = x.shape;
  if (x.shape.length !== 4 || x.dtype !== 'float32') throw new TypeError(`${KERNEL}: needs a float32 NHWC batch, got ${x.dtype} [${x.shape.join(', ')}]`);
  if (n !== program.images) throw new RangeError(`${KERNEL}: a program for ${program.images} images on a batch of ${n}`);
  const frame = { width, height, channels };
  if (tf.getBackend() === 'wasm') {
    const wasm = backend as BackendWasm;
    const out = wasm.makeOutput(x.shape, 'float32');
    // Views taken after makeOutput, which may grow (and move) the heap.
    runProgramOnFloats(program, frame, wasm.typedArrayFromHeap(x) as Float32Array, wasm.typedArrayFromHeap(out) as Float32Array);
    return out;
  }
  const src = backend.readSync(x.dataId) as Float32Array;
  const dst = new Float32Array(src.length);
  runProgramOnFloats(program, frame, src, dst);
  return { dataId: backend.write(dst, x.shape, 'float32'), shape: x.shape, dtype: 'float32' };
};

function ensureRegistered(backendName: string): void {
  if (!tf.getKernel(KERNEL, backendName)) tf.registerKernel({ kernelName: KERNEL, backendName, kernelFunc: augmentKernel });
}

/** Runs the program over the batch as one kernel call; the input is left as it is. */
export function runAugmentKernel(images: ImageBatch, program: Program): ImageBatch {
  ensureRegistered(tf.getBackend());
  const attrs: AugmentAttrs = { program };
  return tf.engine().runKernel(KERNEL, { x: images }, attrs as unknown as tf.NamedAttrMap);
}

function batchOp(op: OpName): BatchOp {
  return (images, params, ctx) => {
    if (params.length !== images.shape[0]) throw new RangeError(`${op}: ${params.length} parameters for a batch of ${images.shape[0]} images`);
    return runAugmentKernel(images, programForOp(op, params, ctx.positions, ctx));
  };
}

/** Every catalog op over a whole batch, with a parameter (and position) per image. */
export const BATCH_OPS = Object.fromEntries(OP_NAMES.map((op) => [op, batchOp(op)])) as Readonly<Record<OpName, BatchOp>>;
