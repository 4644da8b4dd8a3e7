/**
 * Named random streams of an evaluation. Every draw of a run comes from a stream keyed
 * by what it is for, so pairing holds by construction: the initial weights and the
 * epochs' image order depend on the seed only, augmentation on (seed, entry).
 */
import { Rng } from '../../shared/rng';

/** A 31-bit seed from the run's seed and a purpose (FNV-1a over their text). */
export function deriveSeed(seed: number, ...purpose: readonly (string | number)[]): number {
  const text = [seed, ...purpose].join('\u0000');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7fffffff;
}

export function streamFor(seed: number, ...purpose: readonly (string | number)[]): Rng {
  return Rng.seeded(deriveSeed(seed, ...purpose));
}

/** Positions 0..n-1 in the order one epoch visits them (the same for every entry of a seed). */
export function epochOrder(n: number, seed: number, epoch: number): number[] {
  const rng = streamFor(seed, 'order', epoch);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
