/**
 * IDX files (MNIST, Fashion-MNIST): `<prefix>-images-idx3-ubyte` holds N x H x W bytes
 * after a big-endian header, `<prefix>-labels-idx1-ubyte` N label bytes; either may be
 * gzipped. Images are read by offset, never whole; gzipped files are first decompressed
 * once to a cache file. Class names come from `classes.txt` next to the images file when
 * present (one per line, in index order), else Fashion-MNIST's names when the labels are
 * its train or t10k set (known.ts), else "0".."K-1".
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { DatasetError } from './errors';
import { gunzipToCache } from './gzcache';
import { recogniseLabels } from './known';
import { checkLabelRange, countClasses, defaultClassNames, inferClassCount, readClassNamesFile } from './labels';
import { readBytes, RecordFile, RecordSet } from './records';
import type { Dataset, DatasetInfo, DatasetSplit, OpenOptions } from './types';

export const IDX_IMAGES_RE = /^(.*)-images[-.]idx3-ubyte(\.gz)?$/i;
export const IDX_LABELS_RE = /^(.*)-labels[-.]idx1-ubyte(\.gz)?$/i;
export const IDX_CLASSES_FILE = 'classes.txt';

const IDX_UBYTE = 0x08;
const SPLIT_PREFIXES: Record<DatasetSplit, readonly string[]> = { train: ['train'], test: ['t10k', 'test'] };

interface IdxPair {
  images: string;
  labels: string;
  split?: DatasetSplit;
}

interface IdxHeader {
  dims: number[];
  headerBytes: number;
}

/** Picks the images file and its labels file from a folder, an images file or a labels file. */
export async function findIdxPair(target: string, split?: DatasetSplit): Promise<IdxPair> {
  const stat = await fsp.stat(target);
  let dir: string;
  let images: string;
  if (stat.isDirectory()) {
    dir = target;
    images = pickImagesFile(dir, await fsp.readdir(dir), split);
  } else {
    dir = path.dirname(target);
    const name = path.basename(target);
    const entries = await fsp.readdir(dir);
    const labelsMatch = IDX_LABELS_RE.exec(name);
    if (IDX_IMAGES_RE.test(name)) images = name;
    else if (labelsMatch) {
      const found = preferRaw(entries.filter((e) => IDX_IMAGES_RE.exec(e)?.[1] === labelsMatch[1]));
      if (!found) {
        throw new DatasetError(target, 'is an IDX labels file with no images file next to it', `Put ${labelsMatch[1]}-images-idx3-ubyte(.gz) in the same folder`);
      }
      images = found;
    } else {
      throw new DatasetError(target, 'is not named like an IDX file', 'Name the pair <prefix>-images-idx3-ubyte and <prefix>-labels-idx1-ubyte (optionally .gz)');
    }
  }
  const prefix = IDX_IMAGES_RE.exec(images)?.[1] ?? '';
  const entries = await fsp.readdir(dir);
  const labels = preferRaw(entries.filter((e) => IDX_LABELS_RE.exec(e)?.[1] === prefix));
  if (!labels) {
    throw new DatasetError(
      path.join(dir, images),
      'has no labels file next to it',
      `Put ${prefix}-labels-idx1-ubyte (or .gz) in the same folder`,
    );
  }
  const lower = prefix.toLowerCase();
  const pairSplit = (Object.keys(SPLIT_PREFIXES) as DatasetSplit[]).find((s) => SPLIT_PREFIXES[s].includes(lower));
  return { images: path.join(dir, images), labels: path.join(dir, labels), split: pairSplit };
}

function pickImagesFile(dir: string, entries: readonly string[], split: DatasetSplit | undefined): string {
  const imageFiles = entries.filter((e) => IDX_IMAGES_RE.test(e));
  const withPrefix = (s: DatasetSplit): string | undefined =>
    preferRaw(imageFiles.filter((e) => SPLIT_PREFIXES[s].includes((IDX_IMAGES_RE.exec(e)?.[1] ?? '').toLowerCase())));
  if (split) {
    const found = withPrefix(split);
    if (found) return found;
    throw new DatasetError(dir, `has no ${split} IDX images file`, `Expected ${SPLIT_PREFIXES[split][0]}-images-idx3-ubyte(.gz); found ${imageFiles.join(', ') || 'none'}`);
  }
  const found = withPrefix('train') ?? withPrefix('test');
  if (found) return found;
  const prefixes = new Set(imageFiles.map((e) => IDX_IMAGES_RE.exec(e)?.[1]));
  if (prefixes.size === 1) return preferRaw(imageFiles) as string;
  throw new DatasetError(
    dir,
    imageFiles.length === 0 ? 'holds no IDX images file' : `holds several IDX images files (${imageFiles.join(', ')})`,
    'Open the images file itself, or name the pair <prefix>-images-idx3-ubyte(.gz) and <prefix>-labels-idx1-ubyte(.gz)',
  );
}

/** Uncompressed beats gzipped when both are present: no cache copy needed. */
function preferRaw(names: readonly string[]): string | undefined {
  return [...names].sort((a, b) => Number(a.toLowerCase().endsWith('.gz')) - Number(b.toLowerCase().endsWith('.gz')) || (a < b ? -1 : 1))[0];
}

