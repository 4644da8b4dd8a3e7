/**
 * The DDAS search loop (DESIGN section 3): per step, a clean and J augmented copies of a
 * search-train batch, the kept model step, the validation gradient at the new weights,
 * and one Adam step on (alpha, beta) along the surrogate's gradient; a snapshot of
 * (p_aug, p) after each epoch. Every random draw comes from one seeded stream, so a run
 * is reproducible for a seed and backend, and `state()` / `restore()` resume it exactly.
 *
 * Choices DESIGN leaves open: g_V is the gradient of the MEAN validation loss (the L1
 * normalisation of d removes its scale; eps defaults to 1e-8, negligible next to |d|);
 * xi decays per step (cosine over all steps); a step's batch norm running statistics
 * follow the clean batch x0; progress `imagesPerSecond` counts search-train images
 * (B per step; each step also pushes J * B augmented and V validation images through
 * forward and backward passes).
 */
import type { EngineEvent, ProgressEvent } from '../../shared/protocol';
import type { Evidence, Policy } from '../../shared/policy';
import { Rng } from '../../shared/rng';
import { categoryKey } from '../../shared/space';
import { applyPlans } from '../augment';
import { correctCount, crossEntropy, ParamSet, type InputShape, type ProxyNet } from '../nn';
import { tf } from '../tf';
import { adamInit, adamStep, type AdamState } from './adam';
import { applyBase } from './base';
import { batchTensors, channelStats, setSize, type SearchData } from './data';
import { drawSubPolicy, logit, sigmoid, softmax, subPolicyPlans, subPolicyProbability, type SubPolicy } from './distribution';
import { netFor, resolveOptions, type DdasOptions, type ModelChoice, type ResolvedOptions } from './options';
import { EvidenceAccumulator } from './evidence';
import { buildPolicy, type PolicyContext } from './result';
import { checkState, STATE_FORMAT, STATE_VERSION, type DdasState, type Snapshot } from './state';
import { GradientPool, resolveThreads, type ThreadsOption } from './parallel';
import { modelStep, normaliseD, surrogateGradient } from './step';

export type SnapshotEvent = Extract<EngineEvent, { kind: 'snapshot' }>;
export type SearchEvent = ProgressEvent | SnapshotEvent;

export interface SearchHooks {
  /** Request id the events carry. Default 'search'. */
  readonly id?: string;
  readonly emit?: (event: SearchEvent) => void;
  /** Checked before every step: an aborted search stops within one step. */
  readonly signal?: AbortSignal;
  /** After each epoch's snapshot (e.g. to write a checkpoint from `state()`). */
  readonly onEpochEnd?: (epoch: number) => void | Promise<void>;
}

export type SearchOutcome = { readonly status: 'done' } | { readonly status: 'cancelled' };

/** What one step did, for progress reports and tests. */
export interface StepReport {
  readonly epoch: number;
  readonly step: number;
  readonly subPolicies: readonly SubPolicy[];
  /** p_kj under the p in force during the step. */
  readonly pk: readonly number[];
  /** Un-normalised and normalised d. */
  readonly dRaw: readonly number[];
  readonly d: readonly number[];
  readonly trainLoss: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  readonly seconds: number;
  /** Present when this step ended an epoch. */
  readonly snapshot?: Snapshot;
}

function modelName(model: ModelChoice): string {
  return typeof model === 'string' ? model : `resnet(${model.widths.join('/')})`;
}

export class DdasSearch {
  private alpha: Float64Array;
  private beta: number;
  private adamAlpha: AdamState;
  private adamBeta: AdamState;
  private epoch = 0;
  private stepInEpoch = 0;
  private epochOrder: number[] | null = null;
  private snapshots: Snapshot[] = [];
  private seconds = 0;
  private stepSeconds: number[] = [];
  private evalSeconds: number[] = [];
  private threadsOption: ThreadsOption = 1;
  /** Started on the first step (the backend is known then); null = single thread. */
  private pool: GradientPool | null | undefined;
  private poolProblem: string | undefined;
  private evidence: EvidenceAccumulator;

  private constructor(
    readonly options: ResolvedOptions,
    private readonly data: SearchData,
    readonly net: ProxyNet,
    private readonly weights: ParamSet,
    private readonly buffers: ParamSet,
    private rng: Rng,
  ) {
    this.alpha = new Float64Array(options.space.length);
    this.beta = logit(options.initialPAug);
    this.adamAlpha = adamInit(options.space.length);
    this.adamBeta = adamInit(1);
    this.evidence = new EvidenceAccumulator(options.space.length);
  }

