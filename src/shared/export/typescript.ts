/**
 * `*.augpolicy.ts`: a self-contained TypeScript module - the policy's types and its
 * value - that compiles under strict tsc with no imports, so training code can import
 * the policy with full typing and no dependency on this extension.
 */
import { OP_NAMES, hasMagnitude } from '../ops';
import type { Policy, ValidationResult } from '../policy';
import { canonicalPolicy } from './canonical';
import { originLine, SEMANTICS_LINES } from './describe';
import { readAssignedLiteral } from './assigned';
import { TS_STYLE, formatLiteral } from './literal';

function union(names: readonly string[]): string {
  return names.map((n) => `\n  | '${n}'`).join('');
}

/** The types, written from the op catalog; test/shared/export-ts.test.ts checks they match the zod schema. */
function typeDeclarations(): string {
  const plain = OP_NAMES.filter((op) => !hasMagnitude(op));
  const scaled = OP_NAMES.filter((op) => hasMagnitude(op));
  return `/** Operations without a magnitude. */
export type PlainOperationName =${union(plain)};

/** Operations with a magnitude in [0, 1] (torchvision RandAugment ranges). */
export type MagnitudeOperationName =${union(scaled)};

export type PolicyOperationName = PlainOperationName | MagnitudeOperationName;

/** One level-2 entry: drawn with \`probability\` for each of the opsPerImage draws. */
export type PolicyOperation =
  | { readonly op: PlainOperationName; readonly probability: number }
  | { readonly op: MagnitudeOperationName; readonly magnitude: number; readonly probability: number };

/** In force while training progress (fraction of epochs done) is below untilProgress. */
export interface ScheduleEntry {
  readonly untilProgress: number;
  readonly applyProbability: number;
  readonly operations: readonly PolicyOperation[];
}

/** What training does to every image after the policy: random crop, then flip, then Cutout. */
export interface BaseTransform {
  /** Zero padding in pixels before a random crop back to the image size; 0 = no crop. */
  readonly cropPadding: number;
  /** Mirror left-right with probability 1/2. */
  readonly flipLR: boolean;
  /** Side in pixels of a gray square cut out at a random centre; 0 = off. */
  readonly cutout: number;
}

export interface PolicyOptions {
  /** Gray level for pixels that geometric ops uncover (default 0). */
  readonly fill?: number;
  /** Resampling of geometric ops (default nearest, as torchvision). */
  readonly interpolation?: 'nearest' | 'bilinear';
}

/** How the policy was found. */
export interface SearchMetadata {
  readonly method: 'ddas';
  readonly dataset: { readonly path: string; readonly sha256?: string; readonly images: number; readonly heldOut?: { readonly name: string; readonly images: number; readonly share?: number; readonly seed?: number } };
  readonly model: string;
  readonly epochs: number;
  readonly seed: number;
  readonly backend: string;
  readonly seconds: number;
  readonly valAccuracy?: number;
  readonly learningRates?: { readonly alpha: number; readonly beta: number };
  readonly startedAt?: string;
}

/** The policy's last held-out evaluation against the baselines (mean accuracy with 95% intervals). */
export interface EvaluationMetadata {
  readonly policy?: string;
  readonly heldOut: { readonly name: string; readonly images: number };
  readonly budget: { readonly seeds: number; readonly epochs: number; readonly trainSize: number };
  readonly model: string;
  readonly backend: string;
  readonly entries: readonly { readonly label: string; readonly mean: number; readonly low: number; readonly high: number }[];
  readonly verdict: string;
  readonly finishedAt: string;
}

export interface Policy {
  readonly version: 1;
  /** How many operations an augmented image gets (drawn i.i.d., applied in order). */
  readonly opsPerImage: number;
  /** Level 1: probability that an image is augmented at all. */
  readonly applyProbability: number;
  /** Level 2: (operation, magnitude) entries whose probabilities sum to 1. */
  readonly operations: readonly PolicyOperation[];
  /** Applied after the policy's operations; absent: nothing. */
  readonly base?: BaseTransform;
  readonly schedule?: readonly ScheduleEntry[];
  readonly options?: PolicyOptions;
  readonly search?: SearchMetadata;
  readonly evaluation?: EvaluationMetadata;
}`;
}

export function writePolicyTs(policy: Policy): string {
  const doc = ['DDAS augmentation policy - written by `ddas export`.', originLine(policy), '', ...SEMANTICS_LINES, '', 'Use: `import { policy } from \'./<this file>\'` and hand it to the DDAS runtime', '(`createAugmenter(policy)`) or to your own sampler. Self-contained: no imports.'];
  return [
    '/**',
    ...doc.map((l) => (l === '' ? ' *' : ` * ${l.replace(/\*\//g, '*\\/')}`)),
    ' */',
    '',
    typeDeclarations(),
    '',
    `export const policy: Policy = ${formatLiteral(canonicalPolicy(policy), TS_STYLE)};`,
    '',
    'export default policy;',
    '',
  ].join('\n');
}

/** Reads the value back out of a file written by writePolicyTs (or hand-edited in the same shape). */
export function readPolicyTs(text: string): ValidationResult {
  return readAssignedLiteral(text, /export\s+const\s+policy\s*(?::\s*Policy\s*)?=\s*/, 'export const policy: Policy = {...}');
}
