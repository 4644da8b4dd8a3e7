/**
 * Geometric ops, batched with per-image parameters and matching torchvision 0.14 on PIL
 * images pixel for pixel (matrices in affine.ts, sampling in nearest.ts / bilinear.ts).
 */
import { tf } from '../tf';
import { rotateSpec, shearMatrix, translateMatrix, type WarpSpec } from './affine';
import { warpBilinear } from './bilinear';
import { warpNearest } from './nearest';
import type { BatchOp, ImageBatch, OpContext } from './types';

export { cutout } from './cutout';

export const flipLR: BatchOp = (images) => tf.reverse(images, 2);

export const flipUD: BatchOp = (images) => tf.reverse(images, 1);

/** Warps each image of the batch by its own spec, with the context's fill and interpolation. */
export function warp(images: ImageBatch, specs: readonly WarpSpec[], ctx: OpContext): ImageBatch {
  if (specs.length !== images.shape[0]) throw new RangeError(`warp: ${specs.length} matrices for ${images.shape[0]} images`);
  return tf.tidy(() =>
    ctx.interpolation === 'bilinear' ? warpBilinear(images, specs, ctx.fill) : warpNearest(images, specs, ctx.fill),
  );
}

/** A BatchOp from one warp per image, built from the image's parameter and size. */
function perImage(spec: (p: number, width: number, height: number) => WarpSpec): BatchOp {
  return (images, params, ctx) => {
    const [n, height, width] = images.shape;
    const specs = Array.from({ length: n }, (_, i) => spec(params[i], width, height));
    return warp(images, specs, ctx);
  };
}

/** Degrees, counter-clockwise for +, about the centre (PIL Image.rotate). */
export const rotate = perImage((deg, w, h) => rotateSpec(deg, w, h));

/** Shear factor s: the output samples x_in = x + s y (torchvision ShearX, about the top-left corner). */
export const shearX = perImage((s) => shearMatrix('x', s));

/** Shear factor s: the output samples y_in = y + s x (torchvision ShearY, about the top-left corner). */
export const shearY = perImage((s) => shearMatrix('y', s));

/** Whole pixels; + moves the content right (torchvision TranslateX). */
export const translateX = perImage((t, w, h) => translateMatrix(Math.trunc(t), 0, w, h));

/** Whole pixels; + moves the content down (torchvision TranslateY). */
export const translateY = perImage((t, w, h) => translateMatrix(0, Math.trunc(t), w, h));
