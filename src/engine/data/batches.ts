/** Batches over a dataset, read ahead by one batch so decoding overlaps the consumer's work. */
import type { Rng } from '../../shared/rng';
import type { Batch, Dataset } from './types';

export interface BatchOptions {
  /** Shuffle the indices with this generator first (it advances). */
  shuffle?: Rng;
  /** Leave out a final batch smaller than batchSize. Default false. */
  dropLast?: boolean;
}

export interface IndexedBatch extends Batch {
  /** The dataset indices of this batch, in order. */
  readonly indices: Int32Array;
}

export async function* batches(dataset: Dataset, indices: ArrayLike<number>, batchSize: number, opts: BatchOptions = {}): AsyncGenerator<IndexedBatch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a whole number >= 1, got ${batchSize}`);
  const order = Int32Array.from(indices);
  const rng = opts.shuffle;
  if (rng) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
  }
  const end = opts.dropLast ? order.length - (order.length % batchSize) : order.length;
  const load = async (start: number): Promise<IndexedBatch> => {
    const slice = order.subarray(start, Math.min(start + batchSize, end));
    return { ...(await dataset.read(Array.from(slice))), indices: slice.slice() };
  };
  let pending = end > 0 ? load(0) : undefined;
  for (let start = 0; pending; start += batchSize) {
    const current = await pending;
    const next = start + batchSize;
    pending = next < end ? load(next) : undefined;
    // A failed read-ahead must not become an unhandled rejection if the consumer stops.
    pending?.catch(() => undefined);
    yield current;
  }
}
