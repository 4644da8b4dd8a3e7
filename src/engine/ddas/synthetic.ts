/**
 * A synthetic set where the label is an orientation, for checking that a search learns:
 * each image holds a bright corner (two bars meeting at a right angle) at a random
 * place on a noisy background, and the class is which way the corner points (top-left,
 * top-right, bottom-left, bottom-right). FlipLR and FlipUD turn every image into another
 * class; brightness, contrast and small shifts keep the label.
 */
import { Rng } from '../../shared/rng';
import type { ImageSet, SearchData } from './data';

export const CORNER_CLASSES = ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const;

export interface CornerOptions {
  /** Image side in pixels. Default 16. */
  readonly size?: number;
  /** Corner arm length in pixels. Default size / 2. */
  readonly arm?: number;
  /** Std of the Gaussian-ish pixel noise, in gray levels. Default 24. */
  readonly noise?: number;
}

export function cornerImages(count: number, seed: number, opts: CornerOptions = {}): ImageSet {
  const size = opts.size ?? 16;
  const arm = opts.arm ?? Math.floor(size / 2);
  const noise = opts.noise ?? 24;
  const rng = Rng.seeded(seed);
  const pixels = new Uint8Array(count * size * size);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 4;
    labels[i] = label;
    const background = 40 + rng.int(60);
    const bright = 170 + rng.int(80);
    const base = i * size * size;
    for (let p = 0; p < size * size; p++) {
      // Sum of three uniforms: a cheap bell-shaped noise.
      const n = (rng.uniform() + rng.uniform() + rng.uniform() - 1.5) * 2 * noise;
      pixels[base + p] = clamp(background + n);
    }
    const x0 = 1 + rng.int(size - arm - 1);
    const y0 = 1 + rng.int(size - arm - 1);
    const right = label === 1 || label === 3;
    const bottom = label >= 2;
    const cornerX = right ? x0 + arm - 1 : x0;
    const cornerY = bottom ? y0 + arm - 1 : y0;
    for (let t = 0; t < arm; t++) {
      pixels[base + cornerY * size + (x0 + t)] = bright; // horizontal bar
      pixels[base + (y0 + t) * size + cornerX] = bright; // vertical bar
    }
  }
  return { pixels, labels };
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/** search-train + search-val corner sets as SearchData (grayscale, 4 classes). */
export function cornerSearchData(trainSize: number, valSize: number, seed: number, opts: CornerOptions = {}): SearchData {
  const size = opts.size ?? 16;
  return {
    train: cornerImages(trainSize, seed, opts),
    val: cornerImages(valSize, seed + 1_000_003, opts),
    height: size,
    width: size,
    channels: 1,
    classes: CORNER_CLASSES.length,
  };
}
