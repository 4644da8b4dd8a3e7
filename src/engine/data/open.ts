/** One entry point for every format. */
import { openCifar } from './cifar';
import { checkExists, locateDataset } from './detect';
import { DatasetError } from './errors';
import { openIdx } from './idx';
import { openImageFolder } from './imagefolder';
import type { Dataset, OpenOptions } from './types';

export async function openDataset(target: string, opts: OpenOptions = {}): Promise<Dataset> {
  // A forced format skips detection but not the existence check.
  const located = opts.format ? { format: opts.format, target: await checkExists(target) } : await locateDataset(target);
  const { format, target: where } = located;
  try {
    switch (format) {
      case 'idx':
        return await openIdx(where, opts);
      case 'cifar10':
      case 'cifar100':
        return await openCifar(where, format, opts);
      case 'imagefolder':
        return await openImageFolder(where, opts);
    }
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    // File system failures (permissions, races) still name the dataset.
    const code = (err as NodeJS.ErrnoException).code;
    throw new DatasetError(target, `could not be read as ${format} (${code ?? (err as Error).message})`, 'Check the path and its permissions');
  }
}
