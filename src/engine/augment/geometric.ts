/**
 * Geometric ops, batched with per-image parameters and matching torchvision 0.14 on PIL
 * images (see affine.ts for how PIL's sampling is reproduced).
 */
import { tf } from '../tf';
import { rotateSpec, shearMatrix, translateMatrix, warp, type WarpSpec } from './affine';
import type { BatchOp, ImageBatch } from './types';

export { cutout } from './cutout';

export const flipLR: BatchOp = (images) => tf.reverse(images, 2);

export const flipUD: BatchOp = (images) => tf.reverse(images, 1);

/** A BatchOp from one warp per image, built from the image's parameter and size. */
function perImage(spec: (p: number, width: number, height: number) => WarpSpec): BatchOp {
  return (images: ImageBatch, params, ctx) => {
    const [n, height, width] = images.shape;
    const specs = Array.from({ length: n }, (_, i) => spec(params[i], width, height));
    return warp(images, specs, ctx);
  };
}

/** Degrees, counter-clockwise for +, about the centre (PIL Image.rotate). */
export const rotate = perImage((deg, w, h) => rotateSpec(deg, w, h));

/** Shear factor s: x_in = x_out + s y_out (torchvision ShearX, about the top-left corner). */
export const shearX = perImage((s) => shearMatrix('x', s));

/** Shear factor s: y_in = y_out + s x_out (torchvision ShearY, about the top-left corner). */
export const shearY = perImage((s) => shearMatrix('y', s));

/** Whole pixels; + moves the content right (torchvision TranslateX). */
export const translateX = perImage((t, w, h) => translateMatrix(Math.trunc(t), 0, w, h));

/** Whole pixels; + moves the content down (torchvision TranslateY). */
export const translateY = perImage((t, w, h) => translateMatrix(0, Math.trunc(t), w, h));
