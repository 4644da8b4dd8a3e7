/** Class names files, label range checks and per-class counts shared by the loaders. */
import { promises as fsp } from 'node:fs';
import { DatasetError } from './errors';

/**
 * Reads a class names file: one name per line, in class index order. Trailing blank
 * lines are ignored; undefined when the file does not exist.
 */
export async function readClassNamesFile(file: string): Promise<string[] | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const blank = lines.indexOf('');
  if (blank >= 0) {
    throw new DatasetError(file, `line ${blank + 1} is blank`, 'Write one class name per line, in class index order');
  }
  if (lines.length === 0) {
    throw new DatasetError(file, 'lists no class names', 'Write one class name per line, in class index order, or delete the file');
  }
  return lines;
}

/** Throws naming the first record whose label is not below `classCount`. */
export function checkLabelRange(labels: ArrayLike<number>, classCount: number, file: string, remedy: string): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= classCount || labels[i] < 0) {
      throw new DatasetError(file, `label ${labels[i]} at record ${i} is out of range 0..${classCount - 1}`, remedy);
    }
  }
}

/**
 * Number of classes implied by labels with no declared class list: max + 1, provided
 * every class below the maximum has at least one image. A gap means some labels are
 * out of range, and guessing would shift or invent classes, so it is an error.
 */
export function inferClassCount(labels: ArrayLike<number>, file: string, namesFile: string): number {
  let max = -1;
  for (let i = 0; i < labels.length; i++) if (labels[i] > max) max = labels[i];
  const counts = countClasses(labels, max + 1);
  const firstEmpty = counts.indexOf(0);
  if (firstEmpty < 0) return max + 1;
  let lastEmpty = firstEmpty;
  while (counts[lastEmpty + 1] === 0) lastEmpty++;
  let record = 0;
  while (labels[record] <= firstEmpty) record++;
  const gap = lastEmpty > firstEmpty ? `labels ${firstEmpty}..${lastEmpty}` : `label ${firstEmpty}`;
  throw new DatasetError(
    file,
    `label ${labels[record]} at record ${record} is out of range: no image has ${gap}, so the labels are not 0..K-1`,
    `Fix the labels, or list every class name (one per line, in index order) in ${namesFile} to declare the classes`,
  );
}

export function countClasses(labels: ArrayLike<number>, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

export function defaultClassNames(classCount: number): string[] {
  return Array.from({ length: classCount }, (_, i) => String(i));
}
