/**
 * Named network parameters: the trainable weights and the non-trainable buffers (batch
 * norm running statistics) of a proxy net, held as tf.Variables in a fixed order so
 * gradient lists line up with them, and serialisable to plain arrays for checkpoints.
 */
import type { Rng } from '../../shared/rng';
import { tf } from '../tf';

/** How a parameter starts. He-normal uses the fan-in (kh * kw * in-channels). */
export type ParamInit = { kind: 'zeros' } | { kind: 'ones' } | { kind: 'he-normal'; fanIn: number };

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: ParamInit;
}

/** The tensors a net's forward pass reads, by name. */
export type Params = Readonly<Record<string, tf.Tensor>>;

/** One tensor as plain data: what a checkpoint stores. */
export interface StoredTensor {
  readonly name: string;
  readonly shape: readonly number[];
  /** Little-endian float32 bytes, base64. */
  readonly data: string;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Standard normal by Box-Muller from the seeded stream (same weights on every backend). */
function normal(rng: Rng): number {
  const u = 1 - rng.uniform(); // (0, 1]: log is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.uniform());
}

export function initialValues(spec: ParamSpec, rng: Rng): Float32Array {
  const out = new Float32Array(sizeOf(spec.shape));
  switch (spec.init.kind) {
    case 'zeros':
      break;
    case 'ones':
      out.fill(1);
      break;
    case 'he-normal': {
      const std = Math.sqrt(2 / spec.init.fanIn);
      for (let i = 0; i < out.length; i++) out[i] = normal(rng) * std;
      break;
    }
  }
  return out;
}

export function encodeFloats(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

export function decodeFloats(data: string, expected?: number): Float32Array {
  const bytes = Buffer.from(data, 'base64');
  if (bytes.byteLength % 4 !== 0) throw new RangeError(`stored tensor has ${bytes.byteLength} bytes, not a multiple of 4`);
  // Copy into a fresh buffer: Buffer pools are not 4-byte aligned.
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  if (expected !== undefined && out.length !== expected) throw new RangeError(`stored tensor has ${out.length} values, expected ${expected}`);
  return out;
}

/** An ordered set of named variables. */
export class ParamSet {
  private constructor(
    readonly specs: readonly ParamSpec[],
    readonly variables: readonly tf.Variable[],
  ) {}

  static create(specs: readonly ParamSpec[], rng: Rng, trainable = true): ParamSet {
    return ParamSet.fromValues(specs, specs.map((s) => initialValues(s, rng)), trainable);
  }

  static fromValues(specs: readonly ParamSpec[], values: readonly Float32Array[], trainable = true): ParamSet {
    const names = new Set<string>();
    for (const s of specs) {
      if (names.has(s.name)) throw new Error(`parameter ${s.name} is declared twice`);
      names.add(s.name);
    }
    if (values.length !== specs.length) throw new RangeError(`${values.length} values for ${specs.length} parameters`);
    const variables = specs.map((s, i) => {
      if (values[i].length !== sizeOf(s.shape)) throw new RangeError(`${s.name}: ${values[i].length} values for shape [${s.shape.join(', ')}]`);
      return tf.tidy(() => tf.variable(tf.tensor(values[i], [...s.shape], 'float32'), trainable, undefined, 'float32'));
    });
    return new ParamSet(specs, variables);
  }

  /** The variables by name, for a forward pass at the current values. */
  get params(): Params {
    return this.bind(this.variables);
  }

  /** The same names bound to other tensors (e.g. the arguments tf.grads passes in). */
  bind(tensors: readonly tf.Tensor[]): Params {
    if (tensors.length !== this.specs.length) throw new RangeError(`${tensors.length} tensors for ${this.specs.length} parameters`);
    const out: Record<string, tf.Tensor> = {};
    this.specs.forEach((s, i) => (out[s.name] = tensors[i]));
    return out;
  }

  get count(): number {
    return this.specs.reduce((n, s) => n + sizeOf(s.shape), 0);
  }

  /** Overwrites every variable (same order); the caller keeps ownership of `tensors`. */
  assign(tensors: readonly tf.Tensor[]): void {
    if (tensors.length !== this.variables.length) throw new RangeError(`${tensors.length} tensors for ${this.variables.length} parameters`);
    this.variables.forEach((v, i) => v.assign(tensors[i]));
  }

  /** All values, concatenated in order. */
  flatten(): Float32Array {
    const out = new Float32Array(this.count);
    let at = 0;
    for (const v of this.variables) {
      const data = v.dataSync() as Float32Array;
      out.set(data, at);
      at += data.length;
    }
    return out;
  }

  /** Inverse of flatten(). */
  unflatten(values: Float32Array): void {
    if (values.length !== this.count) throw new RangeError(`${values.length} values for ${this.count} parameters`);
    let at = 0;
    this.specs.forEach((s, i) => {
      const n = sizeOf(s.shape);
      const slice = values.subarray(at, at + n);
      tf.tidy(() => this.variables[i].assign(tf.tensor(slice, [...s.shape], 'float32')));
      at += n;
    });
  }

  toStored(): StoredTensor[] {
    return this.specs.map((s, i) => ({ name: s.name, shape: [...s.shape], data: encodeFloats(this.variables[i].dataSync() as Float32Array) }));
  }

  /** Restores values saved by toStored(); names and shapes must match the specs. */
  loadStored(stored: readonly StoredTensor[]): void {
    const byName = new Map(stored.map((t) => [t.name, t]));
    if (byName.size !== this.specs.length) throw new RangeError(`checkpoint holds ${byName.size} tensors, the net has ${this.specs.length}`);
    this.specs.forEach((s, i) => {
      const t = byName.get(s.name);
      if (!t) throw new RangeError(`checkpoint has no tensor ${s.name}`);
      if (t.shape.join(',') !== s.shape.join(',')) throw new RangeError(`${s.name}: checkpoint shape [${t.shape.join(', ')}], net shape [${s.shape.join(', ')}]`);
      const values = decodeFloats(t.data, sizeOf(s.shape));
      tf.tidy(() => this.variables[i].assign(tf.tensor(values, [...s.shape], 'float32')));
    });
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
