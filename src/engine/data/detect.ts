/**
 * Which loader a path needs. Files are recognised by name (IDX pairs, CIFAR batch names)
 * and, for other .bin files, by size; folders by what they hold. A folder whose only
 * dataset is a `cifar-10-batches-bin` or `cifar-100-binary` subfolder (as the archives
 * unpack) resolves to that subfolder.
 */
import { promises as fsp, type Stats } from 'node:fs';
import * as path from 'node:path';
import { CIFAR, cifarRecordBytes, type CifarVariant } from './cifar';
import { DatasetError } from './errors';
import { IDX_IMAGES_RE, IDX_LABELS_RE } from './idx';
import { IMAGE_FILE_RE, listClassFolders } from './imagefolder';
import type { DatasetFormat } from './types';

const CIFAR_SUBFOLDERS: Record<string, CifarVariant> = { 'cifar-10-batches-bin': 'cifar10', 'cifar-100-binary': 'cifar100' };

export interface Located {
  format: DatasetFormat;
  /** The path the loader should open (may be a subfolder of the one given). */
  target: string;
}

export async function detectFormat(target: string): Promise<DatasetFormat> {
  return (await locateDataset(target)).format;
}

/** Returns `target` if it exists, else throws a DatasetError saying so. */
export async function checkExists(target: string): Promise<string> {
  await statOrThrow(target);
  return target;
}

async function statOrThrow(target: string): Promise<Stats> {
  try {
    return await fsp.stat(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new DatasetError(target, 'does not exist', 'Check the path');
    throw new DatasetError(target, `cannot be read (${code ?? String(err)})`, 'Check the path and its permissions');
  }
}

export async function locateDataset(target: string): Promise<Located> {
  const stat = await statOrThrow(target);
  return stat.isDirectory() ? locateInFolder(target) : { format: await fileFormat(target, stat.size), target };
}

async function fileFormat(file: string, size: number): Promise<DatasetFormat> {
  const name = path.basename(file);
  if (IDX_IMAGES_RE.test(name) || IDX_LABELS_RE.test(name)) return 'idx';
  for (const variant of ['cifar10', 'cifar100'] as const) {
    const { files } = CIFAR[variant];
    if (files.train.test(name) || files.test.test(name)) return variant;
  }
  if (name.toLowerCase().endsWith('.bin')) {
    const fits10 = size > 0 && size % cifarRecordBytes('cifar10') === 0;
    const fits100 = size > 0 && size % cifarRecordBytes('cifar100') === 0;
    if (fits10 !== fits100) return fits10 ? 'cifar10' : 'cifar100';
    throw new DatasetError(file, 'is a .bin file of unknown layout', 'Name CIFAR-10 batches data_batch_N.bin / test_batch.bin and CIFAR-100 files train.bin / test.bin, or pass the format explicitly');
  }
  if (IMAGE_FILE_RE.test(name)) {
    throw new DatasetError(file, 'is a single image', 'Open the folder that holds one subfolder of images per class');
  }
  throw new DatasetError(file, 'is not a dataset file this tool reads', 'Use an IDX pair (*-images-idx3-ubyte[.gz]), CIFAR binary batches, or a folder of class subfolders');
}

async function locateInFolder(dir: string): Promise<Located> {
  const entries = await fsp.readdir(dir);
  if (entries.some((e) => IDX_IMAGES_RE.test(e))) return { format: 'idx', target: dir };
  for (const variant of ['cifar10', 'cifar100'] as const) {
    const { files } = CIFAR[variant];
    if (entries.some((e) => files.train.test(e) || files.test.test(e))) return { format: variant, target: dir };
  }
  const classes = await listClassFolders(dir);
  const nested = classes.filter((c) => c in CIFAR_SUBFOLDERS);
  if (nested.length === 1 && classes.length === 1) return locateInFolder(path.join(dir, nested[0]));
  if (classes.length > 0) return { format: 'imagefolder', target: dir };
  if (entries.some((e) => IMAGE_FILE_RE.test(e))) {
    throw new DatasetError(dir, 'holds images but no class subfolders', 'Move each class\'s images into its own subfolder (the subfolder name is the class name)');
  }
  throw new DatasetError(dir, 'holds no dataset', 'Point at an IDX pair, CIFAR binary batches, or a folder of class subfolders of PNG/JPEG/WebP images');
}
