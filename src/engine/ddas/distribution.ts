/**
 * The two-level policy distribution in plain float64: p_aug = sigmoid(beta),
 * p = softmax(alpha), sub-policies of n i.i.d. categories, and their per-image plans.
 */
import type { Rng } from '../../shared/rng';
import { drawOp, type ImagePlan } from '../../shared/sampler';
import type { Category } from '../../shared/space';

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

export function logit(p: number): number {
  return Math.log(p / (1 - p));
}

export function softmax(alpha: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < alpha.length; i++) max = Math.max(max, alpha[i]);
  const e = Array.from({ length: alpha.length }, (_, i) => Math.exp(alpha[i] - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** A sub-policy: n category indices, applied in order. */
export type SubPolicy = readonly number[];

/** n categories i.i.d. from explore * uniform + (1 - explore) * p. */
export function drawSubPolicy(p: readonly number[], n: number, explore: number, rng: Rng): SubPolicy {
  const k = p.length;
  const q = explore === 1 ? new Array<number>(k).fill(1) : p.map((pi) => explore / k + (1 - explore) * pi);
  return Array.from({ length: n }, () => rng.categorical(q));
}

/** p_k: the product of the sub-policy's category probabilities. */
export function subPolicyProbability(p: readonly number[], sub: SubPolicy): number {
  return sub.reduce((prod, k) => prod * p[k], 1);
}

/** The same sub-policy for every image; signs (and Cutout positions) drawn per image. */
export function subPolicyPlans(space: readonly Category[], sub: SubPolicy, count: number, rng: Rng): ImagePlan[] {
  const entries = sub.map((k) => {
    const c = space[k];
    return c.magnitude === undefined ? { op: c.op, probability: 1 } : { op: c.op, magnitude: c.magnitude, probability: 1 };
  });
  return Array.from({ length: count }, () => entries.map((e) => drawOp(e, rng)));
}

/**
 * Probabilities rounded to 6 decimals that still sum to 1 within 1e-6: renormalised,
 * rounded, and the rounding residue given to the largest entry. None is dropped.
 */
export function roundDistribution(p: readonly number[]): number[] {
  const sum = p.reduce((a, b) => a + b, 0);
  const r = p.map((v) => Math.round((v / sum) * 1e6) / 1e6);
  let largest = 0;
  r.forEach((v, i) => {
    if (v > r[largest]) largest = i;
  });
  const residue = 1 - r.reduce((a, b) => a + b, 0);
  r[largest] = Math.max(0, Math.round((r[largest] + residue) * 1e6) / 1e6);
  return r;
}
