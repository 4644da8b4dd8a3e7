/**
 * One evaluate request, start to finish, for both `ddas serve` and `ddas evaluate`:
 * open the dataset's held-out split, train a fresh net per (seed, entry) - seed-major, so
 * every finished seed is a complete paired comparison - checkpoint after each run, at each
 * epoch's end and on cancel, and emit the protocol's events and the report.
 */
import { defaultBase, describeBase, type BaseTransform } from '../../shared/base';
import type { EvaluateEntry, EvaluateEvent, EvaluateRequest, EvaluationReport } from '../../shared/evaluation';
import { summarise } from '../../shared/evaluation-summary';
import type { BackendReport, EngineEvent } from '../../shared/protocol';
import { channelStats } from '../ddas/data';
import { fitSpace } from '../ddas/fit-space';
import { Rng } from '../../shared/rng';
import { buildSpace, type Category } from '../../shared/space';
import { UserError } from '../errors';
import { createNet } from '../nn';
import { entryAugment, entryLabels } from './augmentation';
import { evaluateCheckpointPath, readEvaluateCheckpoint, writeEvaluateCheckpoint, type FinishedRun } from './checkpoint';
import { openEvaluationData, type EvaluationData } from './data';
import { recipe } from './recipe';
import { TrainingRun, type RunState } from './training';

export type EvaluateJobEvent = EvaluateEvent | Extract<EngineEvent, { kind: 'checkpoint' | 'cancelled' | 'log' }>;

interface PlannedRun {
  readonly seed: number;
  readonly label: string;
  readonly entry: EvaluateEntry;
}

const key = (r: { readonly label: string; readonly seed: number }): string => `${r.label}\u0000${r.seed}`;

/** The base every entry but `none` trains under (EvaluateRequest.base), and what to tell the user about it. */
export function resolveBase(req: EvaluateRequest, labels: readonly string[], image: { width: number; height: number }): { base: BaseTransform; notes: string[] } {
  const carried = req.entries.flatMap((e, i) => (e.kind === 'policy' && e.policy.base ? [{ label: labels[i], base: e.policy.base }] : []));
  if (req.base !== undefined) {
    const base = req.base === 'default' ? defaultBase(image) : req.base;
    const differ = carried.filter((c) => describeBase(c.base) !== describeBase(base));
    return { base, notes: differ.map((c) => `${c.label} carries the base transform ${describeBase(c.base)}; it is evaluated under ${describeBase(base)} as asked`) };
  }
  const kinds = [...new Set(carried.map((c) => JSON.stringify(c.base)))];
  if (kinds.length > 1) {
    const list = carried.map((c) => `${c.label}: ${describeBase(c.base)}`).join('; ');
    throw new UserError(`the policies carry different base transforms (${list}), so their runs would not be comparable. Pick one with --base (e.g. --base ${carried[0].base.cropPadding > 0 ? `crop=${carried[0].base.cropPadding}` : 'none'}).`);
  }
  return { base: carried.length > 0 ? carried[0].base : defaultBase(image), notes: [] };
}

/** Mean seconds of recent steps and of held-out scorings, for the ETA. */
class Timing {
  private steps: number[] = [];
  private scores: number[] = [];

  add(stepSeconds: number, scoreSeconds: number): void {
    this.steps.push(stepSeconds);
    if (this.steps.length > 50) this.steps.shift();
    if (scoreSeconds > 0) {
      this.scores.push(scoreSeconds);
      if (this.scores.length > 10) this.scores.shift();
    }
  }

  eta(stepsLeft: number, scoresLeft: number): number {
    const mean = (v: readonly number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);
    return stepsLeft * mean(this.steps) + scoresLeft * mean(this.scores);
  }
}

/** Resolves to the report, or undefined when cancelled (the checkpoint then holds the run in progress). */
export async function runEvaluateJob(request: EvaluateRequest, emit: (e: EvaluateJobEvent) => void, signal: AbortSignal, backend: BackendReport): Promise<EvaluationReport | undefined> {
  const saved = request.resume ? readEvaluateCheckpoint(requireDir(request)) : undefined;
  // A resumed evaluation continues the request it was started with (same entries, budget, seeds).
  const req: EvaluateRequest = saved ? { ...saved.request, id: request.id, checkpointDir: request.checkpointDir, resume: true } : request;
  const labels = entryLabels(req.entries);
  const data = await openEvaluationData(req.dataset, req.budget, req.seed);
  try {
    if (saved && saved.testSha256 !== data.testSha256) {
      throw new UserError(`${req.dataset}: the held-out images changed since the checkpoint was written. Start a new evaluation instead of resuming.`);
    }
    return await evaluate(req, labels, data, saved ? { startedAt: saved.startedAt, finished: saved.finished, current: saved.current } : undefined, emit, signal, backend);
  } finally {
    await data.close();
  }
}

