import assert from 'node:assert/strict';
import { signedPoints, summarise, type RunResult, type SummaryEntry } from '../../src/shared/evaluation-summary';
import { meanInterval, pairedInterval, studentTCdf, tQuantile } from '../../src/shared/stats';

const close = (a: number, b: number, tol: number, what = ''): void => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} is not within ${tol} of ${b}`);

describe('evaluation statistics', () => {
  it('tQuantile matches the Student-t table (scipy.stats.t.ppf)', () => {
    // scipy.stats.t.ppf(0.975, df), 6 decimals.
    const table: [number, number][] = [[1, 12.706205], [2, 4.302653], [3, 3.182446], [4, 2.776445], [5, 2.570582], [9, 2.262157], [10, 2.228139], [20, 2.085963], [29, 2.04523], [30, 2.042272], [49, 2.009575], [100, 1.983972]];
    for (const [df, t] of table) close(tQuantile(df), t, 5e-7, `df ${df}`);
    close(tQuantile(1e6), 1.959966, 1e-5, 'large df');
    close(tQuantile(5, 0.995), 4.032143, 5e-7, '99% two-sided, df 5');
    close(tQuantile(3, 0.1), -1.637744, 5e-7, 'lower tail');
    assert.equal(tQuantile(7, 0.5), 0);
    close(studentTCdf(2.228139, 10), 0.975, 1e-7);
    assert.throws(() => tQuantile(0), /degrees of freedom/);
  });

  it('meanInterval is mean +/- t s / sqrt(n); one value has no spread', () => {
    // numpy/scipy: mean 0.85, s = 0.01, t(2) = 4.302653 -> half width 0.024841.
    const i = meanInterval([0.85, 0.86, 0.84]);
    close(i.mean, 0.85, 1e-12);
    close(i.low, 0.825159, 1e-6);
    close(i.high, 0.874841, 1e-6);
    assert.deepEqual(meanInterval([0.7]), { mean: 0.7, low: 0.7, high: 0.7 });
    assert.throws(() => meanInterval([]), /at least one/);
  });

  it('paired differences remove what the seeds share', () => {
    // Seeds move both entries together; the paired interval sees only the 1-point gap.
    const a = [0.8, 0.9, 0.7, 0.85];
    const b = [0.79, 0.89, 0.69, 0.84];
    const d = pairedInterval(a, b);
    close(d.mean, 0.01, 1e-12);
    close(d.low, 0.01, 1e-9);
    close(d.high, 0.01, 1e-9);
    // Unpaired, the same numbers would be indistinguishable.
    assert.ok(meanInterval(b).high > meanInterval(a).mean);
    // Against a known case: differences [1, 2, 3] points -> mean 2, s 1, t(2) 4.302653.
    const e = pairedInterval([0.51, 0.52, 0.53], [0.5, 0.5, 0.5]);
    close(e.low, 0.02 - 0.04302653 / Math.sqrt(3), 1e-8);
    assert.throws(() => pairedInterval([1], [1, 2]), /differ in count/);
  });

  describe('summarise and the verdict', () => {
    const entries: SummaryEntry[] = [
      { label: 'mine', kind: 'policy' },
      { label: 'none', kind: 'baseline' },
      { label: 'base', kind: 'baseline' },
    ];
    const runs = (acc: Record<string, number[]>): RunResult[] =>
      Object.entries(acc).flatMap(([label, values]) => values.map((accuracy, seed) => ({ label, seed, accuracy, curve: [accuracy - 0.1, accuracy] })));

    it('says "+x points over" the best baseline when the interval is above 0', () => {
      const s = summarise(entries, runs({ mine: [0.871, 0.880, 0.862], none: [0.84, 0.85, 0.83], base: [0.859, 0.868, 0.851] }), 10000);
      assert.equal(s.bestBaseline, 'base');
      assert.deepEqual(s.seeds, [0, 1, 2]);
      assert.match(s.verdict, /^\+1\.2 points over base \(95% CI \+\d\.\d\.\.\+\d\.\d\) on 10,000 held-out images$/);
      const mine = s.entries[0];
      assert.equal(mine.kind, 'policy');
      assert.deepEqual(mine.accuracies, [0.871, 0.88, 0.862]);
      close(mine.curve[1], 0.871, 1e-12);
      assert.equal(mine.curves?.length, 3);
      // Every entry against every other baseline.
      assert.deepEqual(s.differences.map((d) => `${d.entry}-${d.reference}`), ['mine-none', 'mine-base', 'none-base', 'base-none']);
    });

    it('says "no better than" when the interval holds 0, "worse than" when it is below', () => {
      const tie = summarise(entries, runs({ mine: [0.86, 0.85, 0.87], none: [0.8, 0.8, 0.8], base: [0.855, 0.862, 0.86] }), 500);
      assert.match(tie.verdict, /^no better than base: [+-]\d\.\d points \(95% CI -\d\.\d\.\.\+\d\.\d\) on 500 held-out images$/);
      const worse = summarise(entries, runs({ mine: [0.82, 0.83, 0.81], none: [0.8, 0.8, 0.8], base: [0.86, 0.87, 0.85] }), 500);
      assert.match(worse.verdict, /^worse than base: -4\.0 points \(95% CI -\d\.\d\.\.-\d\.\d\) on 500 held-out images$/);
    });

    it('names the policy when there are several; one seed gives no interval; seeds missing a run are left out', () => {
      const two: SummaryEntry[] = [{ label: 'a', kind: 'policy' }, { label: 'b', kind: 'policy' }, { label: 'base', kind: 'baseline' }];
      const s = summarise(two, runs({ a: [0.8, 0.82], b: [0.9, 0.91], base: [0.85, 0.86] }), 100);
      assert.match(s.verdict, /^b: \+5\.0 points over base/);
      const one = summarise(entries, runs({ mine: [0.9], none: [0.8], base: [0.85] }), 100);
      assert.match(one.verdict, /^\+5\.0 points vs base on 100 held-out images \(1 seed, so no confidence interval/);
      const partial = summarise(entries, runs({ mine: [0.9, 0.8], none: [0.8, 0.7], base: [0.85] }), 100);
      assert.deepEqual(partial.seeds, [0]);
    });

    it('baselines alone: the best baseline; policies alone: no baseline to compare with', () => {
      const b = summarise(entries.slice(1), runs({ none: [0.8, 0.81], base: [0.85, 0.86] }), 100);
      assert.match(b.verdict, /^base is the best baseline: 85\.5% \(95% CI/);
      const p = summarise(entries.slice(0, 1), runs({ mine: [0.8, 0.81] }), 100);
      assert.match(p.verdict, /^mine reaches 80\.5% .* no baseline to compare with$/);
      assert.equal(p.bestBaseline, undefined);
    });

    it('formats points with their sign', () => {
      assert.equal(signedPoints(0.012), '+1.2');
      assert.equal(signedPoints(-0.004), '-0.4');
      assert.equal(signedPoints(-0.0004), '+0.0');
    });
  });
});
