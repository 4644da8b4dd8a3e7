import assert from 'node:assert/strict';
import { validatePolicy } from '../../src/shared/policy';
import { Rng } from '../../src/shared/rng';
import { buildSpace, categoryKey } from '../../src/shared/space';
import { applyPlans } from '../../src/engine/augment';
import { registerWasmTrainingKernels } from '../../src/engine/backend/kernels';
import { DdasSearch, applyBase, type DdasOptions, type SearchEvent } from '../../src/engine/ddas';
import { batchTensors, type SearchData } from '../../src/engine/ddas/data';
import { evidenceWeight } from '../../src/engine/ddas/result';
import { logit, sigmoid, softmax, subPolicyPlans, subPolicyProbability } from '../../src/engine/ddas/distribution';
import { lossGradients, mixingCoefficients, modelStep, mixedStep, surrogateGradient } from '../../src/engine/ddas/step';
import { cornerSearchData } from '../../src/engine/ddas/synthetic';
import { crossEntropy, createNet, ParamSet, resnetSmall, type ProxyNet } from '../../src/engine/nn';
import { tf, useBackend } from '../../src/engine/tf';

/** The flips turn every corner image into another class; the rest keep the label. */
const FLIPS = ['FlipLR', 'FlipUD'];
const LEARN_SPACE = buildSpace(['FlipLR', 'FlipUD', 'Brightness', 'Contrast', 'TranslateX', 'TranslateY'], [0.25, 0.5]);

function tinyOptions(over: DdasOptions = {}): DdasOptions {
  return { model: { kind: 'resnet', widths: [3, 4, 4] }, space: LEARN_SPACE, epochs: 2, batch: 16, valBatch: 32, base: { cropPadding: 2, flipLR: true, cutout: 4 }, evalEachEpoch: true, ...over };
}

function relativeError(a: readonly number[], b: readonly number[]): number {
  let num = 0;
  let den = 0;
  a.forEach((v, i) => {
    num += (v - b[i]) ** 2;
    den += b[i] ** 2;
  });
  return Math.sqrt(num / den);
}

