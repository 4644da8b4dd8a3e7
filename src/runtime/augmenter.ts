/**
 * The training-time runtime for TypeScript / TensorFlow.js users: samples a policy per
 * image (src/shared/sampler.ts, the semantics every export shares), applies the plans
 * with the engine's batched ops, which match PIL/torchvision pixel for pixel, then the
 * policy's base transform (random crop, flip, Cutout) as the search did.
 */
import { applyPlans } from '../engine/augment/apply';
import type { Frame } from '../engine/augment/image';
import { augmentBatch } from '../engine/augment/raw';
import { applyBaseDraws } from '../engine/ddas/base';
import { tf } from '../engine/tf';
import { NO_BASE, type BaseTransform } from '../shared/base';
import { drawBases, isIdentityBase, type BaseDraw } from '../shared/base-draw';
import { formatProblems, validatePolicy, type Policy } from '../shared/policy';
import { Rng } from '../shared/rng';
import { samplePlans, type ImagePlan } from '../shared/sampler';
import { applyBaseBytes } from './base';
import type { PolicyInput } from './types';

/** The policy given to createAugmenter is not valid; `problems` says where and why. */
export class PolicyError extends Error {
  constructor(readonly problems: readonly { path: string; message: string }[]) {
    super(`not a valid policy:\n${formatProblems(problems)}`);
    this.name = 'PolicyError';
  }
}

export interface AugmenterOptions {
  /** Seed of the augmenter's own random stream (default: a random seed). */
  readonly seed?: number;
  /** Training progress in [0, 1] used when augment() is given none (default 0). */
  readonly progress?: number;
  /**
   * Apply the policy's base transform after its operations (default true: what the search
   * trained under). False when your pipeline already does its own crop / flip.
   */
  readonly includeBase?: boolean;
}

export interface Augmenter {
  /** The validated policy (options' defaults filled in). */
  readonly policy: Policy;
  /** Progress used when a call passes none. */
  readonly progress: number;
  /** The base transform applied after the operations (no-op when the policy has none or includeBase is false). */
  readonly base: BaseTransform;
  /**
   * A new batch: each image augmented by its own draw from the policy. `images` is NHWC
   * with 1 or 3 channels, float32 or int32 holding whole numbers in [0, 255]; the result
   * has the same shape and dtype. The caller keeps ownership of `images`.
   */
  augment(images: tf.Tensor4D, progress?: number): tf.Tensor4D;
  /**
   * The same on raw bytes, without tensors: `pixels` holds whole images of `frame`
   * (NHWC uint8, 1 or 3 channels); returns a new array. The fast path for data loaders
   * that decode to bytes (about twice the speed of augment() on float32 tensors).
   */
  augmentBytes(pixels: Uint8Array, frame: Frame, progress?: number): Uint8Array;
  /** Draws plans without applying them (what augment() would do to `count` images). */
  sample(count: number, progress?: number): ImagePlan[];
  /** Draws base-transform draws without applying them (augment() draws these after the batch's plans). */
  sampleBase(count: number): BaseDraw[];
  /**
   * Deterministic augment(): the given plans, then the base with the given draws (one
   * each per image). Same shapes and dtypes as augment(); draws nothing.
   */
  augmentWith(images: tf.Tensor4D, plans: readonly ImagePlan[], baseDraws: readonly BaseDraw[]): tf.Tensor4D;
  /** Deterministic augmentBytes(), likewise. */
  augmentBytesWith(pixels: Uint8Array, frame: Frame, plans: readonly ImagePlan[], baseDraws: readonly BaseDraw[]): Uint8Array;
  setProgress(progress: number): void;
  /** Progress = epoch / epochs (epoch counted from 0). */
  setEpoch(epoch: number, epochs: number): void;
  /** The random stream's state, to checkpoint; restore with `{ rngState }`. */
  rngState(): number[];
}

function checkProgress(progress: number): number {
  if (!(progress >= 0 && progress <= 1)) throw new RangeError(`progress must be in [0, 1], got ${progress}`);
  return progress;
}

