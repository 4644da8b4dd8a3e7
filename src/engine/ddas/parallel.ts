/**
 * Gradient passes on more than one core. The wasm backend runs one thread per instance,
 * so a DDAS step's J + 1 training passes (all at the same weights w) are shared between
 * the main thread and worker threads that each hold their own TensorFlow.js (worker.ts).
 *
 * The main thread stays synchronous (DdasSearch.step() is): it posts the work, runs its
 * own passes, then blocks on an Atomics counter the worker bumps after each reply and
 * takes the reply with receiveMessageOnPort. Each training pass is computed whole by one
 * instance of the same backend and kernels on bit-identical inputs, so its gradient
 * equals the single-thread one exactly. The val pass is split between the main thread
 * and the first worker with synchronised batch norm (pair-reduce.ts): deterministic, and
 * equal to the single-thread gradient up to float rounding (tested).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { InputShape } from '../nn';
import { tf, type BackendName } from '../tf';
import type { ModelChoice } from './options';
import type { ParamSet } from '../nn';
import { createReduceBuffer, PairReduce } from './pair-reduce';
import type { LossGradients } from './step';
import type { PassInput, WorkerInit, WorkerReply, WorkerRequest } from './worker';

/** 'auto': one thread per core, at most 2 (more would split J + 1 = 4 passes unevenly). */
export type ThreadsOption = number | 'auto';

const READY_TIMEOUT_MS = 60_000;
const REPLY_TIMEOUT_MS = 600_000;
/** After a failed split pass: the worker fails too once its barrier wait (pair-reduce.ts) times out. */
const SPLIT_ABORT_WAIT_MS = 150_000;

/** The worker script: bundled next to the engine, or the TypeScript source (tsx in dev). */
function workerScript(): { file: string; hook?: string } | undefined {
  const bundled = path.join(__dirname, 'ddas-worker.js');
  if (fs.existsSync(bundled)) return { file: bundled };
  const source = path.join(__dirname, 'worker.ts');
  if (!fs.existsSync(source)) return undefined;
  try {
    return { file: source, hook: require.resolve('tsx/cjs') };
  } catch {
    return undefined;
  }
}

/**
 * A CommonJS bootstrap, so a script that fails to load still answers (the main thread
 * is blocked waiting and would not see the worker's 'error' event).
 */
function bootstrap(script: { file: string; hook?: string }): string {
  const hook = script.hook ? `require(${JSON.stringify(script.hook)});` : '';
  return [
    "const { workerData } = require('node:worker_threads');",
    `try { ${hook} require(${JSON.stringify(script.file)}); } catch (e) {`,
    "  workerData.port.postMessage({ kind: 'error', message: String((e && e.message) || e) });",
    '  const f = new Int32Array(workerData.signal); Atomics.add(f, 0, 1); Atomics.notify(f, 0);',
    '}',
  ].join('\n');
}

/** How many instances a step should use: 1 unless the backend is wasm and cores allow. */
export function resolveThreads(threads: ThreadsOption, backend: string): number {
  if (threads === 'auto') return backend === 'wasm' ? Math.max(1, Math.min(2, os.availableParallelism())) : 1;
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`DDAS option threads must be a whole number >= 1 or 'auto' (got ${threads})`);
  return threads;
}

class GradientWorker {
  private readonly flag: Int32Array;
  private seen = 0;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    signal: SharedArrayBuffer,
  ) {
    this.flag = new Int32Array(signal);
  }

  static start(model: ModelChoice, input: InputShape, backend: BackendName): GradientWorker {
    const script = workerScript();
    if (!script) throw new Error('the gradient worker script is missing');
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    const init: WorkerInit = { ddasGradientWorker: true, model, input, backend, port: port2, signal };
    const worker = new Worker(bootstrap(script), { eval: true, execArgv: [], workerData: init, transferList: [port2] });
    worker.unref();
    // Failures reach the main thread as 'error' replies; this keeps the event from throwing.
    worker.on('error', () => undefined);
    port1.unref();
    const w = new GradientWorker(worker, port1, signal);
    const ready = w.receive(READY_TIMEOUT_MS);
    if (ready.kind !== 'ready') {
      void worker.terminate();
      throw new Error(ready.kind === 'error' ? ready.message : 'unexpected reply');
    }
    return w;
  }

  post(req: WorkerRequest): void {
    const images = req.kind === 'grads' ? req.passes.map((p) => p.x.buffer as ArrayBuffer) : [req.part.x.buffer as ArrayBuffer];
    this.worker.postMessage(req, [req.weights.buffer as ArrayBuffer, ...images]);
  }

  /** Blocks until the next reply. */
  receive(timeoutMs = REPLY_TIMEOUT_MS): WorkerReply {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (got) {
        this.seen++;
        return got.message as WorkerReply;
      }
      const now = Date.now();
      if (now >= deadline) throw new Error('the gradient worker did not answer (it may have crashed)');
      Atomics.wait(this.flag, 0, this.seen, Math.min(1000, deadline - now));
    }
  }

  dispose(): void {
    this.port.close();
    void this.worker.terminate();
  }
}

export interface PassResult {
  /** One tensor per parameter, in the ParamSet's order (the caller disposes). */
  readonly grads: tf.Tensor[];
}

