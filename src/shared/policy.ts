/**
 * The policy file, defined once. The zod schema below yields the TypeScript types, the
 * committed JSON Schema (`schemas/policy.schema.json`, see scripts/generate-schema.ts)
 * and runtime validation whose messages name the JSON path, what is wrong and what is
 * allowed.
 */
import { z } from 'zod';
import { BaseTransformSchema } from './base';
import { OPS, OP_NAMES, hasMagnitude, type OpName } from './ops';
import { opMarkdown } from './policy-text/op-docs';
import { operationDefaultSnippets, policyDefaultSnippets } from './policy-text/snippets';

export const POLICY_VERSION = 1;

const PLAIN_OPS = OP_NAMES.filter((op) => !hasMagnitude(op)) as [OpName, ...OpName[]];
const MAGNITUDE_OPS = OP_NAMES.filter((op) => hasMagnitude(op)) as [OpName, ...OpName[]];

function opDocs(ops: readonly OpName[]): string {
  return ops.map((op) => `- **${op}**: ${OPS[op].summary}`).join('\n');
}

/** Per-value docs (range at m = 1, sign) that editors show when completing or hovering an op. */
function opEnumMeta(ops: readonly OpName[], description: string): Record<string, unknown> {
  return { description, markdownDescription: opDocs(ops), markdownEnumDescriptions: ops.map(opMarkdown), enumDescriptions: ops.map((op) => OPS[op].summary) };
}

const probability = z.number().min(0).max(1);

const PlainOperation = z
  .strictObject({
    op: z.enum(PLAIN_OPS).meta(opEnumMeta(PLAIN_OPS, 'An operation without magnitude.')),
    probability: probability.meta({ description: 'Probability of drawing this entry for each of the opsPerImage draws.' }),
  })
  .meta({ title: 'Operation without magnitude' });

const MagnitudeOperation = z
  .strictObject({
    op: z.enum(MAGNITUDE_OPS).meta(opEnumMeta(MAGNITUDE_OPS, 'An operation with a magnitude.')),
    magnitude: z.number().min(0).max(1).meta({ description: 'Magnitude in [0, 1], mapped linearly onto the operation\'s range (torchvision RandAugment ranges).' }),
    probability: probability.meta({ description: 'Probability of drawing this entry for each of the opsPerImage draws.' }),
  })
  .meta({ title: 'Operation with magnitude' });

export const PolicyOperationSchema = z.union([PlainOperation, MagnitudeOperation]).meta({ defaultSnippets: operationDefaultSnippets() });

const Operations = z.array(PolicyOperationSchema).min(1).meta({
  description: 'The level-2 distribution: (operation, magnitude) entries whose probabilities sum to 1.',
});

export const ScheduleEntrySchema = z.strictObject({
  untilProgress: z.number().gt(0).max(1).meta({ description: 'This entry is in force while training progress (fraction of epochs done) is below this value.' }),
  applyProbability: probability.meta({ description: 'Level 1 at this stage: probability that an image is augmented at all.' }),
  operations: Operations,
});

const Effect = z.strictObject({
  effect: z.number().meta({ description: 'Mean signed contribution (normalised d), per occurrence.' }),
  se: z.number().nonnegative().meta({ description: 'Standard error of the mean.' }),
  n: z.number().int().nonnegative().meta({ description: 'Occurrences measured.' }),
  verdict: z.enum(['harmful', 'helpful', 'none']).meta({ description: '"harmful" / "helpful" when the mean is beyond z standard errors from 0, else "none" (no evidence).' }),
});

export const EvidenceSchema = z
  .strictObject({
    steps: z.number().int().nonnegative(),
    z: z.number().positive().meta({ description: 'The |mean| / se threshold for a verdict at many samples (Bonferroni-corrected 95% over the categories); each verdict uses Student t with n - 1 degrees of freedom at the same level.' }),
    augment: Effect.meta({ description: 'Augmenting at all against the clean batch: mean of d_j (un-normalised sign, L1-normalised scale).' }),
    categories: z.array(Effect.extend({ category: z.string() })).meta({ description: 'Per category, in the order of the space: its effect relative to the other sub-policies of the same step.' }),
  })
  .meta({ description: 'What the search measured per category, with its uncertainty.' });

export type Evidence = z.infer<typeof EvidenceSchema>;

