/** A tiny learnable dataset with a test split for the evaluation tests: IDX train + t10k files. */
import type { Policy } from '../../src/shared/policy';
import { Rng } from '../../src/shared/rng';
import { writeIdx } from './data-fixtures';

export const SIDE = 12;
export const CLASSES = 4;

/** Class c is a bright 5x5 square in quadrant c on noise: learnable in a few steps. */
function images(n: number, seed: number): { pixels: Uint8Array; labels: Uint8Array } {
  const rng = Rng.seeded(seed);
  const pixels = new Uint8Array(n * SIDE * SIDE);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % CLASSES;
    labels[i] = c;
    const oy = c < 2 ? 0 : SIDE / 2;
    const ox = c % 2 === 0 ? 0 : SIDE / 2;
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const inSquare = y >= oy && y < oy + 5 && x >= ox && x < ox + 5;
        pixels[i * SIDE * SIDE + y * SIDE + x] = inSquare ? 180 + rng.int(70) : rng.int(90);
      }
    }
  }
  return { pixels, labels };
}

/** Writes `train` (n) and `t10k` (test) IDX files into `dir`; returns `dir`. */
export async function writeEvaluationDataset(dir: string, n = 48, test = 40): Promise<string> {
  const train = images(n, 1);
  const held = images(test, 2);
  await writeIdx(dir, { prefix: 'train', n, height: SIDE, width: SIDE, ...train });
  await writeIdx(dir, { prefix: 't10k', n: test, height: SIDE, width: SIDE, ...held });
  return dir;
}

/** A valid two-operation policy. */
export const SMALL_POLICY: Policy = {
  version: 1,
  opsPerImage: 1,
  applyProbability: 0.5,
  operations: [
    { op: 'Rotate', magnitude: 0.5, probability: 0.5 },
    { op: 'Brightness', magnitude: 0.5, probability: 0.5 },
  ],
};
