/** Dataset loaders: IDX, CIFAR-10/100 binary and ImageFolder behind one interface. */
export { batches, type BatchOptions, type IndexedBatch } from './batches';
export { detectFormat } from './detect';
export { DatasetError } from './errors';
export { openDataset } from './open';
export { openSplits, type DatasetSplits, type SplitOptions } from './holdout';
export { stratifiedSplit, stratifiedSplitOf } from './split';
export type { Batch, Dataset, DatasetFormat, DatasetInfo, DatasetSplit, OpenOptions, SkippedFile } from './types';
