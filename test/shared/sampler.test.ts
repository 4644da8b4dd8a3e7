import assert from 'node:assert/strict';
import { chiSquareP, policyOf } from '../support/stats';
import { Rng } from '../../src/shared/rng';
import { fixedOpPlans, samplePlans } from '../../src/shared/sampler';



const POLICY = policyOf({
  version: 1,
  opsPerImage: 2,
  applyProbability: 0.3,
  operations: [
    { op: 'Identity', probability: 0.1 },
    { op: 'Rotate', magnitude: 0.5, probability: 0.4 },
    { op: 'Rotate', magnitude: 1, probability: 0.2 },
    { op: 'Equalize', probability: 0.25 },
    { op: 'Cutout', magnitude: 0.25, probability: 0.05 },
  ],
});

describe('policy sampler', () => {
  const N = 20000;
  const plans = samplePlans(POLICY, N, Rng.seeded(7));

  it('augments an image with probability applyProbability (chi-square)', () => {
    const augmented = plans.filter((p) => p.length > 0).length;
    const p = chiSquareP([augmented, N - augmented], [0.3, 0.7]);
    assert.ok(p > 0.001, `augmented ${augmented}/${N}, p = ${p}`);
    // The same counts are clearly inconsistent with a different level 1: the test has power.
    assert.ok(chiSquareP([augmented, N - augmented], [0.33, 0.67]) < 0.001);
  });

  it('draws opsPerImage ops i.i.d. from the level-2 distribution (chi-square)', () => {
    const keys = POLICY.operations.map((o) => ('magnitude' in o ? `${o.op}@${o.magnitude}` : o.op));
    const counts = new Array<number>(keys.length).fill(0);
    const pairCounts = new Map<string, number>();
    for (const plan of plans) {
      if (plan.length === 0) continue;
      assert.equal(plan.length, 2);
      const ks = plan.map((a) => (a.op === 'Rotate' || a.op === 'Cutout' ? `${a.op}@${a.magnitude}` : a.op));
      for (const k of ks) counts[keys.indexOf(k)]++;
      pairCounts.set(ks.join('+'), (pairCounts.get(ks.join('+')) ?? 0) + 1);
    }
    const probs = POLICY.operations.map((o) => o.probability);
    const p = chiSquareP(counts, probs);
    assert.ok(p > 0.001, `counts ${counts}, p = ${p}`);
    assert.ok(chiSquareP(counts, [0.12, 0.38, 0.2, 0.25, 0.05]) < 0.001, 'test lacks power');
    // Independence of the two draws: ordered pairs follow the product distribution.
    const pairKeys = keys.flatMap((a) => keys.map((b) => `${a}+${b}`));
    const pairProbs = probs.flatMap((a) => probs.map((b) => a * b));
    const pairObserved = pairKeys.map((k) => pairCounts.get(k) ?? 0);
    const keep = pairProbs.map((_, i) => i).filter((i) => pairProbs[i] * (N * 0.3) >= 5); // chi-square needs expected >= 5
    const kept = keep.map((i) => pairProbs[i]);
    const total = kept.reduce((a, b) => a + b, 0);
    const pPairs = chiSquareP(keep.map((i) => pairObserved[i]), kept.map((q) => q / total));
    assert.ok(pPairs > 0.001, `pair p = ${pPairs}`);
  });

  it('draws signs of signed ops evenly and none for unsigned ops', () => {
    const rot = plans.flat().filter((a) => a.op === 'Rotate');
    const plus = rot.filter((a) => a.sign === 1).length;
    assert.ok(chiSquareP([plus, rot.length - plus], [0.5, 0.5]) > 0.001);
    assert.ok(plans.flat().filter((a) => a.op === 'Cutout').every((a) => a.sign === 1));
    const cut = plans.flat().filter((a) => a.op === 'Cutout');
    assert.ok(cut.length > 0 && cut.every((a) => a.position[0] >= 0 && a.position[0] < 1 && a.position[1] >= 0 && a.position[1] < 1));
    assert.ok(new Set(cut.map((a) => a.position[0])).size > cut.length * 0.9, 'Cutout positions should vary per image');
  });

  it('is deterministic for a seed and differs across seeds', () => {
    assert.deepEqual(samplePlans(POLICY, 200, Rng.seeded(3)), samplePlans(POLICY, 200, Rng.seeded(3)));
    assert.notDeepEqual(samplePlans(POLICY, 200, Rng.seeded(3)), samplePlans(POLICY, 200, Rng.seeded(4)));
  });

  it('resumes the same stream from a saved RNG state', () => {
    const a = Rng.seeded(11);
    samplePlans(POLICY, 50, a);
    const b = Rng.fromState(a.state());
    assert.deepEqual(samplePlans(POLICY, 50, a), samplePlans(POLICY, 50, b));
  });

  it('follows the schedule at the given training progress', () => {
    const scheduled = policyOf({
      ...POLICY,
      schedule: [
        { untilProgress: 0.5, applyProbability: 0, operations: [{ op: 'Identity', probability: 1 }] },
        { untilProgress: 1, applyProbability: 1, operations: [{ op: 'Invert', probability: 1 }] },
      ],
    });
    assert.ok(samplePlans(scheduled, 100, Rng.seeded(1), 0.2).every((p) => p.length === 0));
    assert.ok(samplePlans(scheduled, 100, Rng.seeded(1), 0.7).every((p) => p.length === 2 && p.every((a) => a.op === 'Invert')));
  });

  it('fixes sign and magnitude for a single-op plan unless the sign is random', () => {
    const fixed = fixedOpPlans('Rotate', 0.75, -1, 10, Rng.seeded(1));
    assert.ok(fixed.every((p) => p.length === 1 && p[0].sign === -1 && p[0].magnitude === 0.75));
    const random = fixedOpPlans('Rotate', 0.75, 'random', 200, Rng.seeded(1));
    const plus = random.filter((p) => p[0].sign === 1).length;
    assert.ok(plus > 60 && plus < 140);
    assert.ok(fixedOpPlans('Solarize', 0.5, -1, 5, Rng.seeded(1)).every((p) => p[0].sign === 1), 'unsigned ops ignore the sign');
  });
});
