import assert from 'node:assert/strict';
import { applyPlans } from '../../src/engine/augment/apply';
import { applyBase, applyBaseDraws } from '../../src/engine/ddas/base';
import { tf, useBackend } from '../../src/engine/tf';
import { applyBaseBytes, createAugmenter, PolicyError, type PolicyInput } from '../../src/runtime';
import { drawBases } from '../../src/shared/base-draw';
import { Rng } from '../../src/shared/rng';
import { samplePlans, type ImagePlan } from '../../src/shared/sampler';
import { loadOpFixtures } from '../engine/op-fixtures';
import { baseCases } from '../support/base-cases';

const UNIFORM: PolicyInput = {
  version: 1,
  opsPerImage: 2,
  applyProbability: 0.7,
  operations: [
    { op: 'Rotate', magnitude: 0.5, probability: 0.3 },
    { op: 'Invert', probability: 0.2 },
    { op: 'Cutout', magnitude: 0.5, probability: 0.2 },
    { op: 'Brightness', magnitude: 1, probability: 0.3 },
  ],
  options: { fill: 7 },
};

const BASE = { cropPadding: 3, flipLR: true, cutout: 4 };
const WITH_BASE: PolicyInput = { ...UNIFORM, base: BASE };

/** Stage 0 inverts every image, stage 1 leaves every image alone. */
const STAGED: PolicyInput = {
  version: 1,
  opsPerImage: 1,
  applyProbability: 1,
  operations: [{ op: 'Identity', probability: 1 }],
  schedule: [
    { untilProgress: 0.5, applyProbability: 1, operations: [{ op: 'Invert', probability: 1 }] },
    { untilProgress: 1, applyProbability: 0, operations: [{ op: 'Invert', probability: 1 }] },
  ],
};

function batch(n: number, h = 12, w = 10, c = 3): tf.Tensor4D {
  const values = Float32Array.from({ length: n * h * w * c }, (_, i) => (i * 37) % 256);
  return tf.tensor4d(values, [n, h, w, c]);
}

