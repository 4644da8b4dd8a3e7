/**
 * Held-out data: the images no search or training may see, so an evaluation scores a
 * policy on data it was not chosen on. A dataset's own test split when it has one (IDX
 * t10k files or CIFAR test batches beside the train files; an ImageFolder root whose
 * only subfolders are train/ and test/ or val/), else a seeded stratified share of the
 * train split. The share's seed is fixed (default 0), not the search's: every search and
 * evaluation of a dataset must agree on which images are held out.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { CIFAR, cifarSplitFiles } from './cifar';
import { DatasetError } from './errors';
import { IDX_IMAGES_RE } from './idx';
import { listClassFolders } from './imagefolder';
import { countClasses } from './labels';
import { openDataset } from './open';
import { stratifiedSplit } from './split';
import type { Dataset, DatasetInfo, OpenOptions } from './types';

export type SplitUse = 'search+train' | 'held-out' | 'unused';

export interface SplitSummary {
  readonly name: string;
  readonly images: number;
  readonly use: SplitUse;
}

export interface HeldOut {
  readonly dataset: Dataset;
  readonly indices: Int32Array;
  /** 't10k', 'test_batch', 'test/', 'val/', 'held-out 10% (stratified, seed 0)'. */
  readonly name: string;
  /** Only for a share of the train split: the share and the seed that chose it. */
  readonly share?: number;
  readonly seed?: number;
}

export interface DatasetSplits {
  /** Images search and evaluation may train on (held-out images excluded from `trainIndices`). */
  readonly train: Dataset;
  /** Indices into `train` that searches and training may use (all of it when the held-out set is a separate split). */
  readonly trainIndices: Int32Array;
  /** The held-out images: a separate split's Dataset, or `train` itself with `heldOutIndices`. */
  readonly heldOut: HeldOut;
  /** Every split the path has, for `ddas info`. */
  readonly splits: readonly SplitSummary[];
  close(): Promise<void>;
}

export interface SplitOptions extends OpenOptions {
  /** Share of the train split held out when the dataset has no test/val split. Default 0.1. */
  heldOutShare?: number;
  /** Seed of that stratified share. Default 0. */
  seed?: number;
}

export const DEFAULT_HELD_OUT_SHARE = 0.1;
export const DEFAULT_HELD_OUT_SEED = 0;
const FOLDER_SPLITS = ['train', 'val', 'test'] as const;
type FolderSplit = (typeof FOLDER_SPLITS)[number];

/** What the policy metadata records about the held-out images. */
export function heldOutRecord(splits: DatasetSplits): { name: string; images: number; share?: number; seed?: number } {
  const h = splits.heldOut;
  return { name: h.name, images: h.indices.length, ...(h.share !== undefined ? { share: h.share, seed: h.seed } : {}) };
}

export async function openSplits(target: string, opts: SplitOptions = {}): Promise<DatasetSplits> {
  const { heldOutShare, seed, ...open } = opts;
  const share = heldOutShare ?? DEFAULT_HELD_OUT_SHARE;
  const shareSeed = seed ?? DEFAULT_HELD_OUT_SEED;
  if (!(share > 0 && share < 1)) {
    throw new DatasetError('openSplits', `the held-out share ${share} is not between 0 and 1`, 'Give a share such as 0.1 (10% of the images)');
  }
  if (!Number.isInteger(shareSeed)) throw new DatasetError('openSplits', `the held-out seed ${shareSeed} is not an integer`, 'Give a whole-number seed (default 0)');

  if (!open.format || open.format === 'imagefolder') {
    const layout = await folderLayout(target);
    if (layout) return openFolderSplits(target, layout, open, share, shareSeed);
  }
  const train = await openDataset(target, open);
  try {
    // A test split beside the train files holds out itself; a test split opened on purpose has none.
    const test = train.info.split === 'train' ? await openTestBeside(train.info, open) : undefined;
    if (!test) return shareOfTrain(train, splitName(train.info), share, shareSeed, []);
    let held: Dataset;
    try {
      held = matchClasses(train.info, test, splitName(test.info));
    } catch (e) {
      await test.close();
      throw e;
    }
    return separate(train, held, splitName(test.info), []);
  } catch (e) {
    await train.close();
    throw e;
  }
}

