/**
 * The training-time runtime for TypeScript / TensorFlow.js users: samples a policy per
 * image (src/shared/sampler.ts, the semantics every export shares) and applies the
 * plans with the engine's batched ops, which match PIL/torchvision pixel for pixel.
 */
import { applyPlans } from '../engine/augment/apply';
import type { Frame } from '../engine/augment/image';
import { augmentBatch } from '../engine/augment/raw';
import { tf } from '../engine/tf';
import { formatProblems, validatePolicy, type Policy } from '../shared/policy';
import { Rng } from '../shared/rng';
import { samplePlans, type ImagePlan } from '../shared/sampler';
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
}

export interface Augmenter {
  /** The validated policy (options' defaults filled in). */
  readonly policy: Policy;
  /** Progress used when a call passes none. */
  readonly progress: number;
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

  const sample = (count: number, progress = current): ImagePlan[] => samplePlans(policy, count, rng, checkProgress(progress));

  return {
    policy,
    get progress() {
      return current;
    },
    augment(images, progress = current) {
      if (images.rank !== 4) throw new RangeError(`augment() takes a 4-D NHWC batch, got shape [${images.shape.join(', ')}]`);
      const channels = images.shape[3];
      if (channels !== 1 && channels !== 3) throw new RangeError(`augment() takes 1 or 3 channels, got ${channels}`);
      if (images.dtype !== 'float32' && images.dtype !== 'int32') throw new TypeError(`augment() takes float32 or int32 images, got ${images.dtype}`);
      const plans = sample(images.shape[0], progress);
      return tf.tidy(() => {
        const x = images.dtype === 'float32' ? images : tf.cast(images, 'float32');
        const y = applyPlans(x, plans, applyOptions);
        return images.dtype === 'float32' ? y : tf.cast(y, images.dtype);
      });
    },
    augmentBytes(pixels, frame, progress = current) {
      const { width, height, channels } = frame;
      if (channels !== 1 && channels !== 3) throw new RangeError(`augmentBytes() takes 1 or 3 channels, got ${channels}`);
      const size = width * height * channels;
      if (!(size > 0) || pixels.length % size !== 0) {
        throw new RangeError(`augmentBytes(): ${pixels.length} bytes are not whole ${height}x${width}x${channels} images`);
      }
      return augmentBatch(pixels, frame, sample(pixels.length / size, progress), applyOptions);
    },
    sample,
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
