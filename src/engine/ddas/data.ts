/**
 * The search's two splits, held in memory as bytes (2,000 + 2,000 CIFAR images are
 * 12 MB): read once from a Dataset, then batched into float tensors by position.
 */
import { stratifiedSplit, type Dataset } from '../data';
import { tf } from '../tf';

export interface ImageSet {
  /** count * height * width * channels bytes, NHWC. */
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
}

export interface SearchData {
  readonly train: ImageSet;
  readonly val: ImageSet;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly classes: number;
  /** Dataset indices of the two splits (checkpoints record them); absent for synthetic data. */
  readonly split?: { readonly train: Int32Array; readonly val: Int32Array };
}

/** Stratified search-train / search-val split (seeded), read into memory. */
export async function loadSearchData(dataset: Dataset, sizes: { train: number; val: number }, seed: number): Promise<SearchData> {
  const split = stratifiedSplit(dataset.labels, sizes, seed);
  return readSearchData(dataset, split);
}

/** Reads a split chosen earlier (e.g. the one a checkpoint recorded). */
export async function readSearchData(dataset: Dataset, split: { train: ArrayLike<number>; val: ArrayLike<number> }): Promise<SearchData> {
  const { width, height, channels, classNames } = dataset.info;
  const train = await dataset.read(Array.from(split.train));
  const val = await dataset.read(Array.from(split.val));
  return {
    train: { pixels: train.pixels, labels: train.labels },
    val: { pixels: val.pixels, labels: val.labels },
    height,
    width,
    channels,
    classes: classNames.length,
    split: { train: Int32Array.from(split.train), val: Int32Array.from(split.val) },
  };
}

/** Per-channel mean and std of the pixels scaled to [0, 1] (the net's input normalisation). */
export function channelStats(set: ImageSet, channels: number): { mean: number[]; std: number[] } {
  const sum = new Float64Array(channels);
  const sq = new Float64Array(channels);
  const px = set.pixels;
  for (let i = 0; i < px.length; i++) {
    const v = px[i] / 255;
    sum[i % channels] += v;
    sq[i % channels] += v * v;
  }
  const n = px.length / channels;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, c) => Math.max(Math.sqrt(Math.max(s / n - mean[c] ** 2, 0)), 1e-3));
  return { mean, std };
}

/** Images at the given positions of the set as float pixels [N, H, W, C] and their labels. */
export function batchTensors(set: ImageSet, positions: ArrayLike<number>, data: SearchData): { x: tf.Tensor4D; labels: tf.Tensor1D } {
  const size = data.height * data.width * data.channels;
  const n = positions.length;
  const out = new Float32Array(n * size);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const at = positions[i];
    out.set(set.pixels.subarray(at * size, (at + 1) * size), i * size);
    labels[i] = set.labels[at];
  }
  return { x: tf.tensor4d(out, [n, data.height, data.width, data.channels]), labels: tf.tensor1d(labels, 'int32') };
}

export function setSize(set: ImageSet): number {
  return set.labels.length;
}
