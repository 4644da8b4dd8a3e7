/**
 * Evidence per category: what the search measured, with its uncertainty, so a user can
 * tell signal from noise (alpha after a few hundred Adam steps is both).
 *
 * Per step, the normalised d_j say how much sub-policy j's gradient helped the
 * validation loss relative to the clean batch's. Two estimates follow:
 * - augmenting at all: the step's mean d_j (the sign p_aug's gradient follows);
 * - each category: the contrast d_j - mean(d) of the sub-policies holding it, averaged
 *   over its occurrences in the step (the comparison alpha's gradient makes; the
 *   step's common part cancels, so it is less noisy than d_j itself).
 * Steps are the independent samples: each estimate is the mean over the steps that
 * measured it, with the standard error of that mean. A verdict needs |mean| beyond z
 * standard errors, z Bonferroni-corrected so that with K categories under no effect
 * about 5% of searches flag any at all.
 */
import type { Evidence } from '../../shared/policy';
import { tQuantile } from '../../shared/stats';
import type { SubPolicy } from './distribution';

/** Running mean and sum of squared deviations (Welford), as plain numbers for checkpoints. */
export interface RunningStat {
  n: number;
  mean: number;
  m2: number;
}

export interface EvidenceState {
  readonly steps: number;
  readonly augment: RunningStat;
  readonly categories: readonly RunningStat[];
}

function push(s: RunningStat, x: number): void {
  s.n++;
  const delta = x - s.mean;
  s.mean += delta / s.n;
  s.m2 += delta * (x - s.mean);
}

/** Fewer samples than this never give a verdict (the standard error itself is too rough). */
export const MIN_SAMPLES = 8;

export class EvidenceAccumulator {
  private steps = 0;
  private readonly augment: RunningStat = { n: 0, mean: 0, m2: 0 };
  private readonly categories: RunningStat[];

  constructor(size: number, saved?: EvidenceState) {
    this.categories = Array.from({ length: size }, (_, k) => ({ ...(saved?.categories[k] ?? { n: 0, mean: 0, m2: 0 }) }));
    if (saved) {
      if (saved.categories.length !== size) throw new Error('search checkpoint: evidence and the search space differ in length');
      this.steps = saved.steps;
      Object.assign(this.augment, saved.augment);
    }
  }

  /** One step's sub-policies and their L1-normalised d_j. */
  add(subPolicies: readonly SubPolicy[], d: readonly number[]): void {
    this.steps++;
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    push(this.augment, mean);
    const sums = new Map<number, { total: number; count: number }>();
    subPolicies.forEach((sub, j) => {
      for (const k of sub) {
        const e = sums.get(k) ?? { total: 0, count: 0 };
        e.total += d[j] - mean;
        e.count++;
        sums.set(k, e);
      }
    });
    // With one sub-policy per step there is no contrast to measure.
    if (d.length < 2) return;
    for (const [k, e] of sums) push(this.categories[k], e.total / e.count);
  }

  state(): EvidenceState {
    return { steps: this.steps, augment: { ...this.augment }, categories: this.categories.map((s) => ({ ...s })) };
  }

  /** The summary saved in the policy, with verdicts at the Bonferroni-corrected threshold. */
  summary(keys: readonly string[]): Evidence {
    const level = 1 - 0.025 / Math.max(1, this.categories.length);
    return {
      steps: this.steps,
      z: round(bonferroniZ(this.categories.length), 3),
      augment: effect(this.augment, 0.975),
      categories: this.categories.map((s, k) => ({ category: keys[k], ...effect(s, level) })),
    };
  }
}

/**
 * The bound is Student's t with n - 1 degrees of freedom at `level` (the normal z only in
 * the limit): with the 30-50 samples a category gets in a Quick search, the normal bound
 * flagged about twice the nominal rate on pure noise.
 */
function effect(s: RunningStat, level: number): Evidence['augment'] {
  const se = s.n >= 2 ? Math.sqrt(s.m2 / (s.n - 1) / s.n) : 0;
  const decided = s.n >= MIN_SAMPLES && se > 0 && Math.abs(s.mean) > tQuantile(s.n - 1, level) * se;
  return { effect: round(s.mean, 6), se: round(se, 6), n: s.n, verdict: decided ? (s.mean < 0 ? 'harmful' : 'helpful') : 'none' };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Two-sided 95% over `tests` comparisons: the normal quantile at 1 - 0.025 / tests. */
export function bonferroniZ(tests: number): number {
  return normalQuantile(1 - 0.025 / Math.max(1, tests));
}

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation, relative error
 * below 1.2e-9 over (0, 1)).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs p in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