export const SearchMetadataSchema = z.strictObject({
  method: z.literal('ddas'),
  dataset: z.strictObject({
    path: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    images: z.number().int().nonnegative(),
    heldOut: z
      .strictObject({
        name: z.string().meta({ description: 'The held-out split ("t10k", "test_batch", "test/") or share ("held-out 10% (stratified, seed 0)").' }),
        images: z.number().int().nonnegative(),
        share: z.number().gt(0).lt(1).optional().meta({ description: 'For a share of the train split: its size as a fraction.' }),
        seed: z.number().int().optional().meta({ description: 'For a share of the train split: the seed of its stratified draw.' }),
      })
      .optional()
      .meta({ description: 'The images held out for evaluation, which the search never saw.' }),
  }),
  model: z.string(),
  epochs: z.number().int().positive(),
  seed: z.number().int(),
  backend: z.string(),
  seconds: z.number().nonnegative(),
  valAccuracy: z.number().min(0).max(1).optional(),
  learningRates: z.strictObject({ alpha: z.number().positive(), beta: z.number().positive() }).optional(),
  startedAt: z.string().optional(),
  perplexity: z.number().positive().optional().meta({ description: 'exp(entropy) of the final level-2 distribution: how many categories it effectively spreads over.' }),
  learnedApplyProbability: probability.optional().meta({ description: 'p_aug as the search learned it. applyProbability (and each schedule stage) is it times evidenceWeight.' }),
  evidenceWeight: probability.optional().meta({ description: 'P(augmenting at all helps) from the per-step evidence (Student t over steps): the learned p_aug is scaled by it, so a search that cannot show a benefit recommends little beyond the base transform.' }),
  leftOut: z.array(z.strictObject({ category: z.string(), reason: z.string() })).optional().meta({ description: 'Categories of the requested space the search left out, and why (e.g. the identity on this data).' }),
  evidence: EvidenceSchema.optional(),
});

/** A compact record of the policy's last held-out evaluation (`ddas evaluate`, DDAS: Evaluate Policy). */
export const EvaluationMetadataSchema = z
  .strictObject({
    policy: z.string().optional().meta({ description: "This policy's label among `entries`." }),
    heldOut: z.strictObject({
      name: z.string().meta({ description: 'The held-out split ("t10k", "test_batch", "test/") or share the runs were scored on.' }),
      images: z.number().int().nonnegative().meta({ description: 'Held-out images scored.' }),
    }),
    budget: z.strictObject({
      seeds: z.number().int().positive().meta({ description: 'Training runs per entry (paired over seeds).' }),
      epochs: z.number().int().positive(),
      trainSize: z.number().int().positive().meta({ description: 'Training images per run.' }),
    }),
    model: z.string(),
    backend: z.string(),
    entries: z
      .array(
        z.strictObject({
          label: z.string(),
          mean: z.number().min(0).max(1).meta({ description: 'Mean held-out accuracy over the seeds.' }),
          low: z.number().meta({ description: 'Lower end of its 95% confidence interval.' }),
          high: z.number().meta({ description: 'Upper end of its 95% confidence interval.' }),
        }),
      )
      .meta({ description: 'Every policy and baseline evaluated, in the order they were given.' }),
    verdict: z.string().meta({ description: 'The comparison in one sentence, e.g. "+1.2 points over base (95% CI +0.6..+1.8) on 10,000 held-out images".' }),
    finishedAt: z.string(),
  })
  .meta({ description: 'How this policy did on held-out data against the baselines (its last evaluation).' });

export const PolicyOptionsSchema = z.strictObject({
  fill: z.number().int().min(0).max(255).default(0).meta({ description: 'Gray level for pixels that geometric ops uncover.' }),
  interpolation: z.enum(['nearest', 'bilinear']).default('nearest').meta({ description: 'Resampling of geometric ops (torchvision default: nearest).' }),
});

export const PolicySchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'Path or URL of policy.schema.json, for editors.' }),
    version: z.literal(POLICY_VERSION).meta({ description: 'File format version.' }),
    opsPerImage: z.number().int().min(1).max(8).meta({ description: 'How many operations are drawn (i.i.d.) and applied in order to an augmented image.' }),
    applyProbability: probability.meta({ description: 'Level 1: probability that an image is augmented at all.' }),
    operations: Operations,
    base: BaseTransformSchema.optional().meta({ description: 'What training does to every image after the policy (random crop, flip, Cutout). The search ran under it and every export applies it. Absent: nothing.' }),
    schedule: z.array(ScheduleEntrySchema).optional().meta({ description: 'The policy over training progress; entries in increasing untilProgress, the last one at 1.' }),
    options: PolicyOptionsSchema.optional(),
    search: SearchMetadataSchema.optional().meta({ description: 'How this policy was found.' }),
    evaluation: EvaluationMetadataSchema.optional(),
  })
  .meta({
    title: 'DDAS augmentation policy',
    description: 'A two-level augmentation policy: augment at all (applyProbability), then which operations at which magnitudes.',
    defaultSnippets: policyDefaultSnippets(),
  });

export type PolicyOperation = z.infer<typeof PolicyOperationSchema>;
export type ScheduleEntry = z.infer<typeof ScheduleEntrySchema>;
export type SearchMetadata = z.infer<typeof SearchMetadataSchema>;
export type EvaluationMetadata = z.infer<typeof EvaluationMetadataSchema>;
export type PolicyOptions = z.output<typeof PolicyOptionsSchema>;
export type Policy = z.output<typeof PolicySchema>;

