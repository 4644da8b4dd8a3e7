/** The policy's fields in one fixed order, so every writer's output is stable text. */
import type { Policy, PolicyOperation, ScheduleEntry } from '../policy';

/** Plain data in file order; `$schema` only when given. Undefined fields are left out. */
export function canonicalPolicy(policy: Policy, schemaRef?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (schemaRef !== undefined) out.$schema = schemaRef;
  out.version = policy.version;
  out.opsPerImage = policy.opsPerImage;
  out.applyProbability = policy.applyProbability;
  out.operations = policy.operations.map(canonicalOperation);
  if (policy.base) out.base = { cropPadding: policy.base.cropPadding, flipLR: policy.base.flipLR, cutout: policy.base.cutout };
  if (policy.schedule) out.schedule = policy.schedule.map(canonicalEntry);
  if (policy.options) out.options = { fill: policy.options.fill, interpolation: policy.options.interpolation };
  if (policy.search) {
    const s = policy.search;
    out.search = dropUndefined({
      method: s.method,
      dataset: dropUndefined({ path: s.dataset.path, sha256: s.dataset.sha256, images: s.dataset.images, heldOut: s.dataset.heldOut ? dropUndefined({ name: s.dataset.heldOut.name, images: s.dataset.heldOut.images, share: s.dataset.heldOut.share, seed: s.dataset.heldOut.seed }) : undefined }),
      model: s.model,
      epochs: s.epochs,
      seed: s.seed,
      backend: s.backend,
      seconds: s.seconds,
      valAccuracy: s.valAccuracy,
      learningRates: s.learningRates ? { alpha: s.learningRates.alpha, beta: s.learningRates.beta } : undefined,
      startedAt: s.startedAt,
    });
  }
  if (policy.evaluation) {
    const e = policy.evaluation;
    out.evaluation = dropUndefined({
      policy: e.policy,
      heldOut: { name: e.heldOut.name, images: e.heldOut.images },
      budget: { seeds: e.budget.seeds, epochs: e.budget.epochs, trainSize: e.budget.trainSize },
      model: e.model,
      backend: e.backend,
      entries: e.entries.map((x) => ({ label: x.label, mean: x.mean, low: x.low, high: x.high })),
      verdict: e.verdict,
      finishedAt: e.finishedAt,
    });
  }
  return out;
}

export function canonicalOperation(o: PolicyOperation): Record<string, unknown> {
  return 'magnitude' in o ? { op: o.op, magnitude: o.magnitude, probability: o.probability } : { op: o.op, probability: o.probability };
}

function canonicalEntry(e: ScheduleEntry): Record<string, unknown> {
  return { untilProgress: e.untilProgress, applyProbability: e.applyProbability, operations: e.operations.map(canonicalOperation) };
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
