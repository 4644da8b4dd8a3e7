/**
 * One evaluation run: a fresh proxy net trained on the seed's training subset under one
 * entry's augmentation (recipe.ts), scored on the held-out images after every epoch.
 * Its state between two steps is plain JSON, so a checkpoint resumes it exactly.
 */
import { correctCount, ParamSet, updateRunningStats, type ProxyNet, type StoredTensor } from '../nn';
import { Rng } from '../../shared/rng';
import { batchTensors, setSize, type ImageSet, type SearchData } from '../ddas/data';
import { lossGradients } from '../ddas/step';
import { tf } from '../tf';
import type { Augment } from './augmentation';
import { learningRateAt, MOMENTUM, SCORE_BATCH, WEIGHT_DECAY } from './recipe';
import { epochOrder, streamFor } from './seeds';
import { NesterovSgd } from './sgd';

export interface RunSpec {
  readonly label: string;
  readonly seed: number;
  readonly epochs: number;
  readonly batch: number;
}

/** A run between two steps. */
export interface RunState {
  readonly label: string;
  readonly seed: number;
  /** Next step: epoch (0-based) and step within it. */
  readonly epoch: number;
  readonly step: number;
  readonly weights: readonly StoredTensor[];
  readonly buffers: readonly StoredTensor[];
  readonly velocity: readonly StoredTensor[];
  /** The augmentation stream's state. */
  readonly rng: readonly number[];
  /** Held-out accuracy after each finished epoch. */
  readonly curve: readonly number[];
  /** Summed mean losses and steps of the current epoch (its running train loss). */
  readonly lossSum: number;
  readonly lossSteps: number;
  readonly seconds: number;
}

export interface StepOutcome {
  readonly epoch: number;
  readonly step: number;
  /** Mean training loss of this epoch's steps so far. */
  readonly trainLoss: number;
  /** Present when the step ended an epoch: the held-out accuracy after it. */
  readonly testAccuracy?: number;
  readonly stepSeconds: number;
  readonly scoreSeconds: number;
}

/** `data.train`: the seed's training subset; `data.val`: the held-out images. */
export class TrainingRun {
  private epoch = 0;
  private stepInEpoch = 0;
  private curve: number[] = [];
  private lossSum = 0;
  private lossSteps = 0;
  private order: number[] | undefined;
  private seconds = 0;

  private constructor(
    readonly spec: RunSpec,
    private readonly net: ProxyNet,
    private readonly data: SearchData,
    private readonly augment: Augment,
    private readonly weights: ParamSet,
    private readonly buffers: ParamSet,
    private readonly sgd: NesterovSgd,
    private rng: Rng,
  ) {}

  /** A fresh run: its initial weights depend on the seed only (every entry of a seed starts alike). */
  static create(spec: RunSpec, net: ProxyNet, data: SearchData, augment: Augment): TrainingRun {
    const weights = ParamSet.create(net.params, streamFor(spec.seed, 'weights'));
    const buffers = ParamSet.create(net.buffers, Rng.seeded(0), false);
    const sgd = NesterovSgd.for(weights, { momentum: MOMENTUM, weightDecay: WEIGHT_DECAY });
    return new TrainingRun(spec, net, data, augment, weights, buffers, sgd, streamFor(spec.seed, 'augment', spec.label));
  }

  /** Continues a run from `state()`; throws a RangeError when it does not fit the net. */
  static restore(spec: RunSpec, net: ProxyNet, data: SearchData, augment: Augment, state: RunState): TrainingRun {
    const run = TrainingRun.create(spec, net, data, augment);
    try {
      run.weights.loadStored(state.weights);
      run.buffers.loadStored(state.buffers);
      run.sgd.loadStored(state.velocity);
    } catch (e) {
      run.dispose();
      throw e;
    }
    run.rng = Rng.fromState(state.rng);
    run.epoch = state.epoch;
    run.stepInEpoch = state.step;
    run.curve = [...state.curve];
    run.lossSum = state.lossSum;
    run.lossSteps = state.lossSteps;
    run.seconds = state.seconds;
    return run;
  }

  get stepsPerEpoch(): number {
    return Math.ceil(setSize(this.data.train) / this.batchSize);
  }

  get batchSize(): number {
    return Math.max(1, Math.min(this.spec.batch, setSize(this.data.train)));
  }

