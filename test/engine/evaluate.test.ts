import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { selectBackend } from '../../src/engine/backend/select';
import { UserError } from '../../src/engine/errors';
import { entryAugment, entryLabels, uniformPolicy } from '../../src/engine/evaluate/augmentation';
import { readEvaluateCheckpoint } from '../../src/engine/evaluate/checkpoint';
import { runEvaluateJob, type EvaluateJobEvent } from '../../src/engine/evaluate/job';
import { learningRateAt } from '../../src/engine/evaluate/recipe';
import { epochOrder } from '../../src/engine/evaluate/seeds';
import { TrainingRun } from '../../src/engine/evaluate/training';
import { createNet } from '../../src/engine/nn';
import { tf } from '../../src/engine/tf';
import { EvaluateRequestSchema, type EvaluateEntry, type EvaluateRequest, type EvaluationReport } from '../../src/shared/evaluation';
import { validatePolicy } from '../../src/shared/policy';
import { Rng } from '../../src/shared/rng';
import type { BackendReport } from '../../src/shared/protocol';
import type { SearchData } from '../../src/engine/ddas/data';
import { makeTempDir } from './data-fixtures';
import { CLASSES, SIDE, SMALL_POLICY, writeEvaluationDataset } from './evaluate-fixtures';

const BACKEND: BackendReport = { name: 'wasm', device: 'test', skipped: [] };

function request(dataset: string, entries: EvaluateEntry[], extra: Partial<EvaluateRequest> = {}): EvaluateRequest {
  return EvaluateRequestSchema.parse({ kind: 'evaluate', id: 'e', dataset, entries, budget: { seeds: 2, epochs: 2, trainSize: 48, batch: 16 }, base: { cropPadding: 1, flipLR: false, cutout: 0 }, ...extra });
}

async function run(req: EvaluateRequest, signal = new AbortController().signal): Promise<{ report?: EvaluationReport; events: EvaluateJobEvent[] }> {
  const events: EvaluateJobEvent[] = [];
  const report = await runEvaluateJob(req, (e) => events.push(e), signal, BACKEND);
  return { report, events };
}

/** Random learnable-enough data in memory, for runs without a dataset. */
function memoryData(n: number): SearchData {
  const rng = Rng.seeded(3);
  const size = SIDE * SIDE;
  const make = (count: number) => ({ pixels: Uint8Array.from({ length: count * size }, () => rng.int(256)), labels: Int32Array.from({ length: count }, (_, i) => i % CLASSES) });
  return { height: SIDE, width: SIDE, channels: 1, classes: CLASSES, train: make(n), val: make(16) };
}