async function evaluate(
  req: EvaluateRequest,
  labels: readonly string[],
  data: EvaluationData,
  saved: { startedAt: string; finished: readonly FinishedRun[]; current?: RunState } | undefined,
  emit: (e: EvaluateJobEvent) => void,
  signal: AbortSignal,
  backend: BackendReport,
): Promise<EvaluationReport | undefined> {
  const { base, notes } = resolveBase(req, labels, data);
  const { epochs, batch } = req.budget;
  const seeds = Array.from({ length: req.budget.seeds }, (_, s) => req.seed + s);
  const planned: PlannedRun[] = seeds.flatMap((seed) => req.entries.map((entry, e) => ({ seed, label: labels[e], entry })));
  const startedAt = saved?.startedAt ?? new Date().toISOString();
  const finished: FinishedRun[] = saved ? [...saved.finished] : [];
  const done = new Set(finished.map(key));
  let pending: RunState | undefined = saved?.current;
  const frame = { width: data.width, height: data.height, channels: data.channels };
  const stepsPerEpoch = Math.ceil(data.trainSize / Math.max(1, Math.min(batch, data.trainSize)));
  const timing = new Timing();

  const checkpoint = async (current?: RunState): Promise<string | undefined> => {
    if (!req.checkpointDir) return undefined;
    return writeEvaluateCheckpoint(req.checkpointDir, { request: { ...req, resume: false }, startedAt, testSha256: data.testSha256, finished, ...(current ? { current } : {}) });
  };

  emit({
    kind: 'evaluateStarted',
    id: req.id,
    labels,
    seeds: seeds.length,
    epochs,
    heldOut: data.heldOutName,
    testImages: data.test.labels.length,
    trainImages: data.trainSize,
    backend: backend.name,
    model: req.model,
    base: describeBase(base),
    runs: planned.length,
    ...(saved ? { resumedRuns: finished.length } : {}),
  });
  for (const message of [...data.notes, ...notes]) emit({ kind: 'log', id: req.id, level: 'warn', message });
  planned.forEach((r, i) => {
    const f = finished.find((x) => key(x) === key(r));
    if (f) emit({ kind: 'evaluateRun', id: req.id, label: f.label, seed: f.seed, accuracy: f.accuracy, curve: f.curve, run: i, runs: planned.length, seconds: f.seconds });
  });

  let uniformSpace: readonly Category[] | undefined;
  for (let i = 0; i < planned.length; i++) {
    const r = planned[i];
    if (done.has(key(r))) continue;
    const trainData = await data.trainingData(r.seed);
    // The same normalisation for every entry of a seed: it is part of the initial net.
    const net = createNet(req.model, { height: data.height, width: data.width, channels: data.channels, classes: data.classes, ...channelStats(trainData.train, data.channels) });
    const spec = { label: r.label, seed: r.seed, epochs, batch };
    // Fitted as the search fits its default space, so uniform is the search's true start.
    uniformSpace ??= fitSpace(buildSpace(), trainData.train, frame, Rng.seeded(0)).space;
    const augment = entryAugment(r.entry, base, frame, uniformSpace);
    let run: TrainingRun;
    if (pending && key(pending) === key(r)) {
      try {
        run = TrainingRun.restore(spec, net, trainData, augment, pending);
      } catch (e) {
        throw new UserError(`${evaluateCheckpointPath(requireDir(req))}: the run in progress does not fit this engine's net (${(e as Error).message}). Start a new evaluation.`);
      }
    } else {
      run = TrainingRun.create(spec, net, trainData, augment);
    }
    pending = undefined;
    try {
      while (!run.done) {
        // Let queued I/O (a cancel request on stdin, Ctrl-C) run between steps.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (signal.aborted) {
          const file = await checkpoint(run.state());
          emit({ kind: 'cancelled', id: req.id, ...(file ? { checkpoint: file } : {}) });
          return undefined;
        }
        const o = run.step();
        timing.add(o.stepSeconds, o.scoreSeconds);
        const runsLeft = planned.length - i - 1 - planned.slice(i + 1).filter((p) => done.has(key(p))).length;
        const stepsLeft = run.totalSteps - run.stepsDone + runsLeft * epochs * stepsPerEpoch;
        const scoresLeft = epochs - run.accuracies.length + runsLeft * epochs;
        emit({
          kind: 'evaluateProgress',
          id: req.id,
          run: i,
          runs: planned.length,
          label: r.label,
          seed: r.seed,
          epoch: o.epoch,
          epochs,
          step: o.step,
          stepsPerEpoch: run.stepsPerEpoch,
          trainLoss: o.trainLoss,
          ...(o.testAccuracy !== undefined ? { testAccuracy: o.testAccuracy } : {}),
          etaSeconds: timing.eta(stepsLeft, scoresLeft),
        });
        if (o.testAccuracy !== undefined && !run.done) {
          const file = await checkpoint(run.state());
          if (file) emit({ kind: 'checkpoint', id: req.id, epoch: o.epoch, path: file });
        }
      }
      const curve = [...run.accuracies];
      const result: FinishedRun = { label: r.label, seed: r.seed, accuracy: curve[curve.length - 1], curve, seconds: run.elapsedSeconds };
      finished.push(result);
      done.add(key(r));
      const file = await checkpoint();
      if (file) emit({ kind: 'checkpoint', id: req.id, epoch: epochs - 1, path: file });
      emit({ kind: 'evaluateRun', id: req.id, label: r.label, seed: r.seed, accuracy: result.accuracy, curve, run: i, runs: planned.length, seconds: result.seconds });
    } finally {
      run.dispose();
    }
  }

  const entries = req.entries.map((e, i) => ({ label: labels[i], kind: e.kind }));
  const summary = summarise(entries, finished, data.test.labels.length);
  const report: EvaluationReport = {
    dataset: { path: data.path, heldOut: data.heldOutName, testImages: data.test.labels.length, trainImages: data.trainSize },
    budget: req.budget,
    model: req.model,
    backend: backend.name,
    base,
    entries: summary.entries,
    differences: summary.differences,
    ...(summary.bestBaseline ? { bestBaseline: summary.bestBaseline } : {}),
    seeds: summary.seeds,
    recipe: recipe(batch),
    verdict: summary.verdict,
    seconds: finished.reduce((s, f) => s + f.seconds, 0),
    finishedAt: new Date().toISOString(),
  };
  emit({ kind: 'evaluateResult', id: req.id, report });
  return report;
}

function requireDir(req: EvaluateRequest): string {
  if (!req.checkpointDir) throw new UserError('resume needs a checkpoint folder (--checkpoint-dir, or "checkpointDir" in the request).');
  return req.checkpointDir;
}
