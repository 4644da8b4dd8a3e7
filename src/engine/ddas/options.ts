/**
 * Search options with the defaults of the official DDAS CIFAR search (DESIGN section 3),
 * resolved into one plain, JSON-serialisable object that checkpoints carry.
 */
import { buildSpace, type Category } from '../../shared/space';
import { createNet, resnetSmall, type InputShape, type ModelName, type ProxyNet } from '../nn';
import { defaultBase, type BaseTransform } from '../../shared/base';
import type { LeftOut } from './fit-space';

/** A registry model, or a resnet-small shape with other stage widths (tiny nets for tests). */
export type ModelChoice = ModelName | { readonly kind: 'resnet'; readonly widths: readonly number[] };

/** The proxy net of a model choice (the main thread and the gradient workers build the same). */
export function netFor(model: ModelChoice, input: InputShape): ProxyNet {
  return typeof model === 'string' ? createNet(model, input) : resnetSmall(input, { widths: model.widths });
}

export interface AdamBetas {
  readonly beta1: number;
  readonly beta2: number;
}

export interface DdasOptions {
  /** Passes over the search-train split. Default 20. */
  readonly epochs?: number;
  /** Search-train batch B. Default 32. */
  readonly batch?: number;
  /** Search-val batch V per step. Default 256. */
  readonly valBatch?: number;
  /** Sub-policies J drawn per step. Default 3. */
  readonly subPolicies?: number;
  /** Ops per sub-policy n. Default 2. */
  readonly opsPerImage?: number;
  /** Draw sub-policies from explore * uniform + (1 - explore) * p. Default 1 (official code). */
  readonly explore?: number;
  /** Model learning rate xi (plain SGD on summed losses). Default 0.01. */
  readonly xi?: number;
  /** Cosine decay of xi over all steps. Default true. */
  readonly cosine?: boolean;
  /** Adam learning rate of alpha. Default 0.005 (tuned for ~1,260 steps). */
  readonly lrAlpha?: number;
  /** Adam learning rate of beta. Default 0.001. */
  readonly lrBeta?: number;
  /** Adam betas for both. Default 0.5 / 0.999. */
  readonly adamBetas?: AdamBetas;
  /** Initial p_aug. Default 0.35. */
  readonly initialPAug?: number;
  /** eps in d / (||d||_1 + eps). Default 1e-8. */
  readonly normEpsilon?: number;
  readonly seed?: number;
  /** Default resnet-small. */
  readonly model?: ModelChoice;
  /** Default: the official CIFAR space (52 categories). */
  readonly space?: readonly Category[];
  /** What training does after the policy. Default: a mild random crop (pad ~1/8 of the side), no flip, no Cutout. */
  readonly base?: BaseTransform;
  /** Categories of the requested space left out before the search (recorded in the result). */
  readonly leftOut?: readonly LeftOut[];
  /** Emit a progress event every this many steps (and at each epoch's end). Default 1. */
  readonly progressEvery?: number;
  /** Measure accuracy on the whole search-val split after each epoch. Default true. */
  readonly evalEachEpoch?: boolean;
  /**
   * Instances (main thread + workers) sharing a step's J + 1 gradient passes and, with
   * two or more, the val pass (split in two with synchronised batch norm). Default 1;
   * 'auto' = min(2, cores) on wasm. A search is deterministic for a given seed, backend
   * and thread count; 1 and 2 threads agree up to float rounding (the val pass sums in
   * another order), so this is a run-time choice and not part of the checkpointed options.
   */
  readonly threads?: number | 'auto';
}

export interface ResolvedOptions {
  readonly epochs: number;
  readonly batch: number;
  readonly valBatch: number;
  readonly subPolicies: number;
  readonly opsPerImage: number;
  readonly explore: number;
  readonly xi: number;
  readonly cosine: boolean;
  readonly lrAlpha: number;
  readonly lrBeta: number;
  readonly adamBetas: AdamBetas;
  readonly initialPAug: number;
  readonly normEpsilon: number;
  readonly seed: number;
  readonly model: ModelChoice;
  readonly space: readonly Category[];
  readonly base: BaseTransform;
  readonly leftOut: readonly LeftOut[];
  readonly progressEvery: number;
  readonly evalEachEpoch: boolean;
}

