/**
 * A search's complete state between two steps, as one JSON-serialisable object: the
 * engine writes it atomically and a resumed search continues exactly where this one
 * stopped (same numbers as an uninterrupted run on the same backend).
 */
import type { InputShape, StoredTensor } from '../nn';
import type { AdamState } from './adam';
import type { EvidenceState } from './evidence';
import type { ResolvedOptions } from './options';

export const STATE_FORMAT = 'ddas-search-state';
export const STATE_VERSION = 1;

/** (p_aug, p) at the end of an epoch: one entry of the policy's schedule. */
export interface Snapshot {
  readonly epoch: number;
  readonly pAug: number;
  readonly p: readonly number[];
  /** Accuracy on the whole search-val split (eval-mode batch norm); NaN-free: -1 if not measured. */
  readonly valAccuracy: number;
}

export interface DdasState {
  readonly format: typeof STATE_FORMAT;
  readonly version: typeof STATE_VERSION;
  readonly options: ResolvedOptions;
  /** The net's input shape and normalisation. */
  readonly input: InputShape;
  /** Dataset indices of search-train and search-val, when the data came from a Dataset. */
  readonly split?: { readonly train: readonly number[]; readonly val: readonly number[] };
  /** Next step to run: epoch (0-based) and step within it. */
  readonly position: { readonly epoch: number; readonly step: number };
  /** This epoch's order of search-train positions; null before the epoch's first step. */
  readonly epochOrder: readonly number[] | null;
  readonly rng: readonly number[];
  readonly alpha: readonly number[];
  readonly beta: number;
  readonly adamAlpha: AdamState;
  readonly adamBeta: AdamState;
  readonly weights: readonly StoredTensor[];
  readonly buffers: readonly StoredTensor[];
  readonly snapshots: readonly Snapshot[];
  /** Wall-clock seconds spent searching so far (all runs). */
  readonly seconds: number;
  /** The per-category evidence so far (absent in checkpoints of older versions: it restarts). */
  readonly evidence?: EvidenceState;
}

/** Parses what JSON.parse returned into a state, with a message saying what is wrong. */
export function checkState(value: unknown): DdasState {
  if (!value || typeof value !== 'object') throw new Error('search checkpoint is not an object');
  const s = value as Partial<DdasState>;
  if (s.format !== STATE_FORMAT) throw new Error(`not a DDAS search checkpoint (format ${JSON.stringify(s.format)})`);
  if (s.version !== STATE_VERSION) throw new Error(`search checkpoint version ${String(s.version)} is not supported (expected ${STATE_VERSION})`);
  const needed: (keyof DdasState)[] = ['options', 'input', 'position', 'rng', 'alpha', 'beta', 'adamAlpha', 'adamBeta', 'weights', 'buffers', 'snapshots', 'seconds'];
  for (const key of needed) if (s[key] === undefined) throw new Error(`search checkpoint lacks "${key}"`);
  if (s.alpha?.length !== s.options?.space.length) throw new Error('search checkpoint: alpha and the search space differ in length');
  return s as DdasState;
}
