/**
 * A search space: the K categories DDAS learns a distribution over. A category is an
 * (operation, magnitude bin) pair, or an operation without magnitude.
 */
import { DEFAULT_MAGNITUDE_BINS, OPS, describeOp, hasMagnitude, type OpName } from './ops';

export interface Category {
  readonly op: OpName;
  /** Magnitude in [0, 1]; absent for ops without magnitude. */
  readonly magnitude?: number;
}

/** The official DDAS CIFAR space: 8 ops without magnitude + 11 ops x 4 bins = 52. */
export const DDAS_CIFAR_OPS: readonly OpName[] = [
  'Identity', 'FlipLR', 'FlipUD', 'AutoContrast', 'Equalize', 'Invert', 'Blur', 'Smooth',
  'Rotate', 'Posterize', 'ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Solarize',
  'Color', 'Contrast', 'Brightness', 'Sharpness',
];

/**
 * Our default: the official space plus Cutout at its bins (its ImageNet space has it),
 * 56 categories before the search fits it to the data (which drops Identity, and Color
 * on grayscale). Flips and Cutout are here, not in the base, so the search decides them.
 */
export const DEFAULT_SPACE_OPS: readonly OpName[] = [...DDAS_CIFAR_OPS, 'Cutout'];

export function buildSpace(ops: readonly OpName[] = DEFAULT_SPACE_OPS, bins: readonly number[] = DEFAULT_MAGNITUDE_BINS): Category[] {
  const seen = new Set<OpName>();
  const categories: Category[] = [];
  for (const op of ops) {
    if (seen.has(op)) throw new Error(`search space lists ${op} twice`);
    seen.add(op);
    if (!(op in OPS)) throw new Error(`unknown operation ${op}`);
    if (hasMagnitude(op)) for (const magnitude of bins) categories.push({ op, magnitude });
    else categories.push({ op });
  }
  return categories;
}

export function categoryKey(c: Category): string {
  return c.magnitude === undefined ? c.op : `${c.op}@${c.magnitude}`;
}

/** exp(entropy) of a distribution: how many categories it effectively spreads over (K when uniform). */
export function perplexity(p: readonly number[]): number {
  let h = 0;
  for (const v of p) if (v > 0) h -= v * Math.log(v);
  return Math.exp(h);
}

/** A category key ("Rotate@0.5", "FlipLR") in words: "Rotate +/-15 degrees". */
export function describeCategoryKey(key: string): string {
  const [op, m] = key.split('@');
  return op in OPS ? describeOp(op as OpName, m === undefined ? undefined : Number(m)) : key;
}
