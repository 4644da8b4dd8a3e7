/**
 * Which folders of a workspace hold a dataset the engine reads, decided from a list of
 * file paths (what vscode.workspace.findFiles returns). Free of `vscode` for unit tests.
 * The rules mirror the engine's detection (src/engine/data/detect.ts) without reading
 * any file: IDX image files, CIFAR batch names, and ImageFolder trees (a folder whose
 * subfolders hold images, one subfolder per class).
 */
import * as path from 'node:path';

export type DatasetKind = 'imagefolder' | 'idx' | 'cifar';

export interface DatasetCandidate {
  readonly kind: DatasetKind;
  /** What the engine opens: the dataset folder. */
  readonly path: string;
  /** Short name used for the default output file (`<name>.augpolicy.json`). */
  readonly name: string;
  /** One line for the quick pick: what was found. */
  readonly detail: string;
  /** ImageFolder: a few image files (one per class first) for previews. */
  readonly sampleImages: readonly string[];
}

// Same patterns as the engine's loaders (src/engine/data/idx.ts, cifar.ts, imagefolder.ts).
const IDX_IMAGES_RE = /^(.*)-images[-.]idx3-ubyte(\.gz)?$/i;
const CIFAR_RE = /^(data_batch_\d+|test_batch|train|test)\.bin$/;
const IMAGE_RE = /\.(png|jpe?g|webp)$/i;

/** Globs for vscode.workspace.findFiles that find the files the rules look at. */
export const DISCOVERY_GLOBS = {
  idx: '**/*-images{-,.}idx3-ubyte{,.gz}',
  cifar: '**/{data_batch_*.bin,train.bin}',
  images: '**/*.{png,PNG,jpg,JPG,jpeg,JPEG,webp,WEBP}',
} as const;

/** The smallest ImageFolder we offer: classes and images. */
const MIN_CLASSES = 2;
const MIN_IMAGES = 4;
const SAMPLE_IMAGES = 4;

export function discoverDatasets(files: readonly string[]): DatasetCandidate[] {
  const idx = new Map<string, Set<string>>();
  const cifar = new Map<string, Set<string>>();
  const folders = new Map<string, Map<string, string[]>>();
  for (const file of files) {
    const name = path.basename(file);
    const dir = path.dirname(file);
    if (IDX_IMAGES_RE.test(name)) addTo(idx, dir, name);
    else if (CIFAR_RE.test(name)) addTo(cifar, dir, name);
    else if (IMAGE_RE.test(name)) {
      const root = path.dirname(dir);
      if (root === dir || path.basename(dir).startsWith('.')) continue;
      const classes = folders.get(root) ?? new Map<string, string[]>();
      folders.set(root, classes);
      const list = classes.get(path.basename(dir)) ?? [];
      classes.set(path.basename(dir), list);
      list.push(file);
    }
  }
  const out: DatasetCandidate[] = [];
  for (const [dir, names] of idx) {
    out.push({ kind: 'idx', path: dir, name: datasetName(dir), detail: `IDX: ${[...names].sort().join(', ')}`, sampleImages: [] });
  }
  for (const [dir, names] of cifar) {
    if (idx.has(dir)) continue;
    const batches = [...names].sort();
    out.push({ kind: 'cifar', path: dir, name: datasetName(dir), detail: `CIFAR binary: ${batches.length > 3 ? `${batches.slice(0, 3).join(', ')}, ...` : batches.join(', ')}`, sampleImages: [] });
  }
  for (const [root, classes] of folders) {
    if (idx.has(root) || cifar.has(root) || classes.size < MIN_CLASSES) continue;
    const images = [...classes.values()].reduce((n, l) => n + l.length, 0);
    if (images < MIN_IMAGES) continue;
    const classNames = [...classes.keys()].sort();
    out.push({
      kind: 'imagefolder',
      path: root,
      name: datasetName(root),
      detail: `ImageFolder: ${classes.size} classes (${listSome(classNames)}), ${images}${images >= 1000 ? '+' : ''} images`,
      sampleImages: pickSamples(classNames.map((c) => [...(classes.get(c) ?? [])].sort())),
    });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The folder name, or the archive's dataset name for CIFAR's unpacked folders. */
export function datasetName(dir: string): string {
  const base = path.basename(dir) || 'dataset';
  const unpacked = /^(cifar-\d+)-(batches-bin|binary)$/i.exec(base);
  return unpacked ? unpacked[1] : base;
}

/** The default output file for a dataset: `<name>.augpolicy.json` at the workspace root. */
export function defaultOutputName(datasetPath: string): string {
  const safe = datasetName(datasetPath).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'dataset';
  return `${safe}.augpolicy.json`;
}

/** Round-robin over the classes so the picks show several of them. */
function pickSamples(byClass: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < SAMPLE_IMAGES; i++) {
    let added = false;
    for (const list of byClass) {
      if (i < list.length && out.length < SAMPLE_IMAGES) {
        out.push(list[i]);
        added = true;
      }
    }
    if (!added) break;
  }
  return out;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(value);
  map.set(key, set);
}

function listSome(names: readonly string[]): string {
  return names.length > 4 ? `${names.slice(0, 4).join(', ')}, ...` : names.join(', ');
}
