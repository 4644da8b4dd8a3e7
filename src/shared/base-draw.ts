/**
 * What is random about the base transform for one image, drawn before any pixel is
 * touched - as AppliedOp is for an operation. The engine, the TS runtime and the Python
 * export draw in this order (crop x, crop y, flip, Cutout x, Cutout y; only what the
 * base uses), so a draw means the same pixels everywhere and tests can fix it.
 */
import type { BaseTransform } from './base';
import type { Rng } from './rng';

export interface BaseDraw {
  /** Top-left corner (x, y) of the crop window in the zero-padded image, each in [0, 2 * cropPadding]. */
  readonly crop: readonly [number, number];
  /** Mirror left-right (after the crop). */
  readonly flip: boolean;
  /** Uniforms in [0, 1) placing the Cutout square's centre (x, y), as the Cutout operation does. */
  readonly position: readonly [number, number];
}

export function drawBase(base: BaseTransform, rng: Rng): BaseDraw {
  const pad = base.cropPadding;
  const crop: [number, number] = pad > 0 ? [rng.int(2 * pad + 1), rng.int(2 * pad + 1)] : [0, 0];
  const flip = base.flipLR ? rng.uniform() < 0.5 : false;
  const position: [number, number] = base.cutout > 0 ? [rng.uniform(), rng.uniform()] : [0.5, 0.5];
  return { crop, flip, position };
}

/** One draw per image, image after image. */
export function drawBases(base: BaseTransform, count: number, rng: Rng): BaseDraw[] {
  return Array.from({ length: count }, () => drawBase(base, rng));
}

/** True when the base changes no pixel (nothing to apply). */
export function isIdentityBase(base: BaseTransform): boolean {
  return base.cropPadding === 0 && !base.flipLR && base.cutout === 0;
}
