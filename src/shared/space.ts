/**
 * A search space: the K categories DDAS learns a distribution over. A category is an
 * (operation, magnitude bin) pair, or an operation without magnitude.
 */
import { DEFAULT_MAGNITUDE_BINS, OPS, hasMagnitude, type OpName } from './ops';

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

export function buildSpace(ops: readonly OpName[] = DDAS_CIFAR_OPS, bins: readonly number[] = DEFAULT_MAGNITUDE_BINS): Category[] {
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
