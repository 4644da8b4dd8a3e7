/**
 * ImageFolder: one subfolder per class holding PNG/JPEG/WebP images (searched
 * recursively). Class index = position of the folder name in code-unit sorted order,
 * like torchvision. A class folder with no usable image keeps its index (count 0, with
 * a warning) so later labels never shift. Images are decoded on demand with sharp,
 * resized (stretched) to one size, alpha dropped, and converted to one channel count;
 * decoded images are kept in an LRU cache bounded in MB.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { DatasetError, describeError } from './errors';
import { Lru } from '../../shared/lru';
import { mapLimit } from './pool';
import { checkIndex } from './records';
import type { Dataset, OpenOptions, SkippedFile } from './types';

export const IMAGE_FILE_RE = /\.(png|jpe?g|webp)$/i;
const DEFAULT_CACHE_MB = 256;
const DEFAULT_CONCURRENCY = 8;

interface Candidate {
  file: string;
  label: number;
}

interface Probed extends Candidate {
  width: number;
  height: number;
  gray: boolean;
  alpha: boolean;
}

/** Sorted class subfolder names (hidden folders ignored). */
export async function listClassFolders(root: string): Promise<string[]> {
  const entries = await fsp.readdir(root, { withFileTypes: true });
  const names: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory() || (e.isSymbolicLink() && (await fsp.stat(path.join(root, e.name))).isDirectory())) names.push(e.name);
  }
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Image files under a class folder, in sorted order, and how many other files were
 * seen. `seen` holds real paths already walked, so symlink loops end.
 */
async function walk(dir: string, seen = new Set<string>()): Promise<{ images: string[]; others: number }> {
  const images: string[] = [];
  let others = 0;
  const real = await fsp.realpath(dir);
  if (seen.has(real)) return { images, others };
  seen.add(real);
  const entries = (await fsp.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    const isDir = e.isDirectory() || (e.isSymbolicLink() && (await fsp.stat(full)).isDirectory());
    if (isDir) {
      const sub = await walk(full, seen);
      images.push(...sub.images);
      others += sub.others;
    } else if (IMAGE_FILE_RE.test(e.name)) images.push(full);
    else others++;
  }
  return { images, others };
}

async function probe(c: Candidate): Promise<Probed> {
  const m = await sharp(c.file).metadata();
  if (!m.width || !m.height) throw new Error('image has no size');
  // WebP has no grayscale mode, so grayscale WebP files count as colour.
  return { ...c, width: m.width, height: m.height, gray: m.channels === 1 || m.channels === 2, alpha: m.hasAlpha === true };
}

