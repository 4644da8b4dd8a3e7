/** The common shape of every dataset the engine can read. */

export type DatasetFormat = 'idx' | 'cifar10' | 'cifar100' | 'imagefolder';

/** Which half of a dataset that ships a train/test pair (IDX, CIFAR). */
export type DatasetSplit = 'train' | 'test';

export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

export interface DatasetInfo {
  readonly format: DatasetFormat;
  /** The path that was opened, resolved to an absolute path. */
  readonly path: string;
  /** For IDX and CIFAR: which files were read. */
  readonly split?: DatasetSplit;
  /** The files the pixels come from (IDX: images then labels; CIFAR: batches; ImageFolder: the root). */
  readonly files: readonly string[];
  readonly width: number;
  readonly height: number;
  /** 1 (grayscale) or 3 (RGB). */
  readonly channels: number;
  /** Class index i is classNames[i]. */
  readonly classNames: readonly string[];
  /** Where the names come from ("classes.txt", "folder names", ...); absent when they are the indices "0".."K-1". */
  readonly classNamesFrom?: string;
  /** Images per class, same order as classNames. */
  readonly classCounts: readonly number[];
  /** Number of readable images (skipped files are not counted). */
  readonly size: number;
  /** Files left out, with the reason (ImageFolder: corrupt or unreadable images). */
  readonly skipped: readonly SkippedFile[];
  /** Things the user should know that did not stop loading (empty classes, conversions). */
  readonly warnings: readonly string[];
}

/** A batch of images in NHWC order, one byte per channel, with their class indices. */
export interface Batch {
  /** N * height * width * channels bytes. */
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
}

export interface Dataset {
  readonly info: DatasetInfo;
  /** The class index of every image (held in memory: 4 bytes per image). */
  readonly labels: Int32Array;
  /** Reads the given images (any order, repeats allowed) in that order. */
  read(indices: readonly number[]): Promise<Batch>;
  /** Releases open files and cached images (a later read() reopens what it needs). */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Force a format instead of detecting it. */
  format?: DatasetFormat;
  /** IDX/CIFAR folders: which half to read. Default: train, or test when a folder has only test files. */
  split?: DatasetSplit;
  /** Where gzipped IDX files are decompressed once. Default: os.tmpdir()/ddas-cache. */
  cacheDir?: string;
  /** ImageFolder: output size. Default: the most common image size in the folder. */
  size?: { width: number; height: number };
  /** ImageFolder: output channels. Default: 1 if every image is grayscale, else 3. */
  channels?: 1 | 3;
  /** ImageFolder: bound on decoded images kept in memory, in MB. Default 256. */
  cacheMB?: number;
  /**
   * ImageFolder: decode every image while opening, so corrupt files are skipped up front
   * (and the first cacheMB of images are cached). With false only headers are checked and
   * a file that fails to decode later makes read() throw. Default true.
   */
  verify?: boolean;
  /** ImageFolder: images decoded at once. Default 8. */
  concurrency?: number;
}