async function readHeader(file: string, bytesFile: string, what: 'images' | 'labels'): Promise<IdxHeader> {
  const expectedDims = what === 'images' ? [3, 4] : [1];
  const head = await readBytes(bytesFile, 0, 4 + 4 * 4);
  if (head.length < 4) {
    throw new DatasetError(file, `is truncated: ${head.length} bytes, shorter than an IDX header`, 'Download the file again');
  }
  const magic = head.readUInt32BE(0);
  const ndims = head[3];
  if (head[0] !== 0 || head[1] !== 0 || head[2] !== IDX_UBYTE || !expectedDims.includes(ndims)) {
    const want = what === 'images' ? '0x00000803 (unsigned-byte images, N x H x W)' : '0x00000801 (unsigned-byte labels)';
    throw new DatasetError(
      file,
      `wrong magic number 0x${magic.toString(16).padStart(8, '0')}; expected ${want}`,
      what === 'images' ? 'Check that this is an IDX images file and not the labels file' : 'Check that this is an IDX labels file and not the images file',
    );
  }
  const headerBytes = 4 + 4 * ndims;
  if (head.length < headerBytes) {
    throw new DatasetError(file, `is truncated: ${head.length} bytes, shorter than its ${headerBytes}-byte header`, 'Download the file again');
  }
  const dims = Array.from({ length: ndims }, (_, i) => head.readUInt32BE(4 + 4 * i));
  return { dims, headerBytes };
}

async function checkLength(file: string, bytesFile: string, expected: number, what: string, warnings: string[]): Promise<void> {
  const actual = (await fsp.stat(bytesFile)).size;
  const has = bytesFile === file ? `the file has ${actual}` : `it decompresses to ${actual}`;
  if (actual < expected) {
    throw new DatasetError(file, `is truncated: its header promises ${what}, ${expected} bytes, but ${has} bytes`, 'Download the file again');
  }
  if (actual > expected) warnings.push(`${file}: ${actual - expected} bytes after the last record are ignored`);
}

export async function openIdx(target: string, opts: OpenOptions = {}): Promise<Dataset> {
  const pair = await findIdxPair(target, opts.split);
  const bytesOf = (f: string): Promise<string> => (f.toLowerCase().endsWith('.gz') ? gunzipToCache(f, opts.cacheDir) : Promise.resolve(f));
  const [imagesBytes, labelsBytes] = await Promise.all([bytesOf(pair.images), bytesOf(pair.labels)]);
  const warnings: string[] = [];

  const imgHead = await readHeader(pair.images, imagesBytes, 'images');
  const [count, height, width, channels = 1] = imgHead.dims;
  if (channels !== 1 && channels !== 3) {
    throw new DatasetError(pair.images, `has ${channels} channels per pixel`, 'Only 1 (grayscale) or 3 (RGB) channels are supported');
  }
  if (count === 0 || height === 0 || width === 0) {
    throw new DatasetError(pair.images, `holds no images (header says ${count} x ${height} x ${width})`, 'Use an IDX file with at least one image');
  }
  const recordBytes = height * width * channels;
  await checkLength(pair.images, imagesBytes, imgHead.headerBytes + count * recordBytes, `${count} images of ${width}x${height}x${channels}`, warnings);

  const lblHead = await readHeader(pair.labels, labelsBytes, 'labels');
  const labelCount = lblHead.dims[0];
  await checkLength(pair.labels, labelsBytes, lblHead.headerBytes + labelCount, `${labelCount} labels`, warnings);
  if (labelCount !== count) {
    throw new DatasetError(
      pair.labels,
      `holds ${labelCount} labels but ${path.basename(pair.images)} holds ${count} images`,
      'Use the labels file that belongs to these images',
    );
  }
  const labels = Int32Array.from(await readBytes(labelsBytes, lblHead.headerBytes, labelCount));

  const namesFile = path.join(path.dirname(pair.images), IDX_CLASSES_FILE);
  const declared = await readClassNamesFile(namesFile);
  let classNames: string[];
  let classNamesFrom: string | undefined;
  const known = declared ? undefined : recogniseLabels(labels);
  if (declared) {
    checkLabelRange(labels, declared.length, pair.labels, `${namesFile} lists ${declared.length} classes; fix the label or add the missing class names`);
    classNames = declared;
    classNamesFrom = IDX_CLASSES_FILE;
  } else if (known) {
    classNames = [...known.names];
    classNamesFrom = `${known.dataset} (recognised by its labels)`;
  } else {
    classNames = defaultClassNames(inferClassCount(labels, pair.labels, namesFile));
  }

  const info: DatasetInfo = {
    format: 'idx',
    path: path.resolve(target),
    split: pair.split,
    files: [pair.images, pair.labels],
    width,
    height,
    channels,
    classNames,
    ...(classNamesFrom ? { classNamesFrom } : {}),
    classCounts: countClasses(labels, classNames.length),
    size: count,
    skipped: [],
    warnings,
  };
  const records = new RecordSet([{ file: new RecordFile(imagesBytes, imgHead.headerBytes, recordBytes), count }], recordBytes);
  return {
    info,
    labels,
    async read(indices) {
      const pixels = await records.read(indices);
      return { pixels, labels: Int32Array.from(indices, (i) => labels[i]) };
    },
    close: () => records.close(),
  };
}