/** The most common size; ties go to the size met first in file order. */
function commonSize(images: readonly Probed[]): { width: number; height: number } {
  const counts = new Map<string, number>();
  let best = '';
  for (const im of images) {
    const key = `${im.width}x${im.height}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (n > (counts.get(best) ?? 0)) best = key;
  }
  const [width, height] = best.split('x').map(Number);
  return { width, height };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function openImageFolder(root: string, opts: OpenOptions = {}): Promise<Dataset> {
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const classNames = await listClassFolders(root);
  if (classNames.length === 0) {
    throw new DatasetError(root, 'has no class subfolders', 'Put each class\'s images in its own subfolder, e.g. data/cat/1.png and data/dog/2.png');
  }
  const warnings: string[] = [];
  const candidates: Candidate[] = [];
  let others = 0;
  for (const [label, name] of classNames.entries()) {
    const found = await walk(path.join(root, name));
    others += found.others;
    for (const file of found.images) candidates.push({ file, label });
  }
  if (candidates.length === 0) {
    throw new DatasetError(root, `has no PNG, JPEG or WebP images in its ${plural(classNames.length, 'class subfolder')}`, 'Put the images in one subfolder per class');
  }
  if (others > 0) warnings.push(`${plural(others, 'file')} that are not PNG, JPEG or WebP were ignored`);

  const skipped: SkippedFile[] = [];
  const probed = (
    await mapLimit(candidates, concurrency, async (c) => {
      try {
        return await probe(c);
      } catch (err) {
        skipped.push({ file: c.file, reason: describeError(err) });
        return undefined;
      }
    })
  ).filter((p): p is Probed => p !== undefined);

  const { width, height } = opts.size ?? (probed.length > 0 ? commonSize(probed) : { width: 1, height: 1 });
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new DatasetError(root, `cannot resize images to ${width}x${height}`, 'Choose a size of at least 1x1 whole pixels');
  }
  const grayCount = probed.filter((p) => p.gray).length;
  const channels = opts.channels ?? (grayCount === probed.length ? 1 : 3);
  if (channels === 3 && grayCount > 0) warnings.push(`mixed channel counts: ${plural(grayCount, 'grayscale image')} converted to RGB`);
  if (channels === 1 && grayCount < probed.length) {
    warnings.push(`mixed channel counts: ${plural(probed.length - grayCount, 'colour image')} converted to grayscale`);
  }
  const alphaCount = probed.filter((p) => p.alpha).length;
  if (alphaCount > 0) warnings.push(`${plural(alphaCount, 'image')} with an alpha channel: alpha dropped`);
  const resized = probed.filter((p) => p.width !== width || p.height !== height).length;
  if (resized > 0) warnings.push(`${plural(resized, 'image')} not ${width}x${height} are resized to it`);

  const imageBytes = width * height * channels;
  const cache = new Lru<number, Uint8Array>((opts.cacheMB ?? DEFAULT_CACHE_MB) * 1024 * 1024, (v) => v.byteLength);
  const decode = async (file: string): Promise<Uint8Array> => {
    const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').resize(width, height, { fit: 'fill' }).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== width * height * 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return channels === 3 ? data : rgbToGray(data);
  };

  let kept = probed;
  if (opts.verify !== false) {
    const ok = await mapLimit(probed, concurrency, async (p, i) => {
      try {
        cache.set(i, await decode(p.file));
        return true;
      } catch (err) {
        skipped.push({ file: p.file, reason: describeError(err) });
        return false;
      }
    });
    if (ok.includes(false)) {
      // Cache keys are positions in `probed`; re-key them to positions in `kept`.
      const decoded = probed.map((_, i) => cache.get(i));
      cache.clear();
      kept = probed.filter((_, i) => ok[i]);
      let k = 0;
      decoded.forEach((d, i) => {
        if (!ok[i]) return;
        if (d) cache.set(k, d);
        k++;
      });
    }
  }
  skipped.sort((a, b) => (a.file < b.file ? -1 : 1));
  if (kept.length === 0) {
    throw new DatasetError(
      root,
      `none of its ${plural(candidates.length, 'image')} could be read (first: ${skipped[0].file}: ${skipped[0].reason})`,
      'Check that the files are valid PNG, JPEG or WebP images',
    );
  }

  const labels = Int32Array.from(kept, (p) => p.label);
  const classCounts = new Array<number>(classNames.length).fill(0);
  for (const l of labels) classCounts[l]++;
  classCounts.forEach((n, c) => {
    if (n === 0) warnings.push(`class ${c} '${classNames[c]}' has no usable images; it keeps index ${c} so later labels do not shift`);
  });

  return {
    info: {
      format: 'imagefolder',
      path: path.resolve(root),
      files: [path.resolve(root)],
      width,
      height,
      channels,
      classNames,
      classNamesFrom: 'folder names',
      classCounts,
      size: kept.length,
      skipped,
      warnings,
    },
    labels,
    async read(indices) {
      for (const i of indices) checkIndex(i, kept.length);
      const pixels = new Uint8Array(indices.length * imageBytes);
      await mapLimit(indices, concurrency, async (index, k) => {
        let image = cache.get(index);
        if (!image) {
          const file = kept[index].file;
          try {
            image = await decode(file);
          } catch (err) {
            throw new DatasetError(file, `could not be decoded (${describeError(err)})`, 'Replace or delete the file, or open the dataset with verification on to skip such files');
          }
          cache.set(index, image);
        }
        pixels.set(image, k * imageBytes);
      });
      return { pixels, labels: Int32Array.from(indices, (i) => labels[i]) };
    },
    async close() {
      cache.clear();
    },
  };
}

/** ITU-R 601 luma in 16-bit fixed point, the rounding PIL's convert('L') uses. */
function rgbToGray(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length / 3);
  for (let p = 0; p < out.length; p++) {
    out[p] = (rgb[3 * p] * 19595 + rgb[3 * p + 1] * 38470 + rgb[3 * p + 2] * 7471 + 0x8000) >> 16;
  }
  return out;
}