  get totalSteps(): number {
    return this.spec.epochs * this.stepsPerEpoch;
  }

  get stepsDone(): number {
    return this.epoch * this.stepsPerEpoch + this.stepInEpoch;
  }

  get done(): boolean {
    return this.epoch >= this.spec.epochs;
  }

  get position(): { readonly epoch: number; readonly step: number } {
    return { epoch: this.epoch, step: this.stepInEpoch };
  }

  /** Held-out accuracy after each finished epoch. */
  get accuracies(): readonly number[] {
    return this.curve;
  }

  get elapsedSeconds(): number {
    return this.seconds;
  }

  /** One SGD step on the next batch of this epoch's order; scores the held-out images when it ends the epoch. */
  step(): StepOutcome {
    if (this.done) throw new Error('the run has finished');
    const started = performance.now();
    const B = this.batchSize;
    const n = setSize(this.data.train);
    this.order ??= epochOrder(n, this.spec.seed, this.epoch);
    const positions = this.order.slice(this.stepInEpoch * B, Math.min(n, (this.stepInEpoch + 1) * B));
    const progress = this.epoch / this.spec.epochs;
    const lr = learningRateAt(this.stepsDone, this.totalSteps);
    const owned: tf.Tensor[] = [];
    const moments = new Map<string, tf.Tensor>();
    try {
      const batch = batchTensors(this.data.train, positions, this.data);
      owned.push(batch.x, batch.labels);
      const x = this.augment(batch.x, this.rng, progress);
      owned.push(x);
      const r = lossGradients(this.net, this.weights, x, batch.labels, 'mean', moments);
      owned.push(...r.grads);
      updateRunningStats(this.buffers.variables, this.buffers.specs.map((s) => s.name), moments);
      this.sgd.step(this.weights, r.grads, lr);
      this.lossSum += r.loss;
      this.lossSteps++;
    } finally {
      tf.dispose(owned);
      tf.dispose([...moments.values()]);
    }
    const epoch = this.epoch;
    const step = this.stepInEpoch;
    const trainLoss = this.lossSum / this.lossSteps;
    const stepSeconds = (performance.now() - started) / 1000;
    this.stepInEpoch++;
    let testAccuracy: number | undefined;
    let scoreSeconds = 0;
    if (this.stepInEpoch >= this.stepsPerEpoch) {
      const t0 = performance.now();
      testAccuracy = this.score();
      scoreSeconds = (performance.now() - t0) / 1000;
      this.curve.push(testAccuracy);
      this.epoch++;
      this.stepInEpoch = 0;
      this.order = undefined;
      this.lossSum = 0;
      this.lossSteps = 0;
    }
    this.seconds += stepSeconds + scoreSeconds;
    return { epoch, step, trainLoss, ...(testAccuracy !== undefined ? { testAccuracy } : {}), stepSeconds, scoreSeconds };
  }

  /** Accuracy on the held-out images, batch norm on its running statistics. */
  score(): number {
    return scoreSet(this.net, this.weights, this.buffers, this.data.val, this.data);
  }

  state(): RunState {
    return {
      label: this.spec.label,
      seed: this.spec.seed,
      epoch: this.epoch,
      step: this.stepInEpoch,
      weights: this.weights.toStored(),
      buffers: this.buffers.toStored(),
      velocity: this.sgd.toStored(),
      rng: this.rng.state(),
      curve: [...this.curve],
      lossSum: this.lossSum,
      lossSteps: this.lossSteps,
      seconds: this.seconds,
    };
  }

  dispose(): void {
    this.weights.dispose();
    this.buffers.dispose();
    this.sgd.dispose();
  }
}

function scoreSet(net: ProxyNet, weights: ParamSet, buffers: ParamSet, set: ImageSet, data: SearchData): number {
  const n = setSize(set);
  let correct = 0;
  for (let at = 0; at < n; at += SCORE_BATCH) {
    const positions = Array.from({ length: Math.min(SCORE_BATCH, n - at) }, (_, i) => at + i);
    const { x, labels } = batchTensors(set, positions, data);
    correct += tf.tidy(() => correctCount(net.forward(weights.params, x, { training: false, buffers: buffers.params }), labels).dataSync()[0]);
    tf.dispose([x, labels]);
  }
  return n === 0 ? 0 : correct / n;
}

