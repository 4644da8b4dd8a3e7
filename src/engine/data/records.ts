/**
 * Random access to fixed-size records in a file: only the requested records are read,
 * so a dataset far larger than memory can be sampled. Neighbouring records are fetched
 * with one read each run.
 */
import { promises as fsp } from 'node:fs';

/** At most this many reads in flight at once per call. */
const READS_IN_FLIGHT = 16;

export class RecordFile {
  private handle: fsp.FileHandle | undefined;
  private opening: Promise<fsp.FileHandle> | undefined;

  constructor(
    readonly file: string,
    /** Byte offset of record 0. */
    readonly headerBytes: number,
    readonly recordBytes: number,
  ) {}

  private async open(): Promise<fsp.FileHandle> {
    if (this.handle) return this.handle;
    this.opening ??= fsp.open(this.file, 'r');
    this.handle = await this.opening;
    return this.handle;
  }

  /**
   * Copies records `records[k]` into `out` at `outOffsets[k]` (byte offsets). Each run of
   * consecutive record numbers is one read.
   */
  async readInto(records: readonly number[], out: Uint8Array, outOffsets: readonly number[]): Promise<void> {
    if (records.length === 0) return;
    const handle = await this.open();
    const order = records.map((_, k) => k).sort((a, b) => records[a] - records[b]);
    const runs: { first: number; keys: number[] }[] = [];
    for (const k of order) {
      const last = runs[runs.length - 1];
      const prevRecord = last ? records[last.keys[last.keys.length - 1]] : -2;
      if (last && (records[k] === prevRecord + 1 || records[k] === prevRecord)) last.keys.push(k);
      else runs.push({ first: records[k], keys: [k] });
    }
    const rb = this.recordBytes;
    const readRun = async (run: { first: number; keys: number[] }): Promise<void> => {
      const span = records[run.keys[run.keys.length - 1]] - run.first + 1;
      const buf = Buffer.allocUnsafe(span * rb);
      const position = this.headerBytes + run.first * rb;
      const { bytesRead } = await handle.read(buf, 0, buf.length, position);
      if (bytesRead !== buf.length) {
        throw new Error(`short read at byte ${position}: wanted ${buf.length} bytes, got ${bytesRead}`);
      }
      for (const k of run.keys) {
        const at = (records[k] - run.first) * rb;
        out.set(buf.subarray(at, at + rb), outOffsets[k]);
      }
    };
    for (let i = 0; i < runs.length; i += READS_IN_FLIGHT) {
      await Promise.all(runs.slice(i, i + READS_IN_FLIGHT).map(readRun));
    }
  }

  async close(): Promise<void> {
    const handle = this.handle ?? (this.opening ? await this.opening : undefined);
    this.handle = undefined;
    this.opening = undefined;
    await handle?.close();
  }
}

/** Reads `length` bytes at `position`; fewer if the file ends first. */
export async function readBytes(file: string, position: number, length: number): Promise<Buffer> {
  const handle = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, position);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Several record files read as one sequence (CIFAR's five training batches). */
export class RecordSet {
  private readonly starts: number[] = [];
  readonly count: number;

  constructor(
    private readonly parts: readonly { readonly file: RecordFile; readonly count: number }[],
    readonly recordBytes: number,
  ) {
    let total = 0;
    for (const part of parts) {
      this.starts.push(total);
      total += part.count;
    }
    this.count = total;
  }

  /** The records at `indices`, in that order, packed into one buffer. */
  async read(indices: readonly number[]): Promise<Uint8Array> {
    const out = new Uint8Array(indices.length * this.recordBytes);
    const perPart = this.parts.map(() => ({ records: [] as number[], offsets: [] as number[] }));
    indices.forEach((index, k) => {
      checkIndex(index, this.count);
      let p = this.parts.length - 1;
      while (this.starts[p] > index) p--;
      perPart[p].records.push(index - this.starts[p]);
      perPart[p].offsets.push(k * this.recordBytes);
    });
    await Promise.all(this.parts.map((part, p) => part.file.readInto(perPart[p].records, out, perPart[p].offsets)));
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.parts.map((part) => part.file.close()));
  }
}

/** Indices out of range are a programming error in the caller, not bad data. */
export function checkIndex(index: number, count: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`image index ${index} is outside 0..${count - 1}`);
  }
}