describe('runtime augmenter (tfjs)', () => {
  let previous: string | undefined;
  before(async () => {
    previous = tf.getBackend() as string | undefined;
    await useBackend('cpu');
  });
  after(async () => {
    if (previous && tf.getBackend() !== previous) await tf.setBackend(previous);
  });

  it('equals samplePlans + applyPlans on the same seed (the shared semantics), with the policy\'s options', () => {
    const x = batch(16);
    const aug = createAugmenter(UNIFORM, { seed: 3 });
    const y = aug.augment(x);
    const plans = samplePlans(aug.policy, 16, Rng.seeded(3));
    assert.ok(plans.some((p) => p.length === 0) && plans.some((p) => p.length === 2), 'some images augmented, some not');
    const expected = applyPlans(x, plans, { fill: 7, interpolation: 'nearest' });
    assert.deepEqual(y.shape, [16, 12, 10, 3]);
    assert.equal(y.dtype, 'float32');
    assert.deepEqual(y.arraySync(), expected.arraySync());
    tf.dispose([x, y, expected]);
  });

  it('draws anew on every call and continues from a saved rng state', () => {
    const aug = createAugmenter(UNIFORM, { seed: 5 });
    const first = aug.sample(50);
    const state = aug.rngState();
    const second = aug.sample(50);
    assert.notDeepEqual(first, second);
    assert.deepEqual(createAugmenter(UNIFORM, { rngState: state }).sample(50), second);
  });

  it('selects the schedule entry by progress (argument, setProgress, setEpoch)', () => {
    const x = batch(4, 5, 6, 1);
    const aug = createAugmenter(STAGED, { seed: 1 });
    const pixels = x.arraySync();
    const inverted = tf.tidy(() => tf.sub(255, x)).arraySync();
    const run = (progress?: number): unknown => {
      const y = aug.augment(x, progress);
      const v = y.arraySync();
      y.dispose();
      return v;
    };
    assert.deepEqual(run(), inverted);
    assert.deepEqual(run(0.75), pixels);
    aug.setProgress(0.5);
    assert.deepEqual(run(), pixels);
    aug.setEpoch(2, 10);
    assert.equal(aug.progress, 0.2);
    assert.deepEqual(run(), inverted);
    assert.throws(() => aug.setProgress(1.5), /progress must be in \[0, 1\]/);
    x.dispose();
  });

  it('keeps int32 images int32 and leaks no tensors, with and without a base', () => {
    for (const policy of [UNIFORM, WITH_BASE]) {
      const aug = createAugmenter(policy, { seed: 9 });
      const x = tf.tidy(() => tf.cast(batch(8), 'int32')) as tf.Tensor4D;
      const before = tf.memory().numTensors;
      const y = aug.augment(x);
      assert.equal(y.dtype, 'int32');
      assert.equal(tf.memory().numTensors, before + 1);
      const values = y.dataSync();
      assert.ok(values.every((v) => Number.isInteger(v) && v >= 0 && v <= 255));
      tf.dispose([x, y]);
    }
  });

  it('gives the same images from bytes (augmentBytes) as from tensors, for the same seed', () => {
    const x = batch(16);
    const bytes = Uint8Array.from(x.dataSync());
    const fromTensor = createAugmenter(UNIFORM, { seed: 5 }).augment(x);
    const fromBytes = createAugmenter(UNIFORM, { seed: 5 }).augmentBytes(bytes, { width: 10, height: 12, channels: 3 });
    assert.deepEqual(Array.from(fromBytes), Array.from(fromTensor.dataSync()));
    assert.notDeepEqual(Array.from(fromBytes), Array.from(bytes));
    tf.dispose([x, fromTensor]);
    assert.throws(() => createAugmenter(UNIFORM).augmentBytes(bytes.subarray(1), { width: 10, height: 12, channels: 3 }), /not whole 12x10x3 images/);
  });

  it('applies the policy, then its base transform, exactly as the engine does (same seed: plans first, then base draws)', () => {
    const x = batch(16);
    const aug = createAugmenter(WITH_BASE, { seed: 3 });
    assert.deepEqual(aug.base, BASE);
    const y = aug.augment(x);
    const rng = Rng.seeded(3);
    const planned = applyPlans(x, samplePlans(aug.policy, 16, rng), { fill: 7, interpolation: 'nearest' });
    const expected = applyBase(planned, BASE, rng);
    assert.deepEqual(y.arraySync(), expected.arraySync());
    // The base did something: without it the same seed gives other pixels.
    const skipped = createAugmenter(WITH_BASE, { seed: 3, includeBase: false });
    assert.deepEqual(skipped.base, { cropPadding: 0, flipLR: false, cutout: 0 });
    const plain = skipped.augment(x);
    assert.deepEqual(plain.arraySync(), planned.arraySync());
    assert.notDeepEqual(plain.arraySync(), y.arraySync());
    tf.dispose([x, y, planned, expected, plain]);
  });

  it('gives the same images with the base from bytes as from tensors, and sampleBase draws what augment() draws', () => {
    const x = batch(16);
    const bytes = Uint8Array.from(x.dataSync());
    const fromTensor = createAugmenter(WITH_BASE, { seed: 8 }).augment(x);
    const fromBytes = createAugmenter(WITH_BASE, { seed: 8 }).augmentBytes(bytes, { width: 10, height: 12, channels: 3 });
    assert.deepEqual(Array.from(fromBytes), Array.from(fromTensor.dataSync()));
    const aug = createAugmenter(WITH_BASE, { seed: 8 });
    const plans = aug.sample(16);
    const draws = aug.sampleBase(16);
    const rng = Rng.seeded(8);
    samplePlans(aug.policy, 16, rng);
    assert.deepEqual(draws, drawBases(BASE, 16, rng));
    assert.deepEqual(Array.from(aug.augmentBytesWith(bytes, { width: 10, height: 12, channels: 3 }, plans, draws)), Array.from(fromBytes));
    const withTensor = aug.augmentWith(x, plans, draws);
    assert.deepEqual(Array.from(withTensor.dataSync()), Array.from(fromBytes));
    assert.throws(() => aug.augmentWith(x, plans, draws.slice(1)), /16 plans and 15 base draws for 16 images/);
    tf.dispose([x, fromTensor, withTensor]);
  });

  it('base transform: bytes, tensors and the engine\'s applyBaseDraws agree pixel for pixel on real grayscale and RGB images', () => {
    let compared = 0;
    for (const f of loadOpFixtures()) {
      const frame = { width: f.width, height: f.height, channels: f.channels };
      for (const { base, draws } of baseCases()) {
        const n = draws.length;
        const pixels = new Uint8Array(n * f.source.length);
        for (let i = 0; i < n; i++) pixels.set(f.source, i * f.source.length);
        const x = tf.tensor4d(Float32Array.from(pixels), [n, f.height, f.width, f.channels]);
        const engine = applyBaseDraws(x, base, draws);
        const bytes = applyBaseBytes(pixels, frame, base, draws);
        assert.deepEqual(Array.from(bytes), Array.from(engine.dataSync()), `${f.name} ${JSON.stringify(base)}`);
        const aug = createAugmenter({ ...UNIFORM, base }, { seed: 0 });
        const none: ImagePlan[] = draws.map(() => []);
        const viaRuntime = aug.augmentWith(x, none, draws);
        assert.deepEqual(Array.from(viaRuntime.dataSync()), Array.from(bytes), `${f.name} ${JSON.stringify(base)} (augmentWith)`);
        tf.dispose([x, engine, viaRuntime]);
        compared += n;
      }
    }
    assert.ok(compared >= 200, `compared ${compared} images`);
  });

  it('refuses invalid policies and inputs with messages that say what is wrong', () => {
    assert.throws(
      () => createAugmenter({ ...UNIFORM, operations: [{ op: 'Rotate', magnitude: 0.5, probability: 0.5 }] }),
      (e: unknown) => e instanceof PolicyError && /operations: probabilities sum to 0\.5/.test(e.message) && e.problems[0].path === 'operations',
    );
    const aug = createAugmenter(UNIFORM, { seed: 0 });
    const four = tf.zeros([2, 4, 4, 4]) as tf.Tensor4D;
    assert.throws(() => aug.augment(four), /1 or 3 channels, got 4/);
    four.dispose();
  });
});