describe('ddas evaluate (engine)', function () {
  this.timeout(180000);
  let tmp: { dir: string; cleanup: () => void };
  let dataset: string;

  before(async () => {
    await selectBackend('wasm');
    tmp = makeTempDir('evaluate');
    dataset = await writeEvaluationDataset(path.join(tmp.dir, 'data'));
  });

  after(() => tmp.cleanup());

  it('the recipe: cosine learning rate from 0.1 to 0; epoch orders depend on seed and epoch only', () => {
    assert.equal(learningRateAt(0, 100), 0.1);
    assert.ok(Math.abs(learningRateAt(50, 100) - 0.05) < 1e-12);
    assert.ok(learningRateAt(99, 100) < 1e-3);
    const a = epochOrder(20, 0, 0);
    assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i));
    assert.deepEqual(epochOrder(20, 0, 0), a);
    assert.notDeepEqual(epochOrder(20, 0, 1), a);
    assert.notDeepEqual(epochOrder(20, 1, 0), a);
    assert.deepEqual(entryLabels([{ kind: 'baseline', name: 'none' }, { kind: 'baseline', name: 'none' }, { kind: 'policy', label: 'p', policy: SMALL_POLICY }]), ['none', 'none (2)', 'p']);
    const uniform = uniformPolicy();
    assert.ok(validatePolicy(uniform).ok);
    assert.equal(uniform.applyProbability, 1);
    assert.equal(uniform.opsPerImage, 2);
    assert.ok(uniform.operations.every((o) => o.probability === uniform.operations[0].probability));
  });

  it('pairs runs: within a seed every entry starts from the same weights and sees the same batches', () => {
    const data = memoryData(40);
    const frame = { width: SIDE, height: SIDE, channels: 1 };
    const net = createNet('resnet-small', { ...frame, classes: CLASSES, mean: [0.5], std: [0.25] });
    const base = { cropPadding: 1, flipLR: false, cutout: 0 };
    const make = (label: string, seed: number, name: 'none' | 'base') => TrainingRun.create({ label, seed, epochs: 2, batch: 16 }, net, data, entryAugment({ kind: 'baseline', name }, base, frame));
    const tensorsBefore = tf.memory().numTensors;
    const runs = [make('none', 0, 'none'), make('none (2)', 0, 'none'), make('base', 0, 'base'), make('none', 1, 'none')];
    try {
      const w = runs.map((r) => r.state().weights.map((t) => t.data).join());
      assert.equal(w[1], w[0], 'same seed: same initial weights');
      assert.equal(w[2], w[0], 'the base entry starts from them too');
      assert.notEqual(w[3], w[0], 'another seed: other weights');
      for (const r of runs) while (!r.done) r.step();
      const after = runs.map((r) => r.state());
      // Two un-augmented entries of a seed are the same computation: identical to the bit.
      assert.deepEqual(after[1].weights, after[0].weights);
      assert.deepEqual(after[1].curve, after[0].curve);
      assert.notDeepEqual(after[2].weights, after[0].weights, 'augmentation changes the training');
      assert.equal(after[0].curve.length, 2);
      assert.equal(runs[0].stepsPerEpoch, 3, '40 images in batches of 16: the partial last batch is kept');
    } finally {
      for (const r of runs) r.dispose();
    }
    assert.equal(tf.memory().numTensors, tensorsBefore, 'runs leave no tensors behind');
  });

  it('two identical `none` entries get identical accuracies and curves; the report has intervals, differences and a verdict', async () => {
    const { report, events } = await run(request(dataset, [{ kind: 'baseline', name: 'none' }, { kind: 'baseline', name: 'none' }, { kind: 'policy', label: 'small', policy: SMALL_POLICY }], { budget: { seeds: 2, epochs: 2, trainSize: 32, testSize: 20, batch: 16 } }));
    assert.ok(report);
    assert.deepEqual(report.entries.map((e) => e.label), ['none', 'none (2)', 'small']);
    assert.deepEqual(report.entries[1].accuracies, report.entries[0].accuracies);
    assert.deepEqual(report.entries[1].curves, report.entries[0].curves);
    assert.equal(report.dataset.testImages, 20);
    assert.equal(report.dataset.trainImages, 32);
    assert.equal(report.dataset.heldOut.length > 0, true);
    assert.deepEqual(report.seeds, [0, 1]);
    assert.equal(report.bestBaseline, 'none');
    assert.ok(report.entries.every((e) => e.accuracies.length === 2 && e.curve.length === 2 && e.accuracy.low <= e.accuracy.mean && e.accuracy.mean <= e.accuracy.high));
    const d = report.differences.find((x) => x.entry === 'none (2)' && x.reference === 'none');
    assert.deepEqual(d?.difference, { mean: 0, low: 0, high: 0 });
    assert.match(report.verdict, /points .*on 20 held-out images/);
    assert.equal(report.recipe?.learningRate, 0.1);
    // Events: started, per-step progress with accuracy at epoch ends, one evaluateRun per run, the result.
    const kinds = events.map((e) => e.kind);
    assert.equal(kinds[0], 'evaluateStarted');
    assert.equal(kinds[kinds.length - 1], 'evaluateResult');
    assert.equal(kinds.filter((k) => k === 'evaluateRun').length, 6);
    const progress = events.filter((e) => e.kind === 'evaluateProgress');
    assert.equal(progress.length, 6 * 2 * 2);
    assert.equal(progress.filter((p) => p.testAccuracy !== undefined).length, 6 * 2);
    assert.equal(progress[progress.length - 1].etaSeconds, 0);
  });

  it('cancel stops at the next step and saves; resume gives the report of an uninterrupted run', async () => {
    const entries: EvaluateEntry[] = [{ kind: 'policy', label: 'small', policy: SMALL_POLICY }, { kind: 'baseline', name: 'base' }];
    const whole = await run(request(dataset, entries, { checkpointDir: path.join(tmp.dir, 'ck-whole') }));
    assert.ok(whole.report);

    const dir = path.join(tmp.dir, 'ck-cut');
    const controller = new AbortController();
    const events: EvaluateJobEvent[] = [];
    // Stop in the middle of the second run's first epoch (run 1, step 1).
    const cut = await runEvaluateJob(request(dataset, entries, { checkpointDir: dir }), (e) => {
      events.push(e);
      if (e.kind === 'evaluateProgress' && e.run === 1 && e.step === 1) controller.abort();
    }, controller.signal, BACKEND);
    assert.equal(cut, undefined);
    const cancelled = events.find((e) => e.kind === 'cancelled');
    assert.ok(cancelled && cancelled.kind === 'cancelled' && cancelled.checkpoint);
    const saved = readEvaluateCheckpoint(dir);
    assert.equal(saved.finished.length, 1);
    assert.deepEqual([saved.current?.label, saved.current?.seed, saved.current?.epoch, saved.current?.step], ['base', 0, 0, 2]);

    const resumed = await run(EvaluateRequestSchema.parse({ ...request(dataset, entries), checkpointDir: dir, resume: true }));
    assert.ok(resumed.report);
    const started = resumed.events.find((e) => e.kind === 'evaluateStarted');
    assert.equal(started?.kind === 'evaluateStarted' ? started.resumedRuns : -1, 1);
    assert.deepEqual(resumed.report.entries, whole.report.entries);
    assert.deepEqual(resumed.report.differences, whole.report.differences);
    assert.equal(resumed.report.verdict, whole.report.verdict);
  });

  it('explains bad input: resume without a checkpoint, policies with different bases', async () => {
    await assert.rejects(run(request(dataset, [{ kind: 'baseline', name: 'none' }], { checkpointDir: path.join(tmp.dir, 'nothing'), resume: true })), (e: unknown) => e instanceof UserError && /no evaluation checkpoint to resume from/.test(e.message));
    await assert.rejects(run(request(dataset, [{ kind: 'baseline', name: 'none' }], { resume: true })), (e: unknown) => e instanceof UserError && /checkpoint folder/.test(e.message));
    const a = { ...SMALL_POLICY, base: { cropPadding: 2, flipLR: false, cutout: 0 } };
    const b = { ...SMALL_POLICY, base: { cropPadding: 0, flipLR: true, cutout: 0 } };
    const req = request(dataset, [{ kind: 'policy', label: 'a', policy: a }, { kind: 'policy', label: 'b', policy: b }]);
    await assert.rejects(run({ ...req, base: undefined }), (e: unknown) => e instanceof UserError && /different base transforms \(a: crop \(pad 2\); b: flip LR\).*--base/.test(e.message));
    assert.ok(!fs.existsSync(path.join(tmp.dir, 'nothing')));
  });
});
