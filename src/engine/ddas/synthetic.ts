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
  /** Put every corner at the same place (the image centre) instead of a random one. Default false. */
  readonly centred?: boolean;
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
    const x0 = opts.centred ? Math.floor((size - arm) / 2) : 1 + rng.int(size - arm - 1);
    const y0 = opts.centred ? Math.floor((size - arm) / 2) : 1 + rng.int(size - arm - 1);
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

/**
 * search-train + search-val corner sets as SearchData (grayscale, 4 classes). `valOptions`
 * overrides options for search-val only (e.g. centred training corners, placed anywhere in
 * validation: a shift the training images lack, which translations supply).
 */
export function cornerSearchData(trainSize: number, valSize: number, seed: number, opts: CornerOptions = {}, valOptions: CornerOptions = {}): SearchData {
  const size = opts.size ?? 16;
  return {
    train: cornerImages(trainSize, seed, opts),
    val: cornerImages(valSize, seed + 1_000_003, { ...opts, ...valOptions }),
    height: size,
    width: size,
    channels: 1,
    classes: CORNER_CLASSES.length,
  };
}

export const ARROW_CLASSES = ['left', 'right', 'up', 'down'] as const;

export interface ArrowOptions {
  /** Image side in pixels. Default 32. */
  readonly size?: number;
  /** Std-ish of the per-pixel noise, in levels. Default 12. */
  readonly noise?: number;
}

/**
 * A colour set whose class is the direction an arrow points (left, right, up, down), so
 * FlipLR turns left into right and FlipUD up into down, while colour, brightness,
 * contrast, small rotations and shifts keep the label. Background and arrow get random,
 * saturated colours: a dark background, a bright arrow (so Color and the other colour ops are not the identity),
 * the arrow a random place and length.
 */
export function arrowImages(count: number, seed: number, opts: ArrowOptions = {}): ImageSet {
  const size = opts.size ?? 32;
  const noise = opts.noise ?? 12;
  const rng = Rng.seeded(seed);
  const px = size * size * 3;
  const pixels = new Uint8Array(count * px);
  const labels = new Int32Array(count);
  const colour = (v: number): number[] => {
    // A random hue, strongly saturated, at brightness v.
    const h = rng.uniform() * 6;
    const f = h - Math.floor(h);
    const lo = Math.floor(v * 0.25 * rng.uniform());
    const rgb = [[v, f, lo], [1 - f, v, lo], [lo, v, f], [lo, 1 - f, v], [f, lo, v], [v, lo, 1 - f]][Math.floor(h) % 6];
    return rgb.map((c) => (c <= 1 ? lo + c * (v - lo) : c));
  };
  for (let i = 0; i < count; i++) {
    const label = i % 4;
    labels[i] = label;
    // A dark background and a bright arrow, each of its own hue.
    const bg = colour(50 + rng.int(60));
    const fg = colour(180 + rng.int(76));
    const base = i * px;
    for (let p = 0; p < size * size; p++) {
      for (let c = 0; c < 3; c++) pixels[base + 3 * p + c] = clamp(bg[c] + (rng.uniform() + rng.uniform() - 1) * 2 * noise);
    }
    // Arrow along +x in local coordinates: a shaft and a head at the +x end, then turned.
    const len = Math.floor(size * (0.5 + 0.2 * rng.uniform()));
    const half = Math.floor(len / 2);
    const head = Math.max(4, Math.floor(len / 2));
    const cx = Math.floor(size / 2) + rng.int(Math.max(1, size - len - 4)) - Math.floor((size - len - 4) / 2);
    const cy = Math.floor(size / 2) + rng.int(Math.max(1, size - len - 4)) - Math.floor((size - len - 4) / 2);
    const put = (u: number, v: number): void => {
      // (u, v): along / across the arrow; label 0 left, 1 right, 2 up, 3 down.
      const [x, y] = label === 0 ? [-u, v] : label === 1 ? [u, v] : label === 2 ? [v, -u] : [v, u];
      const X = cx + x;
      const Y = cy + y;
      if (X < 0 || Y < 0 || X >= size || Y >= size) return;
      for (let c = 0; c < 3; c++) pixels[base + 3 * (Y * size + X) + c] = clamp(fg[c]);
    };
    for (let u = -half; u <= half; u++) for (let v = -1; v <= 1; v++) put(u, v);
    // The head: a triangle with its tip at the +u end, widening backwards.
    for (let t = 0; t < head; t++) for (let v = -t - 1; v <= t + 1; v++) put(half - Math.floor(t / 2), v);
  }
  return { pixels, labels };
}

/** search-train + search-val arrow sets as SearchData (RGB, 4 classes). */
export function arrowSearchData(trainSize: number, valSize: number, seed: number, opts: ArrowOptions = {}): SearchData {
  const size = opts.size ?? 32;
  return { train: arrowImages(trainSize, seed, opts), val: arrowImages(valSize, seed + 1_000_003, opts), height: size, width: size, channels: 3, classes: ARROW_CLASSES.length };
}

/** The same images with labels permuted at random (a null control: nothing can be learned). */
export function shuffledLabels(set: ImageSet, seed: number): ImageSet {
  const labels = Int32Array.from(set.labels);
  const rng = Rng.seeded(seed);
  for (let i = labels.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [labels[i], labels[j]] = [labels[j], labels[i]];
  }
  return { pixels: set.pixels, labels };
}