/** Contiguous shares of `n` passes over `k` instances, the main thread's first. */
export function shares(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, i) => Math.floor(((i + 1) * n) / k) - Math.floor((i * n) / k));
}

/**
 * Main thread + (threads - 1) workers. `run` computes passes [0, mine) in the main
 * thread with `local` and the rest in the workers, and returns every pass's gradients
 * in order.
 */
export class GradientPool {
  private readonly reduce = createReduceBuffer();

  private constructor(private readonly workers: GradientWorker[]) {}

  static start(threads: number, model: ModelChoice, input: InputShape, backend: BackendName): GradientPool {
    const workers: GradientWorker[] = [];
    try {
      for (let i = 1; i < threads; i++) workers.push(GradientWorker.start(model, input, backend));
    } catch (e) {
      for (const w of workers) w.dispose();
      throw e;
    }
    return new GradientPool(workers);
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  run(weights: Float32Array, shapes: readonly (readonly number[])[], passes: readonly tf.Tensor4D[], labels: tf.Tensor1D, local: (x: tf.Tensor4D, index: number) => tf.Tensor[]): tf.Tensor[][] {
    const split = shares(passes.length, this.threads);
    const labelData = labels.dataSync() as Int32Array;
    let at = split[0];
    const posted: { worker: GradientWorker; count: number }[] = [];
    this.workers.forEach((worker, i) => {
      const count = split[i + 1];
      if (count === 0) return;
      const inputs: PassInput[] = passes.slice(at, at + count).map((x) => ({ x: Float32Array.from(x.dataSync() as Float32Array), shape: x.shape, labels: labelData.slice() }));
      worker.post({ kind: 'grads', weights: weights.slice(), passes: inputs });
      posted.push({ worker, count });
      at += count;
    });
    const out: tf.Tensor[][] = [];
    let received = 0;
    try {
      for (let i = 0; i < split[0]; i++) out.push(local(passes[i], i));
      for (const { worker } of posted) {
        const r = worker.receive();
        received++;
        if (r.kind === 'error') throw new Error(`gradient worker: ${r.message}`);
        if (r.kind !== 'grads') throw new Error('gradient worker: unexpected reply');
        for (const flat of r.grads) out.push(unflatGrads(flat, shapes));
      }
    } catch (e) {
      for (const g of out) tf.dispose(g);
      // Take the replies still owed so the next step starts in sync.
      for (const { worker } of posted.slice(received)) {
        try {
          worker.receive();
        } catch {
          // A dead worker owes nothing; the error below says what failed.
        }
      }
      throw e;
    }
    return out;
  }

  /**
   * A mean-loss gradient pass over `x` split between the main thread (the first half,
   * with `local`) and the first worker (the rest), with batch norm synchronised across
   * the two: the same gradient as one pass over the whole batch, up to float rounding
   * (sums are taken in another order), and deterministic. Returns the summed result.
   */
  splitMeanGradients(weights: ParamSet, x: tf.Tensor4D, labels: tf.Tensor1D, local: (x: tf.Tensor4D, labels: tf.Tensor1D, sync: PairReduce) => LossGradients): LossGradients {
    const n = x.shape[0];
    const mine = shares(n, 2)[0];
    const worker = this.workers[0];
    const [xs, ys] = [tf.split(x, [mine, n - mine]), tf.split(labels, [mine, n - mine])];
    try {
      PairReduce.reset(this.reduce);
      const part: PassInput = { x: Float32Array.from(xs[1].dataSync() as Float32Array), shape: xs[1].shape as [number, number, number, number], labels: Int32Array.from(ys[1].dataSync() as Int32Array) };
      worker.post({ kind: 'split', weights: weights.flatten(), part, total: n, reduce: this.reduce });
      let own: LossGradients;
      try {
        own = local(xs[0] as tf.Tensor4D, ys[0] as tf.Tensor1D, new PairReduce(this.reduce, 0, n));
      } catch (e) {
        // Take the worker's (failed) answer so the next request starts in sync; a dead
        // worker owes none, and the error to report is this one.
        try {
          worker.receive(SPLIT_ABORT_WAIT_MS);
        } catch {
          // nothing more to take
        }
        throw e;
      }
      const r = worker.receive();
      if (r.kind !== 'split') {
        tf.dispose(own.grads);
        throw new Error(`gradient worker: ${r.kind === 'error' ? r.message : 'unexpected reply'}`);
      }
      const theirs = unflatGrads(r.grads, weights.specs.map((s) => s.shape));
      const grads = own.grads.map((g, i) => tf.add(g, theirs[i]));
      tf.dispose([...own.grads, ...theirs]);
      return { grads, loss: own.loss + r.loss, correct: own.correct + r.correct };
    } finally {
      tf.dispose([...xs, ...ys]);
    }
  }

  dispose(): void {
    for (const w of this.workers) w.dispose();
  }
}

function unflatGrads(flat: Float32Array, shapes: readonly (readonly number[])[]): tf.Tensor[] {
  let at = 0;
  return shapes.map((s) => {
    const n = s.reduce((a, b) => a * b, 1);
    const t = tf.tensor(flat.subarray(at, at + n), [...s], 'float32');
    at += n;
    return t;
  });
}
