/**
 * Seeded stratified splits: each part gets every class in proportion to its share of
 * the labels, rounded by largest remainder, so part sizes are exact. Parts are filled
 * in the order their keys are given and never overlap.
 */
import { Rng } from '../../shared/rng';
import { DatasetError } from './errors';

/**
 * Disjoint index arrays (ascending) with the requested sizes, e.g.
 * `stratifiedSplit(labels, { train: 2000, val: 2000 }, 0)`. Deterministic per seed.
 */
export function stratifiedSplit<K extends string>(labels: ArrayLike<number>, sizes: Record<K, number>, seed: number): Record<K, Int32Array> {
  const parts = Object.keys(sizes) as K[];
  let wanted = 0;
  for (const part of parts) {
    const n = sizes[part];
    if (!Number.isInteger(n) || n < 0) {
      throw new DatasetError('stratifiedSplit', `the ${part} size ${n} is not a whole number >= 0`, 'Ask for a whole number of images');
    }
    wanted += n;
  }
  if (wanted > labels.length) {
    const asked = parts.map((p) => `${sizes[p]} ${p}`).join(' + ');
    throw new DatasetError('stratifiedSplit', `asked for ${asked} = ${wanted} images but the dataset has ${labels.length}`, 'Ask for fewer images');
  }

  // Each class's indices, shuffled once: parts take consecutive slices.
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]);
    if (list) list.push(i);
    else byClass.set(labels[i], [i]);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const rng = Rng.seeded(seed);
  const pools = classes.map((c) => shuffle(byClass.get(c) as number[], rng));
  const counts = pools.map((p) => p.length);
  const taken = counts.map(() => 0);

  const out = {} as Record<K, Int32Array>;
  for (const part of parts) {
    const quota = allocate(counts, sizes[part], counts.map((n, c) => n - taken[c]));
    const chosen: number[] = [];
    quota.forEach((q, c) => {
      chosen.push(...pools[c].slice(taken[c], taken[c] + q));
      taken[c] += q;
    });
    out[part] = Int32Array.from(chosen).sort();
  }
  return out;
}

/**
 * stratifiedSplit over the images at `subset` (dataset indices, e.g. those a held-out
 * share leaves): the parts are dataset indices, disjoint, ascending when `subset` is.
 */
export function stratifiedSplitOf<K extends string>(labels: ArrayLike<number>, subset: ArrayLike<number>, sizes: Record<K, number>, seed: number): Record<K, Int32Array> {
  const parts = stratifiedSplit(Int32Array.from(subset, (i) => labels[i]), sizes, seed);
  const out = {} as Record<K, Int32Array>;
  for (const part of Object.keys(parts) as K[]) out[part] = Int32Array.from(parts[part], (p) => subset[p]).sort();
  return out;
}

/**
 * Splits `total` over classes in proportion to `counts` by largest remainder, no class
 * above its `room`. Ties go to the lower class index.
 */
export function allocate(counts: readonly number[], total: number, room: readonly number[]): number[] {
  const all = counts.reduce((a, b) => a + b, 0);
  const exact = counts.map((n) => (all === 0 ? 0 : (total * n) / all));
  const quota = exact.map((e, c) => Math.min(Math.floor(e), room[c]));
  let left = total - quota.reduce((a, b) => a + b, 0);
  const order = exact.map((_, c) => c).sort((a, b) => exact[b] - Math.floor(exact[b]) - (exact[a] - Math.floor(exact[a])) || a - b);
  // Rounds: the largest remainders first; capped classes may push leftovers further.
  while (left > 0) {
    let gave = false;
    for (const c of order) {
      if (left === 0) break;
      if (quota[c] < room[c]) {
        quota[c]++;
        left--;
        gave = true;
      }
    }
    if (!gave) throw new RangeError('allocate: not enough room for the requested total');
  }
  return quota;
}

function shuffle(values: number[], rng: Rng): number[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}
