/**
 * Preview rows (an image and augmented draws of it) rendered by the engine: which
 * images to use (the ddas.preview.images setting, else the searched dataset, else the
 * embedded sample) and the `preview` request that renders them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Policy } from '../../shared/policy';
import type { Request } from '../../shared/protocol';
import type { SampleRow } from '../../shared/webview-protocol';
import { previewImagesSetting } from '../config';
import type { EngineHost } from '../engine/engine-host';
import { workspaceRoot } from './start-wizard';

/** A `preview` request without its envelope (kind, id). */
export type PreviewRequestBody = Omit<Extract<Request, { kind: 'preview' }>, 'kind' | 'id'>;

/** The images of a preview request: files, or picks from a dataset (IDX/CIFAR have no files). */
export type PreviewSources = Pick<PreviewRequestBody, 'images' | 'dataset'>;

const files = (list: readonly string[]): PreviewSources => ({ images: list.map((f) => ({ path: f })) });
const picks = (dataset: string, take: number): PreviewSources => ({ dataset: { path: dataset, take } });

const MAX_FILES = 8;
const DATASET_TAKE = 4;

export interface PreviewDataset {
  readonly dataset: string;
  readonly sampleImages: readonly string[];
}

/** The images previews show, in the order of preference the setting describes. */
export async function previewSources(dataset: PreviewDataset | undefined, samplePath: string | undefined, log: vscode.LogOutputChannel): Promise<PreviewSources | undefined> {
  const setting = previewImagesSetting();
  const root = workspaceRoot();
  if (typeof setting === 'string' && setting !== '') {
    const found = await vscode.workspace.findFiles(setting, '**/node_modules/**', MAX_FILES);
    if (found.length) return files(found.map((u) => u.fsPath).sort());
    log.warn(`ddas.preview.images: the glob "${setting}" matches no file; using the dataset's images.`);
  } else if (Array.isArray(setting) && setting.length > 0) {
    const listed = setting.map((f) => (path.isAbsolute(f) || !root ? path.resolve(f) : path.resolve(root, f))).filter((f) => fs.existsSync(f));
    if (listed.length) return files(listed.slice(0, MAX_FILES));
    log.warn(`ddas.preview.images: none of the listed files exists; using the dataset's images.`);
  }
  if (dataset) {
    if (dataset.sampleImages.length) return files(dataset.sampleImages.slice(0, MAX_FILES));
    return picks(dataset.dataset, DATASET_TAKE);
  }
  return samplePath && fs.existsSync(samplePath) ? picks(samplePath, DATASET_TAKE) : undefined;
}

export interface RenderOptions {
  readonly draws?: number;
  readonly seed?: number;
  /** Thumbnails: at least / at most this many pixels per side. */
  readonly minSize?: number;
  readonly maxSize?: number;
}

export async function renderSamples(engine: EngineHost, policy: Policy, sources: PreviewSources, opts: RenderOptions = {}): Promise<SampleRow[]> {
  const id = engine.nextId('preview');
  const request: Request = {
    kind: 'preview',
    id,
    ...sources,
    policy,
    count: opts.draws ?? 4,
    seed: opts.seed ?? 0,
    originals: true,
    minSize: opts.minSize ?? 96,
    maxSize: opts.maxSize ?? 160,
  };
  const answer = await engine.request(request, ['preview'], 120000);
  const root = workspaceRoot();
  return answer.images.map((img) => ({
    label: img.label ?? imageLabel(sources, img.source, root),
    original: img.original ?? img.draws[0] ?? '',
    draws: img.draws,
  }));
}

function imageLabel(sources: PreviewSources, index: number, root: string | undefined): string {
  const src = sources.images?.[index];
  if (!src || !('path' in src)) return `image ${index + 1}`;
  // "data/cat/1.png": the class folder says more than the name alone.
  const file = src.path;
  return root && file.startsWith(root) ? path.relative(root, file) : path.join(path.basename(path.dirname(file)), path.basename(file));
}