export const DEFAULTS = {
  epochs: 20,
  batch: 32,
  valBatch: 256,
  subPolicies: 3,
  opsPerImage: 2,
  explore: 1,
  xi: 0.01,
  cosine: true,
  lrAlpha: 0.005,
  lrBeta: 0.001,
  adamBetas: { beta1: 0.5, beta2: 0.999 },
  initialPAug: 0.35,
  normEpsilon: 1e-8,
  seed: 0,
  model: 'resnet-small',
  progressEvery: 1,
  evalEachEpoch: true,
} as const satisfies Partial<ResolvedOptions>;

function check(ok: boolean, what: string): void {
  if (!ok) throw new RangeError(`DDAS option ${what}`);
}

export function resolveOptions(o: DdasOptions, image: { width: number; height: number; channels: number }): ResolvedOptions {
  const r: ResolvedOptions = {
    epochs: o.epochs ?? DEFAULTS.epochs,
    batch: o.batch ?? DEFAULTS.batch,
    valBatch: o.valBatch ?? DEFAULTS.valBatch,
    subPolicies: o.subPolicies ?? DEFAULTS.subPolicies,
    opsPerImage: o.opsPerImage ?? DEFAULTS.opsPerImage,
    explore: o.explore ?? DEFAULTS.explore,
    xi: o.xi ?? DEFAULTS.xi,
    cosine: o.cosine ?? DEFAULTS.cosine,
    lrAlpha: o.lrAlpha ?? DEFAULTS.lrAlpha,
    lrBeta: o.lrBeta ?? DEFAULTS.lrBeta,
    adamBetas: o.adamBetas ?? DEFAULTS.adamBetas,
    initialPAug: o.initialPAug ?? DEFAULTS.initialPAug,
    normEpsilon: o.normEpsilon ?? DEFAULTS.normEpsilon,
    seed: o.seed ?? DEFAULTS.seed,
    model: o.model ?? DEFAULTS.model,
    space: o.space ?? buildSpace(),
    base: o.base ?? defaultBase(image),
    leftOut: o.leftOut ?? [],
    progressEvery: o.progressEvery ?? DEFAULTS.progressEvery,
    evalEachEpoch: o.evalEachEpoch ?? DEFAULTS.evalEachEpoch,
  };
  const whole = (v: number, min: number): boolean => Number.isInteger(v) && v >= min;
  check(whole(r.epochs, 1), `epochs must be a whole number >= 1 (got ${r.epochs})`);
  check(whole(r.batch, 1), `batch must be a whole number >= 1 (got ${r.batch})`);
  check(whole(r.valBatch, 1), `valBatch must be a whole number >= 1 (got ${r.valBatch})`);
  check(whole(r.subPolicies, 1), `subPolicies must be a whole number >= 1 (got ${r.subPolicies})`);
  check(whole(r.opsPerImage, 1), `opsPerImage must be a whole number >= 1 (got ${r.opsPerImage})`);
  check(whole(r.progressEvery, 1), `progressEvery must be a whole number >= 1 (got ${r.progressEvery})`);
  check(r.explore >= 0 && r.explore <= 1, `explore must be in [0, 1] (got ${r.explore})`);
  check(r.initialPAug > 0 && r.initialPAug < 1, `initialPAug must be in (0, 1) (got ${r.initialPAug})`);
  check(r.xi > 0 && r.lrAlpha > 0 && r.lrBeta > 0, 'learning rates must be > 0');
  check(r.space.length >= 1, 'space needs at least one category');
  check(Number.isInteger(r.seed), `seed must be an integer (got ${r.seed})`);
  return r;
}
