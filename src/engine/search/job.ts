/**
 * One search request, start to finish, for both `ddas serve` and `ddas search`: open
 * the dataset, split and load it, create or resume the DDAS search, checkpoint every
 * epoch (and on cancel) atomically, and emit the protocol's events.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Policy } from '../../shared/policy';
import type { BackendReport, EngineEvent, SearchRequest } from '../../shared/protocol';
import { buildSpace, categoryKey } from '../../shared/space';
import { openSplits, stratifiedSplitOf } from '../data';
import { heldOutRecord } from '../data/holdout';
import { DdasSearch, readSearchData, type DdasOptions, type SearchData } from '../ddas';
import type { ThreadsOption } from '../ddas/parallel';
import { fitSpace } from '../ddas/fit-space';
import { UserError } from '../errors';
import { Rng } from '../../shared/rng';
import { writeFileAtomic } from '../io/atomic';

export const CHECKPOINT_FILE = 'ddas-checkpoint.json';
const CHECKPOINT_FORMAT = 'ddas-checkpoint';

/** What a checkpoint file holds: the request that started the search and its state. */
interface CheckpointFile {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly request: SearchRequest;
  readonly startedAt: string;
  readonly datasetSha256: string;
  readonly search: unknown;
}

export function checkpointPath(dir: string): string {
  return path.join(dir, CHECKPOINT_FILE);
}

/** Reads a checkpoint, or explains why it cannot be used. */
export function readCheckpoint(dir: string): CheckpointFile {
  const file = checkpointPath(dir);
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `${file}: no checkpoint to resume from. Start a new search (without --resume).` : `${file}: the checkpoint is unreadable (${(e as Error).message}). Delete it and start a new search.`);
  }
  if (!value || typeof value !== 'object' || (value as { format?: unknown }).format !== CHECKPOINT_FORMAT) {
    throw new UserError(`${file}: not a DDAS checkpoint. Point --checkpoint-dir at the folder a search wrote.`);
  }
  return value as CheckpointFile;
}

function searchOptions(req: SearchRequest): DdasOptions {
  return {
    epochs: req.budget.epochs,
    batch: req.budget.batch,
    ...(req.budget.valBatch ? { valBatch: req.budget.valBatch } : {}),
    opsPerImage: req.opsPerImage,
    explore: req.explore,
    seed: req.seed,
    ...(req.model ? { model: req.model } : {}),
    ...(req.learningRates ? { lrAlpha: req.learningRates.alpha, lrBeta: req.learningRates.beta } : {}),
    ...(req.space ? { space: buildSpace(req.space.ops, req.space.magnitudes) } : {}),
    ...(req.base ? { base: req.base } : {}),
    progressEvery: 1,
  };
}

/**
 * The default space fitted to the data (fit-space.ts), with a log line saying what was left
 * out and why (emitted after `started`, which opens every search's events). A space the
 * user gave is searched as given; identities in it are only named.
 */
function fittedSpace(req: SearchRequest, data: SearchData, emit: (e: EngineEvent) => void): Pick<DdasOptions, 'space' | 'leftOut'> {
  const requested = req.space ? buildSpace(req.space.ops, req.space.magnitudes) : buildSpace();
  const fitted = fitSpace(requested, data.train, data, Rng.seeded(req.seed));
  const names = fitted.leftOut.map((l) => `${l.category} (${l.reason})`).join('; ');
  if (req.space) {
    if (fitted.leftOut.length > 0) emit({ kind: 'log', id: req.id, level: 'warn', message: `the search space given has categories that leave these images unchanged, searched anyway: ${names}` });
    return { space: requested };
  }
  if (fitted.space.length === 0) throw new UserError(`${req.dataset}: every operation of the default space leaves these images unchanged (${names}). Give a search space with --space.`);
  if (fitted.leftOut.length > 0) emit({ kind: 'log', id: req.id, level: 'info', message: `left out of the default space: ${names}` });
  return { space: fitted.space, leftOut: fitted.leftOut };
}

/** Identifies exactly the images and labels the search saw. */
function dataHash(data: SearchData): string {
  const h = createHash('sha256');
  for (const set of [data.train, data.val]) {
    h.update(set.pixels);
    h.update(new Uint8Array(set.labels.buffer, set.labels.byteOffset, set.labels.byteLength));
  }
  return h.digest('hex');
}

