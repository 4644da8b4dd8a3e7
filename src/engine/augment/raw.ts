/**
 * Augmentation of uint8 pixels without tensors: what PIL-style pipelines hand over and
 * take back (bytes in, bytes out), with the same op code and plans as the tfjs kernel.
 */
import type { ImagePlan } from '../../shared/sampler';
import type { RawImage } from '../io/images';
import type { ApplyOptions } from './apply';
import type { Frame } from './image';
import { programFromPlans, runProgram } from './program';

/** A batch of same-size images, NHWC uint8, augmented by per-image plans into a new array. */
export function augmentBatch(pixels: Uint8Array, frame: Frame, plans: readonly ImagePlan[], options: ApplyOptions = {}): Uint8Array {
  const out = new Uint8Array(pixels.length);
  runProgram(programFromPlans(plans, frame, options), frame, pixels, out);
  return out;
}

/** Images of any mix of sizes and channel counts, one plan each. */
export function augmentRaw(images: readonly RawImage[], plans: readonly ImagePlan[], options: ApplyOptions = {}): RawImage[] {
  if (plans.length !== images.length) throw new RangeError(`augmentRaw: ${plans.length} plans for ${images.length} images`);
  return images.map((img, i) => {
    const pixels = augmentBatch(img.pixels, img, [plans[i]], options);
    return { width: img.width, height: img.height, channels: img.channels, pixels };
  });
}
