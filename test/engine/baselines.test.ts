/**
 * How the exact baselines draw (src/engine/evaluate/baselines.ts): torchvision's
 * RandAugment picks 2 ops uniformly with replacement at bin 9, TrivialAugmentWide one op
 * and one of 31 bins uniformly; signed ops are negative with probability 1/2. Checked
 * with chi-square and z bounds at p = 0.001 on fixed seeds - and the same bounds are
 * shown to reject samplers that are slightly wrong, so they can fail.
 */
import assert from 'node:assert/strict';
import { baselinePlans, baselineSpace, kernelLevel, posterizeBits, MAGNITUDE_BINS, RANDAUGMENT_MAGNITUDE, type BaselineOp } from '../../src/engine/evaluate/baselines';
import { Rng } from '../../src/shared/rng';
import type { AppliedOp, ImagePlan } from '../../src/shared/sampler';

const IMAGE = { width: 28, height: 28, channels: 1 } as const;
/** Standard normal quantile for a one-sided p of 0.001. */
const Z = 3.09;

function chiSquare(counts: readonly number[], expected: number): number {
  return counts.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
}

/** Wilson-Hilferty approximation of the chi-square quantile at 1 - p for `df` degrees of freedom. */
function chiSquareBound(df: number): number {
  const h = 2 / (9 * df);
  return df * (1 - h + Z * Math.sqrt(h)) ** 3;
}

/** |z| of `negatives` out of `n` fair coin flips. */
function signZ(negatives: number, n: number): number {
  return Math.abs(negatives - n / 2) / Math.sqrt(n / 4);
}

interface Stats {
  readonly opCounts: number[];
  readonly binCounts: number[];
  readonly negatives: number;
  readonly signed: number;
}

function stats(space: readonly BaselineOp[], applied: readonly AppliedOp[]): Stats {
  const opCounts = space.map(() => 0);
  const binCounts = new Array<number>(MAGNITUDE_BINS).fill(0);
  let negatives = 0;
  let signed = 0;
  for (const a of applied) {
    const k = space.findIndex((e) => e.op === a.op);
    assert.ok(k >= 0, `${a.op} is not in the space`);
    opCounts[k]++;
    const entry = space[k];
    if (entry.grid === null) {
      assert.equal(a.level, undefined, `${a.op} has no magnitude`);
      continue;
    }
    binCounts[Math.round(a.magnitude * (MAGNITUDE_BINS - 1))]++;
    if (entry.signed) {
      signed++;
      if (a.sign < 0) negatives++;
    } else assert.equal(a.sign, 1, `${a.op} is unsigned`);
  }
  return { opCounts, binCounts, negatives, signed };
}

/** The level each op carries is torchvision's signed grid value at its bin. */
function checkLevels(space: readonly BaselineOp[], applied: readonly AppliedOp[]): void {
  for (const a of applied) {
    const entry = space.find((e) => e.op === a.op);
    if (!entry?.grid) continue;
    const bin = Math.round(a.magnitude * (MAGNITUDE_BINS - 1));
    assert.equal(a.magnitude, bin / (MAGNITUDE_BINS - 1));
    assert.equal(a.level, kernelLevel(a.op, a.sign * entry.grid[bin]), `${a.op} bin ${bin}`);
  }
}