  static create(data: SearchData, options: DdasOptions = {}): DdasSearch {
    const resolved = resolveOptions(options, data);
    if (setSize(data.train) < 1 || setSize(data.val) < 1) throw new RangeError('DDAS needs at least one search-train and one search-val image');
    const input: InputShape = { height: data.height, width: data.width, channels: data.channels, classes: data.classes, ...channelStats(data.train, data.channels) };
    const net = netFor(resolved.model, input);
    const rng = Rng.seeded(resolved.seed);
    // Weights first, from the same stream the search then continues with.
    const weights = ParamSet.create(net.params, rng);
    const buffers = ParamSet.create(net.buffers, rng, false);
    const s = new DdasSearch(resolved, data, net, weights, buffers, rng);
    s.setThreads(options.threads ?? 1);
    return s;
  }

  /** Continues a search from `state()`; `data` must be the split the state recorded. */
  static restore(data: SearchData, saved: unknown, runtime: { readonly threads?: ThreadsOption } = {}): DdasSearch {
    const state = checkState(saved);
    if (state.split && data.split) {
      const same = (a: readonly number[], b: Int32Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
      if (!same(state.split.train, data.split.train) || !same(state.split.val, data.split.val)) {
        throw new Error('the data given to resume is not the split the checkpoint was taken on');
      }
    }
    if (state.input.height !== data.height || state.input.width !== data.width || state.input.channels !== data.channels) {
      throw new Error('the data given to resume has a different image shape than the checkpoint');
    }
    const net = netFor(state.options.model, state.input);
    const weights = ParamSet.create(net.params, Rng.seeded(0));
    const buffers = ParamSet.create(net.buffers, Rng.seeded(0), false);
    weights.loadStored(state.weights);
    buffers.loadStored(state.buffers);
    const s = new DdasSearch(state.options, data, net, weights, buffers, Rng.fromState(state.rng));
    s.alpha = Float64Array.from(state.alpha);
    s.beta = state.beta;
    s.adamAlpha = { m: [...state.adamAlpha.m], v: [...state.adamAlpha.v], t: state.adamAlpha.t };
    s.adamBeta = { m: [...state.adamBeta.m], v: [...state.adamBeta.v], t: state.adamBeta.t };
    s.epoch = state.position.epoch;
    s.stepInEpoch = state.position.step;
    s.epochOrder = state.epochOrder ? [...state.epochOrder] : null;
    s.snapshots = state.snapshots.map((x) => ({ ...x, p: [...x.p] }));
    s.seconds = state.seconds;
    if (state.evidence) s.evidence = new EvidenceAccumulator(state.options.space.length, state.evidence);
    s.setThreads(runtime.threads ?? 1);
    return s;
  }

  private setThreads(threads: ThreadsOption): void {
    resolveThreads(threads, 'wasm'); // validates
    this.threadsOption = threads;
  }

  /** Instances the steps run on (1 until the first step starts the workers). */
  get threads(): number {
    return this.pool ? this.pool.threads : 1;
  }

  /** Why more threads were asked for but not used (the worker failed to start). */
  get threadsProblem(): string | undefined {
    return this.poolProblem;
  }

  private gradientPool(): GradientPool | null {
    if (this.pool !== undefined) return this.pool;
    const backend = tf.getBackend();
    const threads = resolveThreads(this.threadsOption, backend);
    this.pool = null;
    if (threads > 1 && (backend === 'wasm' || backend === 'cpu')) {
      try {
        this.pool = GradientPool.start(threads, this.options.model, this.net.input, backend);
      } catch (e) {
        // Same results on one thread, only slower.
        this.poolProblem = e instanceof Error ? e.message : String(e);
      }
    }
    return this.pool;
  }

  get pAug(): number {
    return sigmoid(this.beta);
  }

  get p(): number[] {
    return softmax(this.alpha);
  }

  /** Category keys ("Rotate@0.5"), the order of `p`. */
  get categories(): string[] {
    return this.options.space.map(categoryKey);
  }

  get batchSize(): number {
    return Math.min(this.options.batch, setSize(this.data.train));
  }

  get stepsPerEpoch(): number {
    return Math.max(1, Math.floor(setSize(this.data.train) / this.batchSize));
  }

  get totalSteps(): number {
    return this.options.epochs * this.stepsPerEpoch;
  }

  get globalStep(): number {
    return this.epoch * this.stepsPerEpoch + this.stepInEpoch;
  }

  get done(): boolean {
    return this.epoch >= this.options.epochs;
  }

  get position(): { epoch: number; step: number } {
    return { epoch: this.epoch, step: this.stepInEpoch };
  }

  get parameterCount(): number {
    return this.weights.count;
  }

  get history(): readonly Snapshot[] {
    return this.snapshots;
  }

  /** xi at the current step: cosine decay from xi to 0 over all steps. */
  get learningRate(): number {
    const { xi, cosine } = this.options;
    return cosine ? 0.5 * xi * (1 + Math.cos((Math.PI * this.globalStep) / this.totalSteps)) : xi;
  }

  /** One DDAS step (and the epoch's snapshot when it is the epoch's last). */
  step(): StepReport {
    if (this.done) throw new Error('the search has finished');
    const started = performance.now();
    const o = this.options;
    const B = this.batchSize;
    if (this.epochOrder === null) this.epochOrder = this.shuffledTrainOrder();
    const positions = this.epochOrder.slice(this.stepInEpoch * B, (this.stepInEpoch + 1) * B);
    const p = this.p;
    const pAug = this.pAug;
    const subPolicies: SubPolicy[] = [];
    const owned: tf.Tensor[] = [];
    try {
      const batch = batchTensors(this.data.train, positions, this.data);
      owned.push(batch.x, batch.labels);
      const x0 = applyBase(batch.x, o.base, this.rng);
      owned.push(x0);
      const xs: tf.Tensor4D[] = [];
      for (let j = 0; j < o.subPolicies; j++) {
        const sub = drawSubPolicy(p, o.opsPerImage, o.explore, this.rng);
        subPolicies.push(sub);
        const augmented = applyPlans(batch.x, subPolicyPlans(o.space, sub, B, this.rng));
        owned.push(augmented);
        const xj = applyBase(augmented, o.base, this.rng);
        owned.push(xj);
        xs.push(xj);
      }
      const val = batchTensors(this.data.val, this.drawValPositions(), this.data);
      owned.push(val.x, val.labels);
      const pk = subPolicies.map((sub) => subPolicyProbability(p, sub));
      const r = modelStep(this.net, this.weights, this.buffers, { x0, xs, labels: batch.labels, val: val.x, valLabels: val.labels }, pAug, pk, this.learningRate, this.gradientPool() ?? undefined);
      const d = normaliseD(r.d, o.normEpsilon);
      this.evidence.add(subPolicies, d);
      const g = surrogateGradient(this.alpha, this.beta, subPolicies, d);
      this.adamAlpha = adamStep(this.alpha, g.alpha, this.adamAlpha, { lr: o.lrAlpha, ...o.adamBetas });
      const beta = Float64Array.of(this.beta);
      this.adamBeta = adamStep(beta, [g.beta], this.adamBeta, { lr: o.lrBeta, ...o.adamBetas });
      this.beta = beta[0];

      const report = { epoch: this.epoch, step: this.stepInEpoch, subPolicies, pk, dRaw: r.d, d, trainLoss: r.trainLoss, valLoss: r.valLoss, valAccuracy: r.valAccuracy };
      const stepSeconds = (performance.now() - started) / 1000;
      this.stepSeconds.push(stepSeconds);
      this.seconds += stepSeconds;
      this.stepInEpoch++;
      let snapshot: Snapshot | undefined;
      if (this.stepInEpoch >= this.stepsPerEpoch) snapshot = this.finishEpoch();
      return { ...report, seconds: stepSeconds, ...(snapshot ? { snapshot } : {}) };
    } finally {
      tf.dispose(owned);
    }
  }

  /** Runs to the end or until `signal` aborts (checked before every step). */
  async run(hooks: SearchHooks = {}): Promise<SearchOutcome> {
    const id = hooks.id ?? 'search';
    while (!this.done) {
      // Let queued I/O (a cancel request on stdin) run between steps.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (hooks.signal?.aborted) return { status: 'cancelled' };
      const r = this.step();
      const endOfEpoch = r.snapshot !== undefined;
      if (hooks.emit && (endOfEpoch || (r.step + 1) % this.options.progressEvery === 0)) hooks.emit(this.progressEvent(id, r));
      if (r.snapshot) {
        hooks.emit?.({ kind: 'snapshot', id, epoch: r.snapshot.epoch, pAug: r.snapshot.pAug, p: r.snapshot.p, valAccuracy: Math.max(0, r.snapshot.valAccuracy), evidence: this.evidenceSummary() });
        await hooks.onEpochEnd?.(r.snapshot.epoch);
      }
    }
    return { status: 'done' };
  }

  private progressEvent(id: string, r: StepReport): ProgressEvent {
    const recent = this.stepSeconds.slice(-20);
    const perStep = recent.reduce((a, b) => a + b, 0) / Math.max(1, recent.length);
    const perEval = this.evalSeconds.length ? this.evalSeconds.reduce((a, b) => a + b, 0) / this.evalSeconds.length : 0;
    const stepsLeft = this.totalSteps - this.globalStep;
    const epochsLeft = this.options.epochs - this.epoch;
    return {
      kind: 'progress',
      id,
      epoch: r.epoch,
      epochs: this.options.epochs,
      step: r.step,
      stepsPerEpoch: this.stepsPerEpoch,
      pAug: this.pAug,
      p: this.p,
      trainLoss: r.trainLoss,
      valLoss: r.valLoss,
      valAccuracy: r.valAccuracy,
      imagesPerSecond: perStep > 0 ? this.batchSize / perStep : 0,
      etaSeconds: stepsLeft * perStep + (this.options.evalEachEpoch ? epochsLeft * perEval : 0),
    };
  }

  /** Accuracy on the whole search-val split, batch norm on running statistics. */
  evaluate(): number {
    const n = setSize(this.data.val);
    const chunk = this.options.valBatch;
    let correct = 0;
    for (let at = 0; at < n; at += chunk) {
      const positions = Array.from({ length: Math.min(chunk, n - at) }, (_, i) => at + i);
      const { x, labels } = batchTensors(this.data.val, positions, this.data);
      correct += tf.tidy(() => correctCount(this.net.forward(this.weights.params, x, { training: false, buffers: this.buffers.params }), labels).dataSync()[0]);
      tf.dispose([x, labels]);
    }
    return correct / n;
  }

  /** Mean cross-entropy of the whole search-val split in eval mode. */
  evaluateLoss(): number {
    const n = setSize(this.data.val);
    let total = 0;
    for (let at = 0; at < n; at += this.options.valBatch) {
      const positions = Array.from({ length: Math.min(this.options.valBatch, n - at) }, (_, i) => at + i);
      const { x, labels } = batchTensors(this.data.val, positions, this.data);
      total += tf.tidy(() => tf.sum(crossEntropy(this.net.forward(this.weights.params, x, { training: false, buffers: this.buffers.params }), labels)).dataSync()[0]);
      tf.dispose([x, labels]);
    }
    return total / n;
  }

  private finishEpoch(): Snapshot {
    let valAccuracy = -1;
    if (this.options.evalEachEpoch) {
      const t0 = performance.now();
      valAccuracy = this.evaluate();
      const s = (performance.now() - t0) / 1000;
      this.evalSeconds.push(s);
      this.seconds += s;
    }
    const snapshot: Snapshot = { epoch: this.epoch, pAug: this.pAug, p: this.p, valAccuracy };
    this.snapshots.push(snapshot);
    this.epoch++;
    this.stepInEpoch = 0;
    this.epochOrder = null;
    return snapshot;
  }

  private shuffledTrainOrder(): number[] {
    const order = Array.from({ length: setSize(this.data.train) }, (_, i) => i);
    shuffleInPlace(order, this.rng);
    return order;
  }

  /** valBatch distinct search-val positions (all of them when the split is smaller). */
  private drawValPositions(): number[] {
    const n = setSize(this.data.val);
    const k = Math.min(this.options.valBatch, n);
    const pool = Array.from({ length: n }, (_, i) => i);
    // Partial Fisher-Yates: the first k entries are a uniform draw without replacement.
    for (let i = 0; i < k; i++) {
      const j = i + this.rng.int(n - i);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, k);
  }

  /** Everything needed to continue this search later (call between steps). */
  state(): DdasState {
    return {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      options: this.options,
      input: this.net.input,
      ...(this.data.split ? { split: { train: Array.from(this.data.split.train), val: Array.from(this.data.split.val) } } : {}),
      position: { epoch: this.epoch, step: this.stepInEpoch },
      epochOrder: this.epochOrder ? [...this.epochOrder] : null,
      rng: this.rng.state(),
      alpha: Array.from(this.alpha),
      beta: this.beta,
      adamAlpha: this.adamAlpha,
      adamBeta: this.adamBeta,
      weights: this.weights.toStored(),
      buffers: this.buffers.toStored(),
      snapshots: this.snapshots,
      seconds: this.seconds,
      evidence: this.evidence.state(),
    };
  }

  /** Each category's measured effect and verdict so far (see evidence.ts). */
  evidenceSummary(): Evidence {
    return this.evidence.summary(this.categories);
  }

  /** The policy found so far: final (p_aug, p) plus the per-epoch schedule. */
  policy(ctx: PolicyContext): Policy {
    const o = this.options;
    return buildPolicy(
      {
        space: o.space,
        opsPerImage: o.opsPerImage,
        pAug: this.pAug,
        p: this.p,
        snapshots: this.snapshots,
        model: modelName(o.model),
        epochs: o.epochs,
        seed: o.seed,
        seconds: this.seconds,
        learningRates: { alpha: o.lrAlpha, beta: o.lrBeta },
        base: o.base,
        evidence: this.evidenceSummary(),
        leftOut: o.leftOut,
      },
      ctx,
    );
  }

  dispose(): void {
    this.pool?.dispose();
    this.pool = null;
    this.weights.dispose();
    this.buffers.dispose();
  }
}

function shuffleInPlace(values: number[], rng: Rng): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [values[i], values[j]] = [values[j], values[i]];
  }
}
