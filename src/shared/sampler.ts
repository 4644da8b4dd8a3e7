/**
 * The policy sampler - the training-time meaning of a policy, shared by the engine,
 * the runtime module and (re-implemented line for line) the Python export:
 * per image, with probability applyProbability draw opsPerImage operations i.i.d. from
 * the level-2 distribution and apply them in order; otherwise leave the image alone.
 */
import { OPS, type OpName } from './ops';
import { policyAt, type Policy, type PolicyOperation } from './policy';
import type { Rng } from './rng';

/** One operation as it will be applied to one image: everything random is drawn here. */
export interface AppliedOp {
  readonly op: OpName;
  /** Magnitude in [0, 1]; 0 for ops without magnitude. */
  readonly magnitude: number;
  /** Drawn per image for signed ops; +1 otherwise. */
  readonly sign: 1 | -1;
  /** Uniforms in [0, 1) placing random regions (Cutout's centre, x then y). */
  readonly position: readonly [number, number];
  /**
   * The op's concrete parameter (opParameter's unit: degrees, shear factor, pixels, enhance
   * factor, bits kept, threshold), sign included, overriding the magnitude mapping - for
   * plans from other ranges than the catalog's, e.g. torchvision's TrivialAugmentWide.
   */
  readonly level?: number;
}

/** The ops applied to one image, in order; empty when the image is left alone. */
export type ImagePlan = readonly AppliedOp[];

export function drawOp(entry: PolicyOperation, rng: Rng): AppliedOp {
  const spec = OPS[entry.op].magnitude;
  const sign = spec?.signed ? rng.sign() : 1;
  const position: [number, number] = entry.op === 'Cutout' ? [rng.uniform(), rng.uniform()] : [0.5, 0.5];
  return { op: entry.op, magnitude: 'magnitude' in entry ? entry.magnitude : 0, sign, position };
}

/** Plans for `count` images at training progress `progress` (schedule position). */
export function samplePlans(policy: Policy, count: number, rng: Rng, progress = 0): ImagePlan[] {
  const { applyProbability, operations } = policyAt(policy, progress);
  const weights = operations.map((o) => o.probability);
  const plans: ImagePlan[] = [];
  for (let i = 0; i < count; i++) {
    if (rng.uniform() >= applyProbability) {
      plans.push([]);
      continue;
    }
    const ops: AppliedOp[] = [];
    for (let k = 0; k < policy.opsPerImage; k++) ops.push(drawOp(operations[rng.categorical(weights)], rng));
    plans.push(ops);
  }
  return plans;
}

/** One op at a fixed magnitude; the sign is drawn per image unless fixed (unsigned ops ignore it). */
export function fixedOp(op: OpName, magnitude: number, sign: 1 | -1 | 'random', rng: Rng): AppliedOp {
  const drawn = drawOp(OPS[op].magnitude ? { op, magnitude, probability: 1 } : { op, probability: 1 }, rng);
  return sign === 'random' || !OPS[op].magnitude?.signed ? drawn : { ...drawn, sign };
}

/** A plan applying one fixed op to every image: `ddas apply --op`. */
export function fixedOpPlans(op: OpName, magnitude: number, sign: 1 | -1 | 'random', count: number, rng: Rng): ImagePlan[] {
  return Array.from({ length: count }, () => [fixedOp(op, magnitude, sign, rng)]);
}