/** `threads`: instances sharing each step's gradient passes ('auto': both cores on wasm; same results). */
export async function runSearchJob(request: SearchRequest, emit: (e: EngineEvent) => void, signal: AbortSignal, backend: BackendReport, run: { readonly threads?: ThreadsOption } = {}): Promise<Policy | undefined> {
  const saved = request.resume ? readCheckpoint(requireDir(request)) : undefined;
  // A resumed search continues the request it was started with (same split, same budget).
  const req: SearchRequest = saved ? { ...saved.request, id: request.id, checkpointDir: request.checkpointDir, resume: true } : request;
  // The search draws only from the images evaluation does not hold out (holdout.ts).
  const splits = await openSplits(req.dataset);
  const dataset = splits.train;
  const heldOut = heldOutRecord(splits);
  let data: SearchData;
  try {
    const available = splits.trainIndices.length;
    if (req.budget.trainSize + req.budget.valSize > available) {
      const held = available < dataset.info.size ? `, of which ${heldOut.images} are held out for evaluation (${heldOut.name}), so ${available} can be searched` : '';
      throw new UserError(`${dataset.info.path}: the search needs ${req.budget.trainSize} + ${req.budget.valSize} images but the dataset has ${dataset.info.size}${held}. Lower --train-size / --val-size.`);
    }
    data = await readSearchData(dataset, stratifiedSplitOf(dataset.labels, splits.trainIndices, { train: req.budget.trainSize, val: req.budget.valSize }, req.seed));
  } finally {
    await splits.close();
  }
  const sha256 = dataHash(data);
  if (saved && saved.datasetSha256 !== sha256) {
    throw new UserError(`${req.dataset}: the dataset changed since the checkpoint was written (its images differ). Start a new search instead of resuming.`);
  }
  const startedAt = saved?.startedAt ?? new Date().toISOString();
  let search: DdasSearch;
  const notes: EngineEvent[] = [];
  try {
    const threads = run.threads ?? 'auto';
    search = saved ? DdasSearch.restore(data, saved.search, { threads }) : DdasSearch.create(data, { ...searchOptions(req), ...fittedSpace(req, data, (e) => notes.push(e)), threads });
  } catch (e) {
    if (e instanceof RangeError || (saved && e instanceof Error)) throw new UserError(`${saved ? checkpointPath(requireDir(req)) : 'search options'}: ${e.message}.`);
    throw e;
  }
  const writeCheckpoint = async (): Promise<string | undefined> => {
    if (!req.checkpointDir) return undefined;
    const file = checkpointPath(req.checkpointDir);
    const content: CheckpointFile = { format: CHECKPOINT_FORMAT, request: { ...req, resume: false }, startedAt, datasetSha256: sha256, search: search.state() };
    await writeFileAtomic(file, JSON.stringify(content));
    return file;
  };
  try {
    const state = search.state();
    emit({
      kind: 'started',
      id: req.id,
      categories: state.options.space.map(categoryKey),
      backend,
      model: typeof state.options.model === 'string' ? state.options.model : 'resnet',
      datasetSize: data.train.labels.length + data.val.labels.length,
      base: state.options.base,
      ...(saved ? { resumedFromEpoch: state.position.epoch } : {}),
    });
    notes.forEach(emit);
    const outcome = await search.run({
      id: req.id,
      emit,
      signal,
      onEpochEnd: async (epoch) => {
        const file = await writeCheckpoint();
        if (file) emit({ kind: 'checkpoint', id: req.id, epoch, path: file });
      },
    });
    if (outcome.status === 'cancelled') {
      const file = await writeCheckpoint();
      emit({ kind: 'cancelled', id: req.id, ...(file ? { checkpoint: file } : {}) });
      return undefined;
    }
    const policy = search.policy({ dataset: { path: path.resolve(req.dataset), sha256, images: data.train.labels.length + data.val.labels.length, heldOut }, backend: backend.name, startedAt });
    emit({ kind: 'result', id: req.id, policy });
    return policy;
  } finally {
    search.dispose();
  }
}

function requireDir(req: SearchRequest): string {
  if (!req.checkpointDir) throw new UserError('resume needs a checkpoint folder (--checkpoint-dir, or "checkpointDir" in the request).');
  return req.checkpointDir;
}
