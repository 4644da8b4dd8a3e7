/**
 * What each contender does to a training batch: a policy's sampled operations then the
 * base transform, or a baseline (none, the base alone, RandAugment, TrivialAugmentWide,
 * the uniform policy) - the training-time semantics every export agrees on.
 */
import type { BaseTransform } from '../../shared/base';
import type { BaselineName, EvaluateEntry } from '../../shared/evaluation';
import type { Policy, PolicyOperation } from '../../shared/policy';
import type { Rng } from '../../shared/rng';
import { samplePlans } from '../../shared/sampler';
import { buildSpace, type Category } from '../../shared/space';
import { applyPlans, type ApplyOptions } from '../augment';
import { applyBase } from '../ddas/base';
import type { tf } from '../tf';
import { baselinePlans } from './baselines';

/** Augments a batch of float pixels 0..255 (a new tensor); `progress` in [0, 1) picks a policy's schedule entry. */
export type Augment = (x: tf.Tensor4D, rng: Rng, progress: number) => tf.Tensor4D;

export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/**
 * The search's starting point: every category of the (fitted) default space equally
 * likely, applyProbability 1, two operations per image.
 */
export function uniformPolicy(space: readonly Category[] = buildSpace()): Policy {
  const probability = 1 / space.length;
  const operations = space.map((c): PolicyOperation => (c.magnitude === undefined ? { op: c.op, probability } : { op: c.op, magnitude: c.magnitude, probability }));
  return { version: 1, opsPerImage: 2, applyProbability: 1, operations };
}

function policyAugment(policy: Policy, base: BaseTransform): Augment {
  const options: ApplyOptions = { fill: policy.options?.fill ?? 0, interpolation: policy.options?.interpolation ?? 'nearest' };
  return (x, rng, progress) => {
    const augmented = applyPlans(x, samplePlans(policy, x.shape[0], rng, progress), options);
    const out = applyBase(augmented, base, rng);
    augmented.dispose();
    return out;
  };
}

function baselineAugment(name: BaselineName, base: BaseTransform, frame: Frame, uniformSpace?: readonly Category[]): Augment {
  switch (name) {
    case 'none':
      return (x) => x.clone();
    case 'base':
      return (x, rng) => applyBase(x, base, rng);
    case 'uniform':
      return policyAugment(uniformPolicy(uniformSpace), base);
    case 'randaugment':
    case 'trivialaugment':
      return (x, rng) => {
        const augmented = applyPlans(x, baselinePlans(name, x.shape[0], frame, rng));
        const out = applyBase(augmented, base, rng);
        augmented.dispose();
        return out;
      };
  }
}

/** `uniformSpace`: the space `uniform` spreads over - the default space fitted to the data, as the search starts from. */
export function entryAugment(entry: EvaluateEntry, base: BaseTransform, frame: Frame, uniformSpace?: readonly Category[]): Augment {
  return entry.kind === 'policy' ? policyAugment(entry.policy, base) : baselineAugment(entry.name, base, frame, uniformSpace);
}

/** Entry labels as reports show them: a policy's label, a baseline's name; repeats get " (2)", " (3)". */
export function entryLabels(entries: readonly EvaluateEntry[]): string[] {
  const seen = new Map<string, number>();
  return entries.map((e) => {
    const label = e.kind === 'policy' ? e.label : e.name;
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return n === 1 ? label : `${label} (${n})`;
  });
}
