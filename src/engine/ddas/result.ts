/** The search's result as a policy file (src/shared/policy.ts). */
import type { BaseTransform } from '../../shared/base';
import { POLICY_VERSION, type Evidence, type Policy, type PolicyOperation, type SearchMetadata } from '../../shared/policy';
import type { Category } from '../../shared/space';
import { perplexity } from '../../shared/space';
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

export function buildPolicy(r: PolicyInputs, ctx: PolicyContext): Policy {
  const last = r.snapshots[r.snapshots.length - 1];
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
    ...(r.leftOut && r.leftOut.length > 0 ? { leftOut: r.leftOut.map((l) => ({ ...l })) } : {}),
    ...(r.evidence ? { evidence: r.evidence } : {}),
  };
  const n = r.snapshots.length;
  return {
    version: POLICY_VERSION,
    opsPerImage: r.opsPerImage,
    applyProbability: round6(r.pAug),
    operations: operationsFrom(r.space, r.p),
    base: { cropPadding: r.base.cropPadding, flipLR: r.base.flipLR, cutout: r.base.cutout },
    ...(n > 0
      ? {
          schedule: r.snapshots.map((s, e) => ({
            untilProgress: e === n - 1 ? 1 : round6((e + 1) / n),
            applyProbability: round6(s.pAug),
            operations: operationsFrom(r.space, s.p),
          })),
        }
      : {}),
    search,
  };
}
