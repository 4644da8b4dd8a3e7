/**
 * CIFAR binary batches. CIFAR-10: records of 1 label byte + 3072 pixel bytes
 * (data_batch_1..5.bin, test_batch.bin; class names in batches.meta.txt). CIFAR-100:
 * coarse label byte, fine label byte, 3072 pixel bytes (train.bin, test.bin; we use the
 * fine label, names in fine_label_names.txt). Pixels are stored channel by channel
 * (1024 R, 1024 G, 1024 B, rows top to bottom) and converted to HWC on read.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { DatasetError } from './errors';
import { countClasses, defaultClassNames, readClassNamesFile } from './labels';
import { RecordFile, RecordSet } from './records';
import type { Dataset, DatasetSplit, OpenOptions } from './types';

export type CifarVariant = 'cifar10' | 'cifar100';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const PIXEL_BYTES = 3 * PLANE;

interface VariantSpec {
  classCount: number;
  /** Label bytes before the pixels; the label we use is the last of them. */
  labelBytes: number;
  files: Record<DatasetSplit, RegExp>;
  namesFile: string;
  defaultNames: readonly string[];
}

export const CIFAR: Record<CifarVariant, VariantSpec> = {
  cifar10: {
    classCount: 10,
    labelBytes: 1,
    files: { train: /^data_batch_(\d+)\.bin$/, test: /^test_batch\.bin$/ },
    namesFile: 'batches.meta.txt',
    defaultNames: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
  },
  cifar100: {
    classCount: 100,
    labelBytes: 2,
    files: { train: /^train\.bin$/, test: /^test\.bin$/ },
    namesFile: 'fine_label_names.txt',
    defaultNames: defaultClassNames(100),
  },
};

export function cifarRecordBytes(variant: CifarVariant): number {
  return CIFAR[variant].labelBytes + PIXEL_BYTES;
}

/** The batch files of one split in a CIFAR folder, in order (data_batch_1, 2, ...). */
export function cifarSplitFiles(entries: readonly string[], variant: CifarVariant, split: DatasetSplit): string[] {
  const re = CIFAR[variant].files[split];
  const batchNumber = (name: string): number => Number(re.exec(name)?.[1] ?? 0);
  return entries.filter((e) => re.test(e)).sort((a, b) => batchNumber(a) - batchNumber(b));
}

/** Streams a file once, picking out the label byte of every record and checking its range. */
async function scanLabels(file: string, variant: CifarVariant, records: number): Promise<Uint8Array> {
  const spec = CIFAR[variant];
  const recordBytes = cifarRecordBytes(variant);
  const labels = new Uint8Array(records);
  let position = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const chunkEnd = position + chunk.length;
    // First label byte at or after `position`.
    let record = Math.ceil((position - (spec.labelBytes - 1)) / recordBytes);
    for (let at = record * recordBytes + spec.labelBytes - 1; at < chunkEnd && record < records; at += recordBytes, record++) {
      const label = chunk[at - position];
      if (label >= spec.classCount) {
        throw new DatasetError(
          file,
          `label ${label} at record ${record} is out of range 0..${spec.classCount - 1}`,
          variant === 'cifar10' ? 'This is not a CIFAR-10 batch file, or it is corrupt; download it again' : 'This is not a CIFAR-100 file, or it is corrupt; download it again',
        );
      }
      labels[record] = label;
    }
    position = chunkEnd;
  }
  return labels;
}

export async function openCifar(target: string, variant: CifarVariant, opts: OpenOptions = {}): Promise<Dataset> {
  const spec = CIFAR[variant];
  const recordBytes = cifarRecordBytes(variant);
  const stat = await fsp.stat(target);
  const dir = stat.isDirectory() ? target : path.dirname(target);
  let files: string[];
  let split: DatasetSplit | undefined = opts.split;
  if (stat.isDirectory()) {
    const entries = await fsp.readdir(dir);
    split ??= cifarSplitFiles(entries, variant, 'train').length > 0 ? 'train' : 'test';
    files = cifarSplitFiles(entries, variant, split).map((e) => path.join(dir, e));
    if (files.length === 0) {
      const example = variant === 'cifar10' ? (split === 'train' ? 'data_batch_1.bin' : 'test_batch.bin') : `${split}.bin`;
      throw new DatasetError(target, `holds no ${variant === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} ${split} files`, `Expected files such as ${example}`);
    }
  } else {
    files = [target];
    const name = path.basename(target);
    split = spec.files.test.test(name) ? 'test' : spec.files.train.test(name) ? 'train' : undefined;
  }

  const parts: { file: RecordFile; count: number }[] = [];
  const labelParts: Uint8Array[] = [];
  for (const file of files) {
    const size = (await fsp.stat(file)).size;
    const count = Math.floor(size / recordBytes);
    if (size === 0 || size % recordBytes !== 0) {
      throw new DatasetError(
        file,
        `is truncated: expected a whole number of ${recordBytes}-byte records, ${(count + 1) * recordBytes} bytes for ${count + 1} records, but the file has ${size} bytes`,
        `Download the file again${variant === 'cifar10' ? '' : ' (or check that it is CIFAR-100 and not CIFAR-10)'}`,
      );
    }
    labelParts.push(await scanLabels(file, variant, count));
    parts.push({ file: new RecordFile(file, 0, recordBytes), count });
  }
  const labels = new Int32Array(labelParts.reduce((n, p) => n + p.length, 0));
  labelParts.reduce((offset, p) => (labels.set(p, offset), offset + p.length), 0);

  const namesFile = path.join(dir, spec.namesFile);
  const declared = await readClassNamesFile(namesFile);
  const names = declared ?? [...spec.defaultNames];
  // CIFAR-10's names are fixed by the format; CIFAR-100's defaults are indices.
  const classNamesFrom = declared ? spec.namesFile : variant === 'cifar10' ? 'CIFAR-10\'s standard names' : undefined;
  if (names.length !== spec.classCount) {
    throw new DatasetError(namesFile, `lists ${names.length} class names, but the format has ${spec.classCount}`, 'Fix the file or delete it to use default names');
  }

  const records = new RecordSet(parts, recordBytes);
  return {
    info: {
      format: variant,
      path: path.resolve(target),
      split,
      files,
      width: SIDE,
      height: SIDE,
      channels: 3,
      classNames: names,
      ...(classNamesFrom ? { classNamesFrom } : {}),
      classCounts: countClasses(labels, spec.classCount),
      size: labels.length,
      skipped: [],
      warnings: [],
    },
    labels,
    async read(indices) {
      const raw = await records.read(indices);
      const pixels = new Uint8Array(indices.length * PIXEL_BYTES);
      for (let k = 0; k < indices.length; k++) {
        chwToHwc(raw, k * recordBytes + spec.labelBytes, pixels, k * PIXEL_BYTES);
      }
      return { pixels, labels: Int32Array.from(indices, (i) => labels[i]) };
    },
    close: () => records.close(),
  };
}

function chwToHwc(src: Uint8Array, from: number, dst: Uint8Array, to: number): void {
  for (let p = 0; p < PLANE; p++) {
    dst[to + 3 * p] = src[from + p];
    dst[to + 3 * p + 1] = src[from + PLANE + p];
    dst[to + 3 * p + 2] = src[from + 2 * PLANE + p];
  }
}