/** One problem in a policy, located by its JSON path (e.g. `operations[3].magnitude`). */
export interface PolicyProblem {
  readonly path: string;
  readonly message: string;
}

export type ValidationResult = { ok: true; policy: Policy } | { ok: false; problems: PolicyProblem[] };

/** Tolerance on probabilities that must sum to 1 (files store rounded values). */
export const SUM_TOLERANCE = 1e-3;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path;
  const last = path[path.length - 1];
  if (issue.code === 'invalid_union' && typeof last === 'number') {
    // An operation entry matched neither shape: say why in terms of the op it names.
    const entry = valueAt(input, path);
    if (entry && typeof entry === 'object' && 'op' in entry) {
      const op = (entry as { op: unknown }).op;
      if (typeof op !== 'string' || !(OP_NAMES as readonly string[]).includes(op)) {
        return `unknown operation ${JSON.stringify(op)}; allowed: ${OP_NAMES.join(', ')}`;
      }
      if (hasMagnitude(op as OpName) && !('magnitude' in entry)) return `${op} needs a "magnitude" in [0, 1]`;
      if (!hasMagnitude(op as OpName) && 'magnitude' in entry) return `${op} takes no magnitude; remove "magnitude"`;
      const inner = issue.errors.map((branch) => branch.filter((e) => e.code !== 'invalid_value' || e.path[0] !== 'op'));
      const best = inner.find((b) => b.length > 0);
      if (best) return best.map((e) => `${formatPath(e.path)}: ${e.message}`).join('; ');
    }
    return 'expected an object {"op", "probability"} plus "magnitude" for operations that take one';
  }
  if (issue.code === 'too_small' || issue.code === 'too_big') return `${issue.message} (got ${JSON.stringify(valueAt(input, path))})`;
  if (issue.code === 'unrecognized_keys' && issue.keys.includes('magnitude')) {
    const op = (valueAt(input, path) as { op?: unknown } | undefined)?.op;
    if (typeof op === 'string') return `${op} takes no magnitude; remove "magnitude"`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; remove ${issue.keys.length > 1 ? 'them' : 'it'}`;
  return issue.message;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Structural validation (the schema) followed by the semantic checks. */
export function validatePolicy(input: unknown): ValidationResult {
  const parsed = PolicySchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: describeIssue(issue, input) })),
    };
  }
  const problems = semanticProblems(parsed.data);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, policy: parsed.data };
}

/** Checks the schema cannot express: sums, duplicates, schedule order. */
export function semanticProblems(policy: Policy): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  checkOperations(policy.operations, 'operations', problems);
  if (policy.schedule) {
    let previous = 0;
    policy.schedule.forEach((entry, i) => {
      if (entry.untilProgress <= previous) {
        problems.push({ path: `schedule[${i}].untilProgress`, message: `must be greater than the previous entry's ${previous}; order schedule entries by untilProgress` });
      }
      previous = entry.untilProgress;
      checkOperations(entry.operations, `schedule[${i}].operations`, problems);
    });
    const last = policy.schedule[policy.schedule.length - 1];
    if (last && last.untilProgress !== 1) {
      problems.push({ path: `schedule[${policy.schedule.length - 1}].untilProgress`, message: `the last schedule entry must reach 1 (got ${last.untilProgress})` });
    }
  }
  return problems;
}

function checkOperations(operations: readonly PolicyOperation[], path: string, problems: PolicyProblem[]): void {
  const sum = operations.reduce((s, o) => s + o.probability, 0);
  if (Math.abs(sum - 1) > SUM_TOLERANCE) {
    problems.push({ path, message: `probabilities sum to ${round6(sum)}, not 1; divide each by ${round6(sum)} to normalise` });
  }
  const seen = new Map<string, number>();
  operations.forEach((o, i) => {
    const key = 'magnitude' in o ? `${o.op}@${o.magnitude}` : o.op;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ path: `${path}[${i}]`, message: `duplicates ${path}[${first}] (${key}); merge them by adding their probabilities` });
    } else seen.set(key, i);
  });
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** "operations[3].magnitude: Too big: expected number to be <=1 (got 1.5)" lines. */
export function formatProblems(problems: readonly PolicyProblem[]): string {
  return problems.map((p) => `  ${p.path}: ${p.message}`).join('\n');
}

/** The entry in force at training progress t in [0, 1]. */
export function policyAt(policy: Policy, progress: number): { applyProbability: number; operations: readonly PolicyOperation[] } {
  if (policy.schedule && policy.schedule.length > 0) {
    const entry = policy.schedule.find((e) => progress < e.untilProgress) ?? policy.schedule[policy.schedule.length - 1];
    return entry;
  }
  return policy;
}
