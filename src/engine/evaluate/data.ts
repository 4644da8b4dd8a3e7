/**
 * The images an evaluation uses: the held-out split (all of it, or a stratified
 * `testSize`), read once and shared by every run, and per seed a stratified training
 * subset of the images searches may use (the same subset for every entry of that seed).
 */
import { createHash } from 'node:crypto';
import { stratifiedSplit } from '../data';
import { openSplits, type DatasetSplits } from '../data/holdout';
import type { ImageSet, SearchData } from '../ddas/data';
import { UserError } from '../errors';
import { deriveSeed } from './seeds';

export interface EvaluationData {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly classes: number;
  readonly heldOutName: string;
  readonly test: ImageSet;
  /** Identifies the held-out images and labels (a resumed evaluation checks it). */
  readonly testSha256: string;
  /** Training images per run (the budget's, capped to what the dataset has). */
  readonly trainSize: number;
  /** Things to tell the user (a budget that was capped). */
  readonly notes: readonly string[];
  /** The seed's training subset, with the held-out images as `val`. */
  trainingData(seed: number): Promise<SearchData>;
  close(): Promise<void>;
}

function labelsAt(labels: Int32Array, indices: Int32Array): Int32Array {
  return Int32Array.from(indices, (i) => labels[i]);
}

/** A stratified `size` of `indices` (all of them, in order, when size covers them). */
function stratifiedSubset(labels: Int32Array, indices: Int32Array, size: number, seed: number): Int32Array {
  if (size >= indices.length) return indices;
  const { pick } = stratifiedSplit(labelsAt(labels, indices), { pick: size }, seed);
  return Int32Array.from(pick, (p) => indices[p]);
}

export async function openEvaluationData(datasetPath: string, budget: { trainSize: number; testSize?: number }, seed: number): Promise<EvaluationData> {
  // The held-out share's own default seed: the one searches exclude, whatever this evaluation's seed.
  const splits: DatasetSplits = await openSplits(datasetPath);
  try {
    const { train, trainIndices, heldOut } = splits;
    const { width, height, channels, classNames, path } = train.info;
    const h = heldOut.dataset.info;
    if (h.width !== width || h.height !== height || h.channels !== channels) {
      throw new UserError(`${path}: the held-out split "${heldOut.name}" has ${h.width}x${h.height}x${h.channels} images, the training split ${width}x${height}x${channels}. Give both splits the same image size and channels.`);
    }
    if (heldOut.indices.length === 0) throw new UserError(`${path}: the held-out split "${heldOut.name}" has no images. Add a test split or use a larger dataset.`);
    if (trainIndices.length === 0) throw new UserError(`${path}: no images are left to train on besides the held-out split "${heldOut.name}". Use a larger dataset.`);
    const notes: string[] = [];
    const trainSize = Math.min(budget.trainSize, trainIndices.length);
    if (trainSize < budget.trainSize) notes.push(`the dataset has ${trainIndices.length} training images besides the held-out split, so each run trains on ${trainSize} (not ${budget.trainSize})`);
    const wantTest = budget.testSize ?? heldOut.indices.length;
    if (wantTest > heldOut.indices.length) notes.push(`the held-out split "${heldOut.name}" has ${heldOut.indices.length} images, so all of them are scored (not ${wantTest})`);
    const testIndices = stratifiedSubset(heldOut.dataset.labels, heldOut.indices, wantTest, deriveSeed(seed, 'test-subset'));
    const read = await heldOut.dataset.read(Array.from(testIndices));
    const test: ImageSet = { pixels: read.pixels, labels: read.labels };
    const hash = createHash('sha256');
    hash.update(test.pixels);
    hash.update(new Uint8Array(test.labels.buffer, test.labels.byteOffset, test.labels.byteLength));
    const frame = { height, width, channels, classes: classNames.length };
    const cache = new Map<number, SearchData>();
    return {
      path,
      width,
      height,
      channels,
      classes: classNames.length,
      heldOutName: heldOut.name,
      test,
      testSha256: hash.digest('hex'),
      trainSize,
      notes,
      trainingData: async (runSeed) => {
        const cached = cache.get(runSeed);
        if (cached) return cached;
        const indices = stratifiedSubset(train.labels, trainIndices, trainSize, deriveSeed(runSeed, 'train-subset'));
        const batch = await train.read(Array.from(indices));
        // Only the current seed's subset is kept: a run needs one at a time.
        cache.clear();
        const data: SearchData = { ...frame, train: { pixels: batch.pixels, labels: batch.labels }, val: test };
        cache.set(runSeed, data);
        return data;
      },
      close: () => splits.close(),
    };
  } catch (e) {
    await splits.close();
    throw e;
  }
}