describe('DDAS search', function () {
  this.timeout(60000);

  before(async () => {
    registerWasmTrainingKernels();
    await useBackend('wasm');
  });

  describe('proxy nets', () => {
    it('resnet-small has about 78k parameters and trains on 28x28x1 and 32x32x3', () => {
      for (const [size, channels, expected] of [[28, 1, 77754], [32, 3, 78042]] as const) {
        const net = createNet('resnet-small', { height: size, width: size, channels, classes: 10, mean: Array(channels).fill(0.5), std: Array(channels).fill(0.25) });
        const params = ParamSet.create(net.params, Rng.seeded(0));
        assert.equal(params.count, expected);
        const x = tf.randomUniform([2, size, size, channels], 0, 255, 'float32', 1) as tf.Tensor4D;
        const y = tf.tensor1d([1, 7], 'int32');
        const grads = tf.grads((...ws: tf.Tensor[]) => tf.sum(crossEntropy(net.forward(params.bind(ws), x, { training: true }), y)))([...params.variables]);
        assert.equal(grads.length, net.params.length);
        grads.forEach((g, i) => assert.deepEqual(g.shape, [...net.params[i].shape]));
        tf.dispose([x, y, ...grads]);
        params.dispose();
      }
    });

    it('wrn-40-2 builds (about 2.2M parameters) and runs a forward/backward pass', () => {
      const net = createNet('wrn-40-2', { height: 32, width: 32, channels: 3, classes: 10, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
      const params = ParamSet.create(net.params, Rng.seeded(0));
      const buffers = ParamSet.create(net.buffers, Rng.seeded(0), false);
      assert.ok(params.count > 2.1e6 && params.count < 2.3e6, `${params.count} parameters`);
      const x = tf.randomUniform([2, 32, 32, 3], 0, 255, 'float32', 2) as tf.Tensor4D;
      const y = tf.tensor1d([3, 4], 'int32');
      const grads = tf.grads((...ws: tf.Tensor[]) => tf.sum(crossEntropy(net.forward(params.bind(ws), x, { training: true }), y)))([...params.variables]);
      const norm = tf.tidy(() => tf.addN(grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0]);
      assert.ok(Number.isFinite(norm) && norm > 0);
      const logits = net.forward(params.params, x, { training: false, buffers: buffers.params });
      assert.deepEqual(logits.shape, [2, 10]);
      tf.dispose([x, y, logits, ...grads]);
      params.dispose();
      buffers.dispose();
    });

    it('parameter sets flatten, unflatten and store to plain data', () => {
      const net = resnetSmall({ height: 8, width: 8, channels: 1, classes: 4, mean: [0.5], std: [0.25] }, { widths: [2, 3, 3] });
      const a = ParamSet.create(net.params, Rng.seeded(5));
      const b = ParamSet.create(net.params, Rng.seeded(6));
      const flat = a.flatten();
      assert.equal(flat.length, a.count);
      assert.notDeepEqual(b.flatten(), flat);
      b.unflatten(flat);
      assert.deepEqual(b.flatten(), flat);
      const c = ParamSet.create(net.params, Rng.seeded(7));
      c.loadStored(JSON.parse(JSON.stringify(a.toStored())));
      assert.deepEqual(c.flatten(), flat);
      [a, b, c].forEach((p) => p.dispose());
    });
  });

  describe('base transform', () => {
    it('random crop shifts by at most the padding, zero-filled; flip mirrors; no flip when off', () => {
      const n = 8;
      const pixels = Float32Array.from({ length: n * 6 * 6 }, (_, i) => 1 + (i % 200));
      const x = tf.tensor4d(pixels, [n, 6, 6, 1]);
      const crop = applyBase(x, { cropPadding: 2, flipLR: false, cutout: 0 }, Rng.seeded(1)).arraySync() as number[][][][];
      const src = x.arraySync() as number[][][][];
      for (let i = 0; i < n; i++) {
        const found = [-2, -1, 0, 1, 2].some((dy) => [-2, -1, 0, 1, 2].some((dx) => crop[i].every((row, y) => row.every((v, xx) => v[0] === (src[i][y + dy]?.[xx + dx]?.[0] ?? 0)))));
        assert.ok(found, `image ${i} is not a shifted copy`);
      }
      const flip = applyBase(x, { cropPadding: 0, flipLR: true, cutout: 0 }, Rng.seeded(2)).arraySync() as number[][][][];
      let mirrored = 0;
      for (let i = 0; i < n; i++) {
        const same = flip[i].every((row, y) => row.every((v, xx) => v[0] === src[i][y][xx][0]));
        const mirror = flip[i].every((row, y) => row.every((v, xx) => v[0] === src[i][y][5 - xx][0]));
        assert.ok(same || mirror);
        if (mirror) mirrored++;
      }
      assert.ok(mirrored > 0 && mirrored < n, `${mirrored} of ${n} mirrored`);
      x.dispose();
    });
  });

  describe('(a) gradient of the surrogate = gradient of L_val(w\'), by central differences', () => {
    // A tiny net on 8x8 images; the check is exact calculus (w' is linear in the mixing
    // weights), so central differences in float32 agree closely.
    const xi = 0.05;
    let net: ProxyNet;
    let data: SearchData;
    let weights: ParamSet;
    let buffers: ParamSet;
    let w0: Float32Array;
    let x0: tf.Tensor4D;
    let xs: tf.Tensor4D[];
    let labels: tf.Tensor1D;
    let val: tf.Tensor4D;
    let valLabels: tf.Tensor1D;
    let g: tf.Tensor[][];
    const space = buildSpace(['FlipLR', 'FlipUD', 'Brightness', 'Invert'], [0.5, 1]);
    const subPolicies = [[0, 2], [3, 4], [1, 0]];
    const alpha = Float64Array.from(space, (_, i) => 0.3 * Math.sin(i + 1));
    const beta = logit(0.35);

    before(() => {
      data = cornerSearchData(16, 24, 3, { size: 8, arm: 4, noise: 10 });
      net = resnetSmall({ height: 8, width: 8, channels: 1, classes: 4, mean: [0.3], std: [0.2] }, { widths: [3, 4, 4] });
      weights = ParamSet.create(net.params, Rng.seeded(11));
      buffers = ParamSet.create(net.buffers, Rng.seeded(11), false);
      w0 = weights.flatten();
      const train = batchTensors(data.train, Array.from({ length: 16 }, (_, i) => i), data);
      x0 = train.x;
      labels = train.labels;
      xs = subPolicies.map((sub, j) => applyPlans(train.x, subPolicyPlans(space, sub, 16, Rng.seeded(20 + j))));
      const v = batchTensors(data.val, Array.from({ length: 24 }, (_, i) => i), data);
      val = v.x;
      valLabels = v.labels;
      g = [x0, ...xs].map((x) => lossGradients(net, weights, x, labels, 'sum').grads);
    });

    after(() => {
      tf.dispose([x0, labels, val, valLabels, ...xs, ...g.flat()]);
      weights.dispose();
      buffers.dispose();
    });

    /** Mean validation loss at w' = w - xi * sum_i coeffs[i] g_i (coeffs over g_0..g_J). */
    function valLossAt(coeffs: readonly number[]): number {
      weights.unflatten(w0);
      const next = mixedStep(weights.variables, g, coeffs, xi);
      const loss = tf.tidy(() => tf.mean(crossEntropy(net.forward(weights.bind(next), val, { training: true }), valLabels)).dataSync()[0]);
      tf.dispose(next);
      return loss;
    }

    function pk(a: ArrayLike<number>): number[] {
      const p = softmax(a);
      return subPolicies.map((s) => subPolicyProbability(p, s));
    }

    /** The code's own step at (alpha, beta): un-normalised d and the surrogate gradient fed with it. */
    function analytic(): { d: number[]; dS: { alpha: Float64Array; beta: number } } {
      weights.unflatten(w0);
      const probs = pk(alpha);
      const r = modelStep(net, weights, buffers, { x0, xs, labels, val, valLabels }, sigmoid(beta), probs, xi);
      weights.unflatten(w0);
      return { d: r.d, dS: surrogateGradient(alpha, beta, subPolicies, r.d) };
    }

    it('d_j = <g_j - g_0, g_V> is -1/xi times dL_val(w\')/d(mixing weight j) (mass taken from g_0)', () => {
      const { d } = analytic();
      const base = mixingCoefficients(sigmoid(beta), pk(alpha));
      // Steps in lambda move w' by xi * h * |g_j - g_0|: keep h small (L is curved along g_j).
      const h = 1e-3;
      const fd = d.map((_, j) => {
        const plus = base.slice();
        const minus = base.slice();
        plus[j + 1] += h;
        plus[0] -= h;
        minus[j + 1] -= h;
        minus[0] += h;
        return (valLossAt(plus) - valLossAt(minus)) / (2 * h);
      });
      const expected = d.map((v) => -xi * v);
      const err = relativeError(fd, expected);
      console.log(`      d = [${d.map((v) => v.toFixed(4)).join(', ')}]; FD dL/dlambda = [${fd.map((v) => v.toFixed(5)).join(', ')}], -xi d = [${expected.map((v) => v.toFixed(5)).join(', ')}], rel. error ${err.toExponential(2)}`);
      assert.ok(d.some((v) => Math.abs(v) > 1e-3), 'd is not degenerate');
      assert.ok(err < 0.05, `relative error ${err}`);
      fd.forEach((v, j) => assert.equal(Math.sign(v), Math.sign(expected[j]), `sign of component ${j}`));
    });

    it('dS/dalpha and dS/dbeta (un-normalised d) equal 1/xi times the finite-difference gradient of L_val(w\'(alpha, beta))', () => {
      const { dS } = analytic();
      // w'(alpha, beta) exactly as DESIGN writes the step: (1 - p_aug) g_0 + p_aug sum_j (p_kj / Z) g_j,
      // Z = sum_j p_kj recomputed at every alpha (the renormalised mixing the step uses).
      const lossAt = (a: Float64Array, b: number): number => valLossAt(mixingCoefficients(sigmoid(b), pk(a)));
      const h = 1e-2;
      const fdAlpha = Array.from(alpha, (_, k) => {
        const plus = alpha.slice();
        const minus = alpha.slice();
        plus[k] += h;
        minus[k] -= h;
        return (lossAt(plus, beta) - lossAt(minus, beta)) / (2 * h);
      });
      const hb = 2e-3;
      const fdBeta = (lossAt(alpha, beta + hb) - lossAt(alpha, beta - hb)) / (2 * hb);
      const expectedAlpha = Array.from(dS.alpha, (v) => xi * v);
      const errAlpha = relativeError(fdAlpha, expectedAlpha);
      const errBeta = Math.abs(fdBeta - xi * dS.beta) / Math.abs(xi * dS.beta);
      console.log(`      dL/dalpha FD [${fdAlpha.map((v) => v.toExponential(2)).join(', ')}] vs xi dS/dalpha [${expectedAlpha.map((v) => v.toExponential(2)).join(', ')}]: rel. error ${errAlpha.toExponential(2)}`);
      console.log(`      dL/dbeta FD ${fdBeta.toExponential(3)} vs xi dS/dbeta ${(xi * dS.beta).toExponential(3)}: rel. error ${errBeta.toExponential(2)}`);
      assert.ok(errAlpha < 0.05, `alpha: relative error ${errAlpha}`);
      assert.ok(errBeta < 0.05, `beta: relative error ${errBeta}`);
      // Categories in no sub-policy still move (softmax coupling); the signs must agree too.
      fdAlpha.forEach((v, k) => {
        if (Math.abs(v) > 0.05 * Math.max(...fdAlpha.map(Math.abs))) assert.equal(Math.sign(v), Math.sign(expectedAlpha[k]), `sign of dS/dalpha[${k}]`);
      });
    });
  });

  describe('(b) determinism', () => {
    function run(seed: number): { p: number[]; pAug: number; weights: string } {
      const s = DdasSearch.create(cornerSearchData(64, 32, 1, { size: 12 }), tinyOptions({ seed, epochs: 1, lrAlpha: 0.05 }));
      s.step();
      const tensors = tf.memory().numTensors;
      for (let i = 0; i < 2; i++) s.step();
      assert.equal(tf.memory().numTensors, tensors, 'a step leaks no tensors');
      const out = { p: s.p, pAug: s.pAug, weights: s.state().weights.map((w) => w.data).join('') };
      s.dispose();
      return out;
    }

    it('the same seed gives identical p, p_aug and weights; another seed does not', () => {
      const a = run(1);
      const b = run(1);
      const c = run(2);
      assert.deepEqual(a.p, b.p);
      assert.equal(a.pAug, b.pAug);
      assert.equal(a.weights, b.weights);
      assert.notDeepEqual(a.p, c.p);
      assert.notEqual(a.pAug, c.pAug);
    });
  });

  describe('(c) it learns: label-destroying flips lose probability on an orientation task', () => {
    function search(data: SearchData): { ratio: Record<string, number>; pAug: number; accuracy: number; seconds: number } {
      const s = DdasSearch.create(data, {
        model: { kind: 'resnet', widths: [4, 8, 8] },
        space: LEARN_SPACE,
        epochs: 5,
        batch: 32,
        valBatch: 128,
        // The paper's 0.005 is tuned for ~1,260 steps; 100 steps need ten times that.
        lrAlpha: 0.05,
        base: { cropPadding: 2, flipLR: false, cutout: 0 },
        seed: 0,
        evalEachEpoch: true,
      });
      const t0 = performance.now();
      while (!s.done) s.step();
      const seconds = (performance.now() - t0) / 1000;
      const uniform = 1 / LEARN_SPACE.length;
      const ratio = Object.fromEntries(s.categories.map((c, i) => [c, s.p[i] / uniform]));
      const out = { ratio, pAug: s.pAug, accuracy: s.history[s.history.length - 1].valAccuracy, seconds };
      s.dispose();
      return out;
    }

    function describeRatios(r: Record<string, number>): string {
      return Object.entries(r)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', ');
    }

    it('flips end far below their uniform share, label-preserving ops above; not with random labels', function () {
      this.timeout(120000);
      const data = cornerSearchData(640, 256, 1);
      const learned = search(data);
      const shuffled = cornerSearchData(640, 256, 1);
      const rng = Rng.seeded(99);
      for (const set of [shuffled.train, shuffled.val]) for (let i = 0; i < set.labels.length; i++) (set.labels as Int32Array)[i] = rng.int(4);
      const control = search(shuffled);
      console.log(`      orientation labels (100 steps, ${learned.seconds.toFixed(1)} s, held-out acc ${learned.accuracy.toFixed(3)}, p_aug ${learned.pAug.toFixed(3)}): ${describeRatios(learned.ratio)}`);
      console.log(`      random labels     (100 steps, ${control.seconds.toFixed(1)} s, held-out acc ${control.accuracy.toFixed(3)}, p_aug ${control.pAug.toFixed(3)}): ${describeRatios(control.ratio)}`);
      assert.ok(learned.accuracy > 0.75, `the proxy learned the task (${learned.accuracy})`);
      const keys = LEARN_SPACE.map(categoryKey);
      const flips = keys.filter((k) => FLIPS.includes(k));
      const harmless = keys.filter((k) => !FLIPS.includes(k));
      for (const k of flips) assert.ok(learned.ratio[k] < 0.3, `${k} at ${learned.ratio[k]} of its uniform share`);
      const harmlessMean = harmless.reduce((s, k) => s + learned.ratio[k], 0) / harmless.length;
      assert.ok(harmlessMean > 1.1, `label-preserving ops at ${harmlessMean} of their uniform share`);
      const controlFlips = flips.reduce((s, k) => s + control.ratio[k], 0) / flips.length;
      // Random-label drift is noise that float-level kernel changes move around (0.52 after
      // the issue 6 kernels); the point is that it stays well above the learned < 0.3.
      assert.ok(controlFlips > 0.4, `with random labels the flips keep their share (${controlFlips})`);
    });
  });

  describe('(d) cancellation and checkpoints', () => {
    const data = (): SearchData => cornerSearchData(48, 32, 4, { size: 12 });

    it('an aborted search stops within one step', async () => {
      const s = DdasSearch.create(data(), tinyOptions({ epochs: 3 }));
      const controller = new AbortController();
      const events: SearchEvent[] = [];
      const outcome = await s.run({
        signal: controller.signal,
        emit: (e) => {
          events.push(e);
          if (e.kind === 'progress' && e.step === 1) controller.abort();
        },
      });
      assert.deepEqual(outcome, { status: 'cancelled' });
      assert.equal(s.globalStep, 2);
      assert.equal(events.filter((e) => e.kind === 'progress').length, 2);
      s.dispose();
    });

    it('restoring state() mid-epoch and continuing equals the uninterrupted search', async () => {
      const options = tinyOptions({ epochs: 3, explore: 0.5, lrAlpha: 0.05, seed: 9 });
      const whole = DdasSearch.create(data(), options);
      const events: SearchEvent[] = [];
      assert.deepEqual(await whole.run({ emit: (e) => events.push(e) }), { status: 'done' });
      assert.equal(events.filter((e) => e.kind === 'snapshot').length, 3);

      const first = DdasSearch.create(data(), options);
      for (let i = 0; i < 4; i++) first.step(); // 3 steps per epoch: stops inside epoch 2
      const saved = JSON.stringify(first.state());
      first.dispose();
      const resumed = DdasSearch.restore(data(), JSON.parse(saved));
      assert.deepEqual(resumed.position, { epoch: 1, step: 1 });
      await resumed.run();

      assert.deepEqual(resumed.p, whole.p);
      assert.equal(resumed.pAug, whole.pAug);
      const strip = (st: ReturnType<DdasSearch['state']>): unknown => ({ ...st, seconds: 0 });
      assert.deepEqual(strip(resumed.state()), strip(whole.state()));
      whole.dispose();
      resumed.dispose();
    });

    it('the result is a valid policy with a per-epoch schedule', async () => {
      const s = DdasSearch.create(data(), tinyOptions({ epochs: 2, space: buildSpace() }));
      await s.run();
      const policy = s.policy({ dataset: { path: 'synthetic:corners', images: 80 }, backend: 'wasm' });
      const checked = validatePolicy(policy);
      assert.ok(checked.ok, checked.ok ? '' : JSON.stringify(checked.problems));
      assert.equal(policy.operations.length, 56);
      assert.equal(policy.schedule?.length, 2);
      assert.deepEqual(policy.schedule?.map((e) => e.untilProgress), [0.5, 1]);
      // The learned p_aug, scaled by the evidence that augmenting helps (result.ts).
      const weight = evidenceWeight(policy.search?.evidence);
      assert.ok(weight > 0 && weight <= 1);
      assert.equal(policy.applyProbability, Math.round(s.pAug * weight * 1e6) / 1e6);
      if (weight < 1) assert.equal(policy.search?.learnedApplyProbability, Math.round(s.pAug * 1e6) / 1e6);
      assert.equal(policy.search?.model, 'resnet(3/4/4)');
      assert.ok(Math.abs(policy.operations.reduce((a, o) => a + o.probability, 0) - 1) < 1e-6);
      s.dispose();
    });
  });
});