export function createAugmenter(input: PolicyInput, options: AugmenterOptions & { rngState?: readonly number[] } = {}): Augmenter {
  const result = validatePolicy(input);
  if (!result.ok) throw new PolicyError(result.problems);
  const policy = result.policy;
  const rng = options.rngState ? Rng.fromState(options.rngState) : Rng.seeded(options.seed ?? Math.floor(Math.random() * 0x7fffffff));
  let current = checkProgress(options.progress ?? 0);
  const applyOptions = { fill: policy.options?.fill ?? 0, interpolation: policy.options?.interpolation ?? 'nearest' } as const;
  const base: BaseTransform = options.includeBase === false || !policy.base ? NO_BASE : policy.base;

  const sample = (count: number, progress = current): ImagePlan[] => samplePlans(policy, count, rng, checkProgress(progress));
  const sampleBase = (count: number): BaseDraw[] => drawBases(base, count, rng);

  const checkImages = (images: tf.Tensor4D, what: string): void => {
    if (images.rank !== 4) throw new RangeError(`${what} takes a 4-D NHWC batch, got shape [${images.shape.join(', ')}]`);
    const channels = images.shape[3];
    if (channels !== 1 && channels !== 3) throw new RangeError(`${what} takes 1 or 3 channels, got ${channels}`);
    if (images.dtype !== 'float32' && images.dtype !== 'int32') throw new TypeError(`${what} takes float32 or int32 images, got ${images.dtype}`);
  };
  const imageCount = (pixels: Uint8Array, frame: Frame, what: string): number => {
    const { width, height, channels } = frame;
    if (channels !== 1 && channels !== 3) throw new RangeError(`${what} takes 1 or 3 channels, got ${channels}`);
    const size = width * height * channels;
    if (!(size > 0) || pixels.length % size !== 0) {
      throw new RangeError(`${what}: ${pixels.length} bytes are not whole ${height}x${width}x${channels} images`);
    }
    return pixels.length / size;
  };
  const checkCounts = (n: number, plans: readonly ImagePlan[], draws: readonly BaseDraw[], what: string): void => {
    if (plans.length !== n || draws.length !== n) throw new RangeError(`${what}: ${plans.length} plans and ${draws.length} base draws for ${n} images`);
  };
  const run = (images: tf.Tensor4D, plans: readonly ImagePlan[], draws: readonly BaseDraw[]): tf.Tensor4D =>
    tf.tidy(() => {
      const x = images.dtype === 'float32' ? images : tf.cast(images, 'float32');
      const planned = applyPlans(x, plans, applyOptions);
      // Policy first, then the base: the order the search trained under.
      const y = isIdentityBase(base) ? planned : applyBaseDraws(planned, base, draws);
      return images.dtype === 'float32' ? y : tf.cast(y, images.dtype);
    });
  const runBytes = (pixels: Uint8Array, frame: Frame, plans: readonly ImagePlan[], draws: readonly BaseDraw[]): Uint8Array => {
    const planned = augmentBatch(pixels, frame, plans, applyOptions);
    return isIdentityBase(base) ? planned : applyBaseBytes(planned, frame, base, draws);
  };

  return {
    policy,
    base,
    get progress() {
      return current;
    },
    augment(images, progress = current) {
      checkImages(images, 'augment()');
      const plans = sample(images.shape[0], progress);
      return run(images, plans, sampleBase(images.shape[0]));
    },
    augmentBytes(pixels, frame, progress = current) {
      const n = imageCount(pixels, frame, 'augmentBytes()');
      const plans = sample(n, progress);
      return runBytes(pixels, frame, plans, sampleBase(n));
    },
    augmentWith(images, plans, baseDraws) {
      checkImages(images, 'augmentWith()');
      checkCounts(images.shape[0], plans, baseDraws, 'augmentWith()');
      return run(images, plans, baseDraws);
    },
    augmentBytesWith(pixels, frame, plans, baseDraws) {
      checkCounts(imageCount(pixels, frame, 'augmentBytesWith()'), plans, baseDraws, 'augmentBytesWith()');
      return runBytes(pixels, frame, plans, baseDraws);
    },
    sample,
    sampleBase,
    setProgress(progress) {
      current = checkProgress(progress);
    },
    setEpoch(epoch, epochs) {
      if (!(epochs > 0)) throw new RangeError(`epochs must be positive, got ${epochs}`);
      current = Math.min(1, Math.max(0, epoch / epochs));
    },
    rngState: () => rng.state(),
  };
}
