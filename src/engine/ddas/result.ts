/** The search's result as a policy file (src/shared/policy.ts). */
import type { BaseTransform } from '../../shared/base';
import { POLICY_VERSION, type Evidence, type Policy, type PolicyOperation, type SearchMetadata } from '../../shared/policy';
import type { Category } from '../../shared/space';
import { perplexity } from '../../shared/space';
import { studentTCdf } from '../../shared/stats';
import { MIN_SAMPLES } from './evidence';
import { roundDistribution } from './distribution';
import type { Snapshot } from './state';

/** What the caller knows and the search does not. */
export interface PolicyContext {
  readonly dataset: SearchMetadata['dataset'];
  readonly backend: string;
  readonly startedAt?: string;
}

export function operationsFrom(space: readonly Category[], p: readonly number[]): PolicyOperation[] {
  const rounded = roundDistribution(p);
  return space.map((c, i) =>
    c.magnitude === undefined
      ? ({ op: c.op, probability: rounded[i] } as PolicyOperation)
      : ({ op: c.op, magnitude: c.magnitude, probability: rounded[i] } as PolicyOperation),
  );
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

export interface PolicyInputs {
  readonly space: readonly Category[];
  readonly opsPerImage: number;
  readonly pAug: number;
  readonly p: readonly number[];
  /** Per-epoch snapshots in order; the schedule spreads them evenly over training. */
  readonly snapshots: readonly Snapshot[];
  readonly model: string;
  readonly epochs: number;
  readonly seed: number;
  readonly seconds: number;
  readonly learningRates: { alpha: number; beta: number };
  /** The base transform the search ran under: recorded so training and exports apply the same. */
  readonly base: BaseTransform;
  readonly evidence?: Evidence;
  /** Categories of the requested space that were left out, and why. */
  readonly leftOut?: readonly { readonly category: string; readonly reason: string }[];
}

/**
 * P(augmenting at all helps) given the search's per-step evidence: the Student t CDF of
 * mean / se over the steps; 1 without enough evidence to judge (old checkpoints, tiny runs).
 * Measured (bench/quality.ts): the learned p_aug barely leaves its start (0.35) when the
 * one-step signal is weak, and that p_aug lost to the base alone on held-out data; scaled
 * by this weight, the policy matched or beat the base on both benchmark sets.
 */
export function evidenceWeight(evidence: Evidence | undefined): number {
  const a = evidence?.augment;
  if (!a || a.n < MIN_SAMPLES || !(a.se > 0)) return 1;
  return studentTCdf(a.effect / a.se, a.n - 1);
}

export function buildPolicy(r: PolicyInputs, ctx: PolicyContext): Policy {
  const last = r.snapshots[r.snapshots.length - 1];
  const weight = evidenceWeight(r.evidence);
  const search: SearchMetadata = {
    method: 'ddas',
    dataset: ctx.dataset,
    model: r.model,
    epochs: r.epochs,
    seed: r.seed,
    backend: ctx.backend,
    seconds: Math.round(r.seconds * 10) / 10,
    learningRates: r.learningRates,
    ...(last && last.valAccuracy >= 0 ? { valAccuracy: round6(last.valAccuracy) } : {}),
    ...(ctx.startedAt ? { startedAt: ctx.startedAt } : {}),
    perplexity: Math.round(perplexity(r.p) * 100) / 100,
    ...(weight < 1 ? { learnedApplyProbability: round6(r.pAug), evidenceWeight: round6(weight) } : {}),
    ...(r.leftOut && r.leftOut.length > 0 ? { leftOut: r.leftOut.map((l) => ({ ...l })) } : {}),
    ...(r.evidence ? { evidence: r.evidence } : {}),
  };
  const n = r.snapshots.length;
  return {
    version: POLICY_VERSION,
    opsPerImage: r.opsPerImage,
    applyProbability: round6(r.pAug * weight),
    operations: operationsFrom(r.space, r.p),
    base: { cropPadding: r.base.cropPadding, flipLR: r.base.flipLR, cutout: r.base.cutout },
    ...(n > 0
      ? {
          schedule: r.snapshots.map((s, e) => ({
            untilProgress: e === n - 1 ? 1 : round6((e + 1) / n),
            applyProbability: round6(s.pAug * weight),
            operations: operationsFrom(r.space, s.p),
          })),
        }
      : {}),
    search,
  };
}