describe('baseline plans (RandAugment, TrivialAugmentWide)', function () {
  const ta = baselineSpace('trivialaugment', IMAGE);
  const ra = baselineSpace('randaugment', IMAGE);

  it('have torchvision\'s 14 ops in its order, with the Wide ranges for TrivialAugment', function () {
    const names = ['Identity', 'ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Rotate', 'Brightness', 'Color', 'Contrast', 'Sharpness', 'Posterize', 'Solarize', 'AutoContrast', 'Equalize'];
    assert.deepEqual(ra.map((e) => e.op), names);
    assert.deepEqual(ta.map((e) => e.op), names);
    const last = (space: readonly BaselineOp[], op: string): number | undefined => space.find((e) => e.op === op)?.grid?.at(-1);
    assert.equal(last(ta, 'Rotate'), 135);
    assert.equal(last(ra, 'Rotate'), 30);
    assert.equal(last(ta, 'TranslateX'), 32);
    assert.equal(last(ra, 'TranslateX'), Math.fround((150 / 331) * 28));
    assert.equal(last(ta, 'ShearX'), Math.fround(0.99));
    assert.equal(last(ta, 'Brightness'), Math.fround(0.99));
    assert.equal(last(ra, 'Brightness'), Math.fround(0.9));
    assert.equal(ta.find((e) => e.op === 'Solarize')?.grid?.[0], 255);
    assert.equal(last(ta, 'Solarize'), 0);
    // int(8 - (arange(31) / (30 / 4)).round()) and the Wide one with 30 / 6.
    assert.deepEqual(posterizeBits(31, 4), [8, 8, 8, 8, 7, 7, 7, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6, 6, 6, 5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4]);
    assert.deepEqual(posterizeBits(31, 6), [8, 8, 8, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 2, 2, 2]);
    assert.equal(ra.find((e) => e.op === 'Posterize')?.grid?.[RANDAUGMENT_MAGNITUDE], 7);
  });

  it('TrivialAugmentWide: one op per image, uniform ops and bins, fair signs (chi-square, p = 0.001)', function () {
    const plans = baselinePlans('trivialaugment', 28_000, IMAGE, Rng.seeded(1));
    assert.ok(plans.every((p) => p.length === 1));
    const applied = plans.map((p) => p[0]);
    checkLevels(ta, applied);
    const s = stats(ta, applied);
    const n = applied.length;
    assert.ok(chiSquare(s.opCounts, n / ta.length) < chiSquareBound(ta.length - 1), `op counts ${s.opCounts.join(' ')}`);
    const withGrid = s.binCounts.reduce((a, b) => a + b, 0);
    assert.equal(withGrid, ta.filter((e) => e.grid).reduce((sum, e) => sum + s.opCounts[ta.indexOf(e)], 0));
    assert.ok(chiSquare(s.binCounts, withGrid / MAGNITUDE_BINS) < chiSquareBound(MAGNITUDE_BINS - 1), `bin counts ${s.binCounts.join(' ')}`);
    assert.ok(signZ(s.negatives, s.signed) < Z, `${s.negatives} negative of ${s.signed} signed`);
  });

  it('RandAugment: two ops with replacement, all at bin 9, fair signs (chi-square, p = 0.001)', function () {
    const plans = baselinePlans('randaugment', 20_000, IMAGE, Rng.seeded(2));
    assert.ok(plans.every((p) => p.length === 2));
    const applied = plans.flat();
    checkLevels(ra, applied);
    const s = stats(ra, applied);
    assert.deepEqual(s.binCounts.map((c, b) => (c > 0 ? b : -1)).filter((b) => b >= 0), [RANDAUGMENT_MAGNITUDE]);
    assert.ok(chiSquare(s.opCounts, applied.length / ra.length) < chiSquareBound(ra.length - 1), `op counts ${s.opCounts.join(' ')}`);
    // With replacement and independent: every ordered pair, the same op twice included, at 1/196.
    const pairs = new Array<number>(ra.length * ra.length).fill(0);
    for (const [a, b] of plans) pairs[ra.findIndex((e) => e.op === a.op) * ra.length + ra.findIndex((e) => e.op === b.op)]++;
    assert.ok(chiSquare(pairs, plans.length / pairs.length) < chiSquareBound(pairs.length - 1), 'op pairs');
    assert.ok(signZ(s.negatives, s.signed) < Z, `${s.negatives} negative of ${s.signed} signed`);
  });

  it('the bounds reject samplers that are slightly wrong (the tests can fail)', function () {
    const n = 28_000;
    const rng = Rng.seeded(3);
    const draw = (ops: number, bins: number, pNegative: number): AppliedOp => {
      const entry = ta[rng.int(ops)];
      const bin = rng.int(bins);
      const sign = rng.uniform() < pNegative ? -1 : 1;
      return { op: entry.op, magnitude: entry.grid ? bin / (MAGNITUDE_BINS - 1) : 0, sign: entry.signed && entry.grid ? sign : 1, position: [0.5, 0.5], ...(entry.grid ? { level: 0 } : {}) };
    };
    const missingOp = stats(ta, Array.from({ length: n }, () => draw(ta.length - 1, MAGNITUDE_BINS, 0.5)));
    assert.ok(chiSquare(missingOp.opCounts, n / ta.length) > chiSquareBound(ta.length - 1), 'a sampler that never draws Equalize');
    const missingBin = stats(ta, Array.from({ length: n }, () => draw(ta.length, MAGNITUDE_BINS - 1, 0.5)));
    const withGrid = missingBin.binCounts.reduce((a, b) => a + b, 0);
    assert.ok(chiSquare(missingBin.binCounts, withGrid / MAGNITUDE_BINS) > chiSquareBound(MAGNITUDE_BINS - 1), 'a sampler over 30 bins');
    const unfair = stats(ta, Array.from({ length: n }, () => draw(ta.length, MAGNITUDE_BINS, 0.47)));
    assert.ok(signZ(unfair.negatives, unfair.signed) > Z, 'signs negative with probability 0.47');
  });

  it('are deterministic per seed and differ across seeds', function () {
    const a: ImagePlan[] = baselinePlans('randaugment', 50, IMAGE, Rng.seeded(7));
    assert.deepEqual(baselinePlans('randaugment', 50, IMAGE, Rng.seeded(7)), a);
    assert.notDeepEqual(baselinePlans('randaugment', 50, IMAGE, Rng.seeded(8)), a);
    assert.deepEqual(baselinePlans('trivialaugment', 0, IMAGE, Rng.seeded(7)), []);
  });

  it('scale RandAugment\'s translate with the image and keep TrivialAugmentWide\'s at 32 pixels', function () {
    const bin9 = (name: 'randaugment' | 'trivialaugment', width: number, height: number, op: string): number | undefined =>
      baselineSpace(name, { width, height, channels: 3 }).find((e) => e.op === op)?.grid?.[RANDAUGMENT_MAGNITUDE];
    assert.ok(Math.trunc(bin9('randaugment', 60, 40, 'TranslateX') ?? 0) === 8 && Math.trunc(bin9('randaugment', 60, 40, 'TranslateY') ?? 0) === 5);
    assert.equal(bin9('trivialaugment', 60, 40, 'TranslateX'), bin9('trivialaugment', 10, 10, 'TranslateY'));
  });

  it('reject bad arguments with what to do', function () {
    assert.throws(() => baselinePlans('trivialaugment', 3, { width: 28, height: 28, channels: 4 }, Rng.seeded(0)), /1 or 3 channels, got 4/);
    assert.throws(() => baselinePlans('randaugment', 3, { width: 0, height: 28, channels: 1 }, Rng.seeded(0)), /0x28/);
    assert.throws(() => baselinePlans('randaugment', -1, IMAGE, Rng.seeded(0)), /count -1/);
  });
});