/** The test split of an IDX or CIFAR folder, when its files sit beside the train files. */
async function openTestBeside(info: DatasetInfo, open: OpenOptions): Promise<Dataset | undefined> {
  const dir = path.dirname(info.files[0]);
  const entries = await fsp.readdir(dir);
  if (info.format === 'idx') {
    const hasTest = entries.some((e) => ['t10k', 'test'].includes((IDX_IMAGES_RE.exec(e)?.[1] ?? '').toLowerCase()));
    return hasTest ? openDataset(dir, { ...open, format: 'idx', split: 'test' }) : undefined;
  }
  if (info.format === 'cifar10' || info.format === 'cifar100') {
    return cifarSplitFiles(entries, info.format, 'test').length > 0 ? openDataset(dir, { ...open, format: info.format, split: 'test' }) : undefined;
  }
  return undefined;
}

/** The train/ val/ test/ subfolders of an ImageFolder root, or undefined for any other folder. */
async function folderLayout(target: string): Promise<Set<FolderSplit> | undefined> {
  let stat;
  try {
    stat = await fsp.stat(target);
  } catch {
    return undefined; // openDataset reports the missing path.
  }
  if (!stat.isDirectory()) return undefined;
  const subfolders = await listClassFolders(target);
  // Only when every subfolder is a split name and train/ holds class folders: a plain
  // ImageFolder may well have a class called "test".
  if (!subfolders.includes('train') || !subfolders.every((s) => (FOLDER_SPLITS as readonly string[]).includes(s))) return undefined;
  if ((await listClassFolders(path.join(target, 'train'))).length === 0) return undefined;
  return new Set(subfolders as FolderSplit[]);
}

async function openFolderSplits(root: string, layout: Set<FolderSplit>, open: OpenOptions, share: number, seed: number): Promise<DatasetSplits> {
  const train = await openDataset(path.join(root, 'train'), { ...open, format: 'imagefolder' });
  try {
    const heldName = layout.has('test') ? 'test' : layout.has('val') ? 'val' : undefined;
    if (!heldName) return shareOfTrain(train, 'train/', share, seed, []);
    // The held-out images are read at the train split's size and channels, as training sees them.
    const same = { ...open, format: 'imagefolder' as const, size: { width: train.info.width, height: train.info.height }, channels: train.info.channels === 1 ? (1 as const) : (3 as const) };
    const opened = await openDataset(path.join(root, heldName), same);
    let held: Dataset;
    try {
      held = matchClasses(train.info, opened, `${heldName}/`);
    } catch (e) {
      await opened.close();
      throw e;
    }
    const unused: SplitSummary[] = [];
    if (heldName === 'test' && layout.has('val')) {
      // Counted only (headers, no decoding): nothing reads val/ while test/ is held out.
      const val = await openDataset(path.join(root, 'val'), { ...same, verify: false });
      unused.push({ name: 'val/', images: val.info.size, use: 'unused' });
      await val.close();
    }
    return separate(train, held, `${heldName}/`, unused);
  } catch (e) {
    await train.close();
    throw e;
  }
}

/** A separate held-out split: training may use every train image. */
function separate(train: Dataset, held: Dataset, heldName: string, unused: readonly SplitSummary[]): DatasetSplits {
  return {
    train,
    trainIndices: indexRange(train.labels.length),
    heldOut: { dataset: held, indices: indexRange(held.labels.length), name: heldName },
    splits: [{ name: splitName(train.info), images: train.info.size, use: 'search+train' }, { name: heldName, images: held.info.size, use: 'held-out' }, ...unused],
    close: async () => {
      await Promise.all([train.close(), held.close()]);
    },
  };
}

