/**
 * Gradient worker (a worker_threads entry): its own TensorFlow.js, backend and training
 * kernels, so a DDAS step's independent gradient passes run on another core (the wasm
 * backend is single-threaded in Node). It computes exactly what `lossGradients` computes
 * in the main thread, on the weights and images it is sent, and hands back flat
 * float32 gradients. Protocol: see parallel.ts.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { registerTrainingKernels, registerWasmTrainingKernels } from '../backend/kernels';
import { ParamSet, type InputShape, type ProxyNet } from '../nn';
import { tf, useBackend, type BackendName } from '../tf';
import { Rng } from '../../shared/rng';
import { netFor, type ModelChoice } from './options';
import { PairReduce } from './pair-reduce';
import { lossGradients } from './step';

export interface WorkerInit {
  readonly ddasGradientWorker: true;
  readonly model: ModelChoice;
  readonly input: InputShape;
  readonly backend: BackendName;
  /** Replies go here; the main thread reads them synchronously. */
  readonly port: MessagePort;
  /** Int32 counter bumped (and notified) after every reply. */
  readonly signal: SharedArrayBuffer;
}

export interface PassInput {
  readonly x: Float32Array;
  readonly shape: [number, number, number, number];
  readonly labels: Int32Array;
}

export interface GradRequest {
  readonly kind: 'grads';
  readonly weights: Float32Array;
  readonly passes: readonly PassInput[];
}

/** This worker's part of a mean-loss pass over `total` images, with synchronised batch norm. */
export interface SplitRequest {
  readonly kind: 'split';
  readonly weights: Float32Array;
  readonly part: PassInput;
  readonly total: number;
  /** The PairReduce buffer shared with the main thread (this worker is party 1). */
  readonly reduce: SharedArrayBuffer;
}

export type WorkerRequest = GradRequest | SplitRequest;

export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'grads'; grads: Float32Array[]; losses: number[] }
  | { kind: 'split'; grads: Float32Array; loss: number; correct: number }
  | { kind: 'error'; message: string };

/** The gradients of one pass, concatenated in parameter order. */
function flatGradients(grads: readonly tf.Tensor[], count: number): Float32Array {
  const out = new Float32Array(count);
  let at = 0;
  for (const g of grads) {
    const v = g.dataSync() as Float32Array;
    out.set(v, at);
    at += v.length;
  }
  return out;
}

async function serve(init: WorkerInit): Promise<void> {
  const flag = new Int32Array(init.signal);
  const reply = (msg: WorkerReply, transfer: ArrayBuffer[] = []): void => {
    init.port.postMessage(msg, transfer);
    Atomics.add(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  let net: ProxyNet;
  let weights: ParamSet;
  try {
    // The same kernels as the main thread's backend ladder registers, so both halves of a split pass compute alike.
    if (init.backend === 'wasm') registerWasmTrainingKernels();
    else registerTrainingKernels(init.backend);
    await useBackend(init.backend);
    net = netFor(init.model, init.input);
    weights = ParamSet.create(net.params, Rng.seeded(0));
  } catch (e) {
    reply({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  const split = (req: SplitRequest): void => {
    weights.unflatten(req.weights);
    const x = tf.tensor4d(req.part.x, req.part.shape);
    const labels = tf.tensor1d(req.part.labels, 'int32');
    try {
      const r = lossGradients(net, weights, x, labels, 'mean', undefined, new PairReduce(req.reduce, 1, req.total));
      const grads = flatGradients(r.grads, weights.count);
      tf.dispose(r.grads);
      reply({ kind: 'split', grads, loss: r.loss, correct: r.correct }, [grads.buffer as ArrayBuffer]);
    } finally {
      tf.dispose([x, labels]);
    }
  };
  parentPort?.on('message', (req: WorkerRequest) => {
    try {
      if (req.kind === 'split') {
        split(req);
        return;
      }
      weights.unflatten(req.weights);
      const grads: Float32Array[] = [];
      const losses: number[] = [];
      for (const p of req.passes) {
        const x = tf.tensor4d(p.x, p.shape);
        const labels = tf.tensor1d(p.labels, 'int32');
        try {
          const r = lossGradients(net, weights, x, labels, 'sum');
          grads.push(flatGradients(r.grads, weights.count));
          losses.push(r.loss);
          tf.dispose(r.grads);
        } finally {
          tf.dispose([x, labels]);
        }
      }
      reply({ kind: 'grads', grads, losses }, grads.map((g) => g.buffer as ArrayBuffer));
    } catch (e) {
      reply({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  });
  reply({ kind: 'ready' });
}

const data = workerData as Partial<WorkerInit> | undefined;
if (!isMainThread && data?.ddasGradientWorker) void serve(data as WorkerInit);
