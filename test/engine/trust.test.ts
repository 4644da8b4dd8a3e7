import assert from 'node:assert/strict';
import { EvidenceAccumulator, MIN_SAMPLES, bonferroniZ, normalQuantile } from '../../src/engine/ddas/evidence';
import { fitSpace } from '../../src/engine/ddas/fit-space';
import { evidenceWeight } from '../../src/engine/ddas/result';
import { surrogateGradient } from '../../src/engine/ddas/step';
import { arrowImages, cornerImages } from '../../src/engine/ddas/synthetic';
import { Rng } from '../../src/shared/rng';
import { buildSpace, categoryKey } from '../../src/shared/space';

describe('trustworthy search: fitted space, evidence, exact surrogate gradient', () => {
  describe('fitSpace', () => {
    it('leaves out Identity always and Color on grayscale, keeps Color on colour images, with reasons', () => {
      const space = buildSpace(['Identity', 'Color', 'FlipLR', 'Rotate'], [0.5]);
      const gray = fitSpace(space, cornerImages(16, 1, { size: 12 }), { width: 12, height: 12, channels: 1 }, Rng.seeded(0));
      assert.deepEqual(gray.space.map(categoryKey), ['FlipLR', 'Rotate@0.5']);
      assert.deepEqual(gray.leftOut.map((l) => l.category), ['Identity', 'Color@0.5']);
      assert.match(gray.leftOut[1].reason, /grayscale/);
      const colour = fitSpace(space, arrowImages(16, 1, { size: 16 }), { width: 16, height: 16, channels: 3 }, Rng.seeded(0));
      assert.deepEqual(colour.space.map(categoryKey), ['Color@0.5', 'FlipLR', 'Rotate@0.5']);
    });

    it('returns an empty space without throwing when nothing changes the images', () => {
      const flat = { pixels: new Uint8Array(4 * 8 * 8).fill(128), labels: new Int32Array(4) };
      const fitted = fitSpace(buildSpace(['FlipLR', 'FlipUD', 'Color'], [0.5]), flat, { width: 8, height: 8, channels: 1 }, Rng.seeded(0));
      assert.equal(fitted.space.length, 0);
      assert.equal(fitted.leftOut.length, 3);
    });
  });

  describe('EvidenceAccumulator', () => {
    it('computes means, standard errors and Bonferroni verdicts exactly as defined', () => {
      const ev = new EvidenceAccumulator(3);
      // Two sub-policies per step: [0] and [1]; category 2 never drawn.
      const steps = [
        [0.5, -0.5],
        [0.3, -0.7],
        [0.4, -0.6],
        [0.6, -0.4],
        [0.5, -0.5],
        [0.2, -0.8],
        [0.4, -0.6],
        [0.5, -0.5],
      ];
      for (const d of steps) ev.add([[0], [1]], d);
      const s = ev.summary(['a', 'b', 'c']);
      const means = steps.map((d) => (d[0] + d[1]) / 2);
      const m = means.reduce((a, b) => a + b, 0) / means.length;
      const sd = Math.sqrt(means.reduce((a, b) => a + (b - m) ** 2, 0) / (means.length - 1));
      assert.ok(Math.abs(s.augment.effect - m) < 1e-6);
      assert.ok(Math.abs(s.augment.se - sd / Math.sqrt(means.length)) < 1e-6);
      assert.equal(s.augment.n, 8);
      // The contrast of category 0 is d_0 - mean(d) = (d_0 - d_1) / 2 = 0.5 at every step: SE 0.
      assert.equal(s.categories[0].effect, 0.5);
      assert.equal(s.categories[0].se, 0);
      assert.equal(s.categories[0].verdict, 'none', 'a zero standard error is no evidence');
      assert.equal(s.categories[2].n, 0);
      assert.equal(s.z, Math.round(bonferroniZ(3) * 1000) / 1000);
      assert.ok(Math.abs(bonferroniZ(55) - 3.317) < 1e-3);
      assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-6);
    });

    it('needs MIN_SAMPLES before any verdict, then flags a consistent effect and round-trips its state', () => {
      const rng = Rng.seeded(3);
      const ev = new EvidenceAccumulator(2);
      const step = (): void => {
        const noise = 0.05 * (rng.uniform() - 0.5);
        ev.add([[0], [1]], [-0.4 + noise, 0.4 - noise]);
      };
      for (let i = 0; i < MIN_SAMPLES - 1; i++) step();
      assert.equal(ev.summary(['x', 'y']).categories[0].verdict, 'none');
      step();
      const s = ev.summary(['x', 'y']);
      assert.equal(s.categories[0].verdict, 'harmful');
      assert.equal(s.categories[1].verdict, 'helpful');
      assert.deepEqual(new EvidenceAccumulator(2, ev.state()).summary(['x', 'y']), s);
      assert.throws(() => new EvidenceAccumulator(3, ev.state()), /differ in length/);
    });

    it('null control: pure-noise d over 400 steps and 55 categories flags (almost) nothing', () => {
      const rng = Rng.seeded(11);
      const K = 55;
      let flagged = 0;
      for (let trial = 0; trial < 5; trial++) {
        const ev = new EvidenceAccumulator(K);
        for (let t = 0; t < 400; t++) {
          const subs = [0, 1, 2].map(() => [rng.int(K), rng.int(K)]);
          const raw = subs.map(() => rng.uniform() - 0.5);
          const l1 = raw.reduce((a, b) => a + Math.abs(b), 0);
          ev.add(subs, raw.map((v) => v / l1));
        }
        flagged += ev.summary(Array.from({ length: K }, (_, k) => String(k))).categories.filter((c) => c.verdict !== 'none').length;
      }
      assert.ok(flagged <= 1, `${flagged} categories flagged over 5 null searches`);
    });
  });

  describe('evidenceWeight (level 1 scaled by the evidence that augmenting helps)', () => {
    const augment = (effect: number, se: number, n: number) => ({ steps: n, z: 3.3, augment: { effect, se, n, verdict: 'none' as const }, categories: [] });
    it('is P(effect > 0) under Student t: 1/2 at no effect, near 0 when harmful, near 1 when helpful; 1 without evidence', () => {
      assert.ok(Math.abs(evidenceWeight(augment(0, 0.02, 200)) - 0.5) < 1e-9);
      assert.ok(evidenceWeight(augment(-0.078, 0.0185, 200)) < 1e-3);
      assert.ok(evidenceWeight(augment(0.29, 0.014, 32)) > 0.999);
      assert.ok(Math.abs(evidenceWeight(augment(-0.013, 0.0182, 200)) - 0.238) < 0.01);
      assert.equal(evidenceWeight(undefined), 1);
      assert.equal(evidenceWeight(augment(-0.5, 0.1, MIN_SAMPLES - 1)), 1);
    });
  });

  describe('surrogateGradient (closed form)', () => {
    it('matches central differences of S, and gives exactly 0 to categories in no sub-policy', () => {
      const alpha = [0.3, -0.2, 0.1, 0.0, 0.5];
      const beta = -0.6;
      const subs = [[0, 1], [1, 1], [2, 0]];
      const d = [0.4, -0.35, 0.25];
      const g = surrogateGradient(alpha, beta, subs, d);
      const S = (a: number[], b: number): number => surrogateGradient(a, b, subs, d).value;
      const h = 1e-6;
      alpha.forEach((_, i) => {
        const up = alpha.slice();
        const down = alpha.slice();
        up[i] += h;
        down[i] -= h;
        const fd = (S(up, beta) - S(down, beta)) / (2 * h);
        assert.ok(Math.abs(fd - g.alpha[i]) < 1e-7, `alpha[${i}]: ${g.alpha[i]} vs ${fd}`);
      });
      assert.ok(Math.abs((S(alpha, beta + h) - S(alpha, beta - h)) / (2 * h) - g.beta) < 1e-7);
      assert.equal(g.alpha[3], 0);
      assert.equal(g.alpha[4], 0);
    });
  });
});