/** A stratified share of the train split, held out; the rest is what training may use. */
function shareOfTrain(train: Dataset, trainName: string, share: number, seed: number, unused: readonly SplitSummary[]): DatasetSplits {
  const n = train.labels.length;
  const k = Math.max(1, Math.round(share * n));
  const percent = `${Number((100 * share).toFixed(2))}%`;
  if (k >= n) {
    throw new DatasetError(
      train.info.path,
      `has ${n} image${n === 1 ? '' : 's'}: too few to hold out ${percent} for evaluation and keep some to train on`,
      'Add images, or give the dataset a held-out split (IDX t10k files, CIFAR test_batch.bin, or train/ and test/ subfolders)',
    );
  }
  const { heldOut } = stratifiedSplit(train.labels, { heldOut: k }, seed);
  const held = new Uint8Array(n);
  for (const i of heldOut) held[i] = 1;
  const trainIndices = new Int32Array(n - k);
  for (let i = 0, j = 0; i < n; i++) if (!held[i]) trainIndices[j++] = i;
  const name = `held-out ${percent} (stratified, seed ${seed})`;
  return {
    train,
    trainIndices,
    heldOut: { dataset: train, indices: heldOut, name, share, seed },
    splits: [{ name: trainName, images: n - k, use: 'search+train' }, { name, images: k, use: 'held-out' }, ...unused],
    close: () => train.close(),
  };
}

/**
 * The held-out split with the train split's class indices and names: same image shape,
 * and every held-out class one of train's (ImageFolder: matched by folder name, since a
 * missing class folder would shift the indices).
 */
function matchClasses(train: DatasetInfo, held: Dataset, heldName: string): Dataset {
  const h = held.info;
  if (h.width !== train.width || h.height !== train.height || h.channels !== train.channels) {
    throw new DatasetError(
      h.files[0],
      `the held-out split ${heldName} holds ${h.width}x${h.height}x${h.channels} images but the train split ${train.width}x${train.height}x${train.channels}`,
      'Give both splits the same image size and channels, or move the held-out files away to hold out a share of the train split instead',
    );
  }
  let mapping: number[];
  if (train.format === 'imagefolder') {
    mapping = h.classNames.map((name) => train.classNames.indexOf(name));
    const stray = mapping.findIndex((m, c) => m < 0 && h.classCounts[c] > 0);
    if (stray >= 0) {
      throw new DatasetError(
        path.join(h.path, h.classNames[stray]),
        `is a class folder of the held-out split that train/ does not have (train/ has ${train.classNames.join(', ')})`,
        'Rename it to one of train/\'s classes, or remove it',
      );
    }
  } else {
    mapping = h.classNames.map((_, c) => c);
    const k = train.classNames.length;
    const at = held.labels.findIndex((l) => l >= k);
    if (at >= 0) {
      throw new DatasetError(h.files[h.files.length > 1 && h.format === 'idx' ? 1 : 0], `label ${held.labels[at]} at record ${at} is not a class of the train split (${k} classes)`, 'Use the test files that belong to these train files');
    }
  }
  const identity = mapping.every((m, c) => m === c) && h.classNames.length === train.classNames.length;
  if (identity && h.classNames.every((n, c) => n === train.classNames[c])) return held;
  const labels = Int32Array.from(held.labels, (l) => mapping[l]);
  return {
    info: { ...h, classNames: train.classNames, classCounts: countClasses(labels, train.classNames.length), ...(train.classNamesFrom ? { classNamesFrom: train.classNamesFrom } : {}) },
    labels,
    async read(indices) {
      const batch = await held.read(indices);
      return { pixels: batch.pixels, labels: Int32Array.from(indices, (i) => labels[i]) };
    },
    close: () => held.close(),
  };
}

/** 'train', 't10k' (IDX prefix), 'data_batch_1..5', 'test_batch', 'train.bin' stems, 'folder/'. */
function splitName(info: DatasetInfo): string {
  if (info.format === 'idx') return IDX_IMAGES_RE.exec(path.basename(info.files[0]))?.[1] ?? path.basename(info.files[0]);
  if (info.format === 'imagefolder') return `${path.basename(info.path)}/`;
  const stems = info.files.map((f) => path.basename(f, '.bin'));
  const trainRe = CIFAR[info.format].files.train;
  const numbers = info.files.map((f) => trainRe.exec(path.basename(f))?.[1]);
  if (stems.length > 1 && numbers.every((n) => n !== undefined)) return `${stems[0]}..${numbers[numbers.length - 1]}`;
  return stems.join(', ');
}

function indexRange(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}
