/**
 * A batch's augmentation as data: for every image, up to `steps` ops with their
 * parameters and positions, all drawn beforehand. `runProgram` executes it image by
 * image with the byte ops of the op table; kernel.ts wraps it as one TensorFlow.js op.
 */
import { OP_NAMES, opParameter, type OpName } from '../../shared/ops';
import type { ImagePlan } from '../../shared/sampler';
import { scratchBytes, type Frame } from './image';
import { IMAGE_OPS } from './table';

export interface ProgramOptions {
  /** Gray level for pixels geometric ops leave uncovered (default 0). */
  readonly fill?: number;
  readonly interpolation?: 'nearest' | 'bilinear';
}

export interface Program {
  readonly images: number;
  readonly steps: number;
  /** images x steps op indices into OP_NAMES (Identity where an image has fewer steps). */
  readonly ops: Uint8Array;
  /** images x steps parameters as `opParameter` computes them. */
  readonly params: Float64Array;
  /** images x steps x 2 position uniforms. */
  readonly positions: Float32Array;
  readonly fill: number;
  readonly interpolation: 'nearest' | 'bilinear';
}

const IDENTITY = OP_NAMES.indexOf('Identity');
const OP_INDEX = new Map<OpName, number>(OP_NAMES.map((op, i) => [op, i]));

function emptyProgram(images: number, steps: number, options: ProgramOptions): Program {
  const fill = Math.min(255, Math.max(0, Math.round(options.fill ?? 0)));
  return {
    images,
    steps,
    ops: new Uint8Array(images * steps).fill(IDENTITY),
    params: new Float64Array(images * steps),
    positions: new Float32Array(images * steps * 2),
    fill,
    interpolation: options.interpolation ?? 'nearest',
  };
}

/** The program applying each image's plan (parameters for images of this size). */
export function programFromPlans(plans: readonly ImagePlan[], size: { width: number; height: number }, options: ProgramOptions = {}): Program {
  const steps = plans.reduce((m, p) => Math.max(m, p.length), 0);
  const program = emptyProgram(plans.length, steps, options);
  plans.forEach((plan, i) => {
    plan.forEach((a, t) => {
      const k = i * steps + t;
      program.ops[k] = OP_INDEX.get(a.op) ?? IDENTITY;
      program.params[k] = a.level ?? opParameter(a.op, a.magnitude, a.sign, size);
      program.positions[2 * k] = a.position[0];
      program.positions[2 * k + 1] = a.position[1];
    });
  });
  return program;
}

/** One op on every image, with per-image parameters and positions (u, v pairs). */
export function programForOp(op: OpName, params: Float64Array, positions: Float32Array, options: ProgramOptions = {}): Program {
  const n = params.length;
  if (op === 'Cutout' && positions.length < 2 * n) throw new RangeError(`Cutout: ${positions.length / 2} positions for ${n} images`);
  const program = emptyProgram(n, 1, options);
  program.ops.fill(OP_INDEX.get(op) ?? IDENTITY);
  program.params.set(params);
  program.positions.set(positions.subarray(0, Math.min(positions.length, 2 * n)));
  return program;
}

function checkSizes(program: Program, frame: Frame, src: ArrayLike<number>, dst: ArrayLike<number>): number {
  const size = frame.width * frame.height * frame.channels;
  if (src.length !== program.images * size || dst.length !== src.length) {
    throw new RangeError(`augmentation program for ${program.images} images of ${frame.height}x${frame.width}x${frame.channels} got ${src.length} values`);
  }
  return size;
}

/** Whether image i has any op to run. */
function hasOps(program: Program, i: number): boolean {
  for (let k = i * program.steps; k < (i + 1) * program.steps; k++) if (program.ops[k] !== IDENTITY) return true;
  return false;
}

/**
 * Runs image i's ops on its bytes, loaded in `a`, using `b` as the second buffer;
 * returns the buffer holding the result.
 */
function runImage(program: Program, i: number, frame: Frame, a: Uint8Array, b: Uint8Array): Uint8Array {
  const ctx = { u: 0, v: 0, fill: program.fill, interpolation: program.interpolation };
  let cur = a;
  let next = b;
  for (let k = i * program.steps; k < (i + 1) * program.steps; k++) {
    const code = program.ops[k];
    if (code === IDENTITY) continue;
    ctx.u = program.positions[2 * k];
    ctx.v = program.positions[2 * k + 1];
    IMAGE_OPS[OP_NAMES[code]](cur, next, frame, program.params[k], ctx);
    const done = next;
    next = cur;
    cur = done;
  }
  return cur;
}

/** Runs the program over a uint8 NHWC batch from `src` into `dst` (distinct arrays). */
export function runProgram(program: Program, frame: Frame, src: Uint8Array, dst: Uint8Array): void {
  const size = checkSizes(program, frame, src, dst);
  const a = scratchBytes('program-a', size);
  const b = scratchBytes('program-b', size);
  for (let i = 0, at = 0; i < program.images; i++, at += size) {
    const image = src.subarray(at, at + size);
    if (!hasOps(program, i)) {
      dst.set(image, at);
      continue;
    }
    a.set(image);
    dst.set(runImage(program, i, frame, a, b), at);
  }
}

/**
 * The same over float32 values (whole numbers in [0, 255], as tfjs holds images).
 * Kept apart from the uint8 version so each loop sees one array type (V8 slows down
 * element access that sees several).
 */
export function runProgramOnFloats(program: Program, frame: Frame, src: Float32Array, dst: Float32Array): void {
  const size = checkSizes(program, frame, src, dst);
  const a = scratchBytes('program-a', size);
  const b = scratchBytes('program-b', size);
  for (let i = 0, at = 0; i < program.images; i++, at += size) {
    if (!hasOps(program, i)) {
      dst.set(src.subarray(at, at + size), at);
      continue;
    }
    // Clipped: a plain store of an out-of-range float would wrap modulo 256.
    for (let j = 0; j < size; j++) {
      const v = src[at + j];
      a[j] = v <= 0 ? 0 : v >= 255 ? 255 : v;
    }
    const out = runImage(program, i, frame, a, b);
    for (let j = 0; j < size; j++) dst[at + j] = out[j];
  }
}
