/** Augments raw uint8 images (any mix of sizes and channel counts) by per-image plans. */
import type { ImagePlan } from '../../shared/sampler';
import type { RawImage } from '../io/images';
import { tf } from '../tf';
import { applyPlans, type ApplyOptions } from './apply';

export function augmentRaw(images: readonly RawImage[], plans: readonly ImagePlan[], options: ApplyOptions = {}): RawImage[] {
  if (plans.length !== images.length) throw new RangeError(`augmentRaw: ${plans.length} plans for ${images.length} images`);
  const out: RawImage[] = new Array(images.length);
  // Ops are batched per tensor, so images of one shape travel together.
  const groups = new Map<string, number[]>();
  images.forEach((img, i) => {
    const key = `${img.height}x${img.width}x${img.channels}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const idx of groups.values()) {
    const { width, height, channels } = images[idx[0]];
    const frame = width * height * channels;
    const flat = new Float32Array(idx.length * frame);
    idx.forEach((i, j) => flat.set(images[i].pixels, j * frame));
    const result = tf.tidy(() => applyPlans(tf.tensor4d(flat, [idx.length, height, width, channels]), idx.map((i) => plans[i]), options));
    const data = result.dataSync();
    result.dispose();
    idx.forEach((i, j) => {
      out[i] = { width, height, channels, pixels: Uint8Array.from(data.subarray(j * frame, (j + 1) * frame)) };
    });
  }
  return out;
}
