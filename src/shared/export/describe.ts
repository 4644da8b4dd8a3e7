/** Human-readable lines every export carries: where the policy came from and what it means. */
import { describeOp } from '../ops';
import type { Policy, PolicyOperation } from '../policy';

/** `Rotate@0.5` / `Identity`: how a level-2 entry is named in tables and messages. */
export function entryKey(entry: PolicyOperation): string {
  return 'magnitude' in entry ? `${entry.op}@${entry.magnitude}` : entry.op;
}

/** "Rotate +/-15 degrees" - the entry's concrete meaning. */
export function entryMeaning(entry: PolicyOperation): string {
  return describeOp(entry.op, 'magnitude' in entry ? entry.magnitude : undefined);
}

/** One sentence on how the policy was found (or that it carries no search record). */
export function originLine(policy: Policy): string {
  const s = policy.search;
  if (!s) return 'Written by hand (no search record).';
  const parts = [
    `dataset ${s.dataset.path} (${s.dataset.images} images)`,
    `model ${s.model}`,
    `${s.epochs} epoch${s.epochs === 1 ? '' : 's'}`,
    `seed ${s.seed}`,
    `backend ${s.backend}`,
    `${s.seconds} s`,
  ];
  if (s.valAccuracy !== undefined) parts.push(`val accuracy ${percent(s.valAccuracy)}`);
  if (s.startedAt) parts.push(`started ${s.startedAt}`);
  return `Found by a DDAS search: ${parts.join(', ')}.`;
}

/** The training-time semantics, the same sentence in every format. */
export const SEMANTICS_LINES: readonly string[] = [
  'Per image: with probability applyProbability, draw opsPerImage operations i.i.d.',
  'from `operations` (or from the schedule entry in force at the current training',
  'progress) and apply them in order; otherwise leave the image as it is. Then apply',
  'the base transform (`base`: random crop from a zero-padded image, horizontal flip',
  'with probability 1/2, Cutout - each only if set), which every image gets.',
  'Magnitudes in [0, 1] map onto torchvision RandAugment ranges; signed ops draw',
  'their sign per image.',
];

/** The entries with the largest probability first (ties keep file order). */
export function topOperations(operations: readonly PolicyOperation[], count: number): PolicyOperation[] {
  return operations
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => b.entry.probability - a.entry.probability || a.index - b.index)
    .slice(0, count)
    .map((x) => x.entry);
}

export function percent(v: number, digits = 1): string {
  return `${(100 * v).toFixed(digits)}%`;
}
