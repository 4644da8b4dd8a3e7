/**
 * A space fitted to the data: categories that leave the dataset's images as they are
 * (Color on grayscale, Identity itself) are left out. They cost the search nothing to
 * "win" - their gradient equals the clean one - so they attract the level-2 mass without
 * doing anything, and level 1 (applyProbability) already decides "leave the image alone".
 */
import type { Rng } from '../../shared/rng';
import { categoryKey, type Category } from '../../shared/space';
import { augmentBatch } from '../augment';
import type { ImageSet } from './data';

export interface LeftOut {
  readonly category: string;
  readonly reason: string;
}

export interface FittedSpace {
  readonly space: readonly Category[];
  readonly leftOut: readonly LeftOut[];
}

/** Images the identity test looks at (a spread sample of the search-train split). */
const SAMPLE = 64;

/**
 * Drops the categories under which no pixel of a sample of `set` changes, in either
 * sign; keeps the order of the rest (which may be none).
 */
export function fitSpace(space: readonly Category[], set: ImageSet, frame: { width: number; height: number; channels: number }, rng: Rng): FittedSpace {
  const size = frame.width * frame.height * frame.channels;
  const total = set.labels.length;
  const count = Math.min(SAMPLE, total);
  const sample = new Uint8Array(count * size);
  for (let i = 0; i < count; i++) {
    const at = Math.floor((i * total) / count);
    sample.set(set.pixels.subarray(at * size, (at + 1) * size), i * size);
  }
  const kept: Category[] = [];
  const leftOut: LeftOut[] = [];
  for (const c of space) {
    if (c.op === 'Identity') {
      leftOut.push({ category: categoryKey(c), reason: 'it is the identity; applyProbability already decides to leave images alone' });
      continue;
    }
    const changes = ([1, -1] as const).some((sign) => {
      const plans = Array.from({ length: count }, () => [{ op: c.op, magnitude: c.magnitude ?? 0, sign, position: [rng.uniform(), rng.uniform()] as const }]);
      const out = augmentBatch(sample, frame, plans);
      for (let i = 0; i < out.length; i++) if (out[i] !== sample[i]) return true;
      return false;
    });
    if (changes) kept.push(c);
    else leftOut.push({ category: categoryKey(c), reason: `it changes no pixel of ${count} images of this dataset${c.op === 'Color' && frame.channels === 1 ? ' (saturation of grayscale images)' : ''}` });
  }
  return { space: kept, leftOut };
}
