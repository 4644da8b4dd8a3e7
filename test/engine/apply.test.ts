/**
 * Plan application: the one-kernel batch path (applyPlans), the uint8 path
 * (augmentBatch / augmentRaw) and single ops (BATCH_OPS) must all mean the same thing.
 */
import assert from 'node:assert/strict';
import { applyPlans, augmentBatch, augmentRaw, BATCH_OPS } from '../../src/engine/augment';
import { tf, useBackend } from '../../src/engine/tf';
import { opParameter } from '../../src/shared/ops';
import { validatePolicy } from '../../src/shared/policy';
import { Rng } from '../../src/shared/rng';
import { samplePlans, type ImagePlan } from '../../src/shared/sampler';
import { buildSpace } from '../../src/shared/space';

const FRAME = { width: 13, height: 11, channels: 3 } as const;
const N = 24;

function texture(n: number, seed: number): Uint8Array {
  const rng = Rng.seeded(seed);
  return Uint8Array.from({ length: n * FRAME.width * FRAME.height * FRAME.channels }, (_, i) => (i % 7 === 0 ? rng.int(256) : (i * 37) % 256));
}

/** A uniform policy over every category of the default space, n = 3, p = 0.8. */
function plans(seed: number): ImagePlan[] {
  const space = buildSpace();
  const operations = space.map((c) => ({ op: c.op, probability: 1 / space.length, ...(c.magnitude === undefined ? {} : { magnitude: c.magnitude }) }));
  const checked = validatePolicy({ version: 1, opsPerImage: 3, applyProbability: 0.8, operations });
  if (!checked.ok) throw new Error('test policy invalid');
  return samplePlans(checked.policy, N, Rng.seeded(seed));
}

/** Image i after its plan, one BATCH_OPS call per step on a batch of one. */
function stepByStep(bytes: Uint8Array, plan: ImagePlan, fill: number): number[] {
  let x = tf.tensor4d(Float32Array.from(bytes), [1, FRAME.height, FRAME.width, FRAME.channels]);
  for (const a of plan) {
    const param = Float64Array.of(opParameter(a.op, a.magnitude, a.sign, FRAME));
    const y = BATCH_OPS[a.op](x, param, { positions: Float32Array.from(a.position), fill, interpolation: 'nearest' });
    x.dispose();
    x = y;
  }
  const out = Array.from(x.dataSync());
  x.dispose();
  return out;
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`plan application on ${backend}`, function () {
    before(async function () {
      await useBackend(backend);
    });

    it('applies each image its own plan, in order, as single ops would', function () {
      const bytes = texture(N, 1);
      const p = plans(2);
      assert.ok(p.some((plan) => plan.length === 0) && p.some((plan) => plan.length === 3), 'the plans mix untouched and augmented images');
      const out = tf.tidy(() => applyPlans(tf.tensor4d(Float32Array.from(bytes), [N, FRAME.height, FRAME.width, FRAME.channels]), p, { fill: 77 }));
      const values = out.dataSync();
      out.dispose();
      const size = FRAME.width * FRAME.height * FRAME.channels;
      for (let i = 0; i < N; i++) {
        const expected = stepByStep(bytes.subarray(i * size, (i + 1) * size), p[i], 77);
        assert.deepEqual(Array.from(values.subarray(i * size, (i + 1) * size)), expected, `image ${i}: ${p[i].map((a) => a.op).join(', ') || 'no ops'}`);
      }
    });

    it('gives the same bytes on the uint8 path as on the tensor path', function () {
      const bytes = texture(N, 3);
      const p = plans(4);
      const viaBytes = augmentBatch(bytes, FRAME, p, { interpolation: 'bilinear', fill: 5 });
      const out = tf.tidy(() => applyPlans(tf.tensor4d(Float32Array.from(bytes), [N, FRAME.height, FRAME.width, FRAME.channels]), p, { interpolation: 'bilinear', fill: 5 }));
      assert.deepEqual(Array.from(out.dataSync()), Array.from(viaBytes));
      out.dispose();
      assert.notDeepEqual(Array.from(viaBytes), Array.from(bytes), 'the policy changed something');
    });

    it('clips out-of-range float input instead of wrapping it, and leaks no tensors', function () {
      const before = tf.memory().numTensors;
      const x = tf.tensor4d([-5, 300, 128, 255.4], [1, 1, 4, 1]);
      const y = applyPlans(x, [[{ op: 'Invert', magnitude: 0, sign: 1, position: [0.5, 0.5] }]]);
      assert.deepEqual(Array.from(y.dataSync()), [255, 0, 127, 0]);
      tf.dispose([x, y]);
      assert.equal(tf.memory().numTensors, before);
    });

    it('rejects plans that do not match the batch', function () {
      const x = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
      assert.throws(() => applyPlans(x, [[]]), /1 plans for a batch of 2/);
      x.dispose();
    });
  });
}

describe('augmentRaw', function () {
  it('augments images of different sizes and channel counts, each by its own plan', function () {
    const gray = { width: 5, height: 4, channels: 1 as const, pixels: Uint8Array.from({ length: 20 }, (_, i) => i * 10) };
    const rgb = { width: 3, height: 2, channels: 3 as const, pixels: Uint8Array.from({ length: 18 }, (_, i) => 200 - i) };
    const [g, c] = augmentRaw([gray, rgb], [[{ op: 'Invert', magnitude: 0, sign: 1, position: [0.5, 0.5] }], []]);
    assert.deepEqual(Array.from(g.pixels), Array.from(gray.pixels, (v) => 255 - v));
    assert.deepEqual(c, rgb);
    assert.notEqual(c.pixels, rgb.pixels, 'a new array, not the input');
  });
});
