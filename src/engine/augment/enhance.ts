/**
 * PIL ImageEnhance on one image: each op blends a degenerate image with the original,
 * out = deg + f (img - deg), in float32 and truncated and clipped as PIL's ImagingBlend
 * does (C float arithmetic, reproduced with Math.fround).
 */
import { smoothedAt, smoothSums } from './filter';
import { applyTable, type Frame, type ImageOp } from './image';

/**
 * factor * d in float32 for every difference d = img - deg in [-255, 255], at d + 255:
 * the blend of a pixel is then fround(deg + products[img - deg + 255]).
 */
const products = new Float32Array(511);

function setFactor(factor: number): void {
  const k = Math.fround(factor);
  for (let d = -255; d <= 255; d++) products[d + 255] = k * d;
}

/** (UINT8) of the float32 blend deg + f (img - deg), clipped as ImagingBlend clips. */
function blendByte(deg: number, img: number): number {
  const v = Math.fround(deg + products[img - deg + 255]);
  return v <= 0 ? 0 : v >= 255 ? 255 : v;
}

/** PIL's RGB -> L: (19595 R + 38470 G + 7471 B + 0x8000) >> 16. */
function luma(src: Uint8Array, i: number): number {
  return (19595 * src[i] + 38470 * src[i + 1] + 7471 * src[i + 2] + 0x8000) >>> 16;
}

function checkChannels(op: string, f: Frame): void {
  if (f.channels !== 1 && f.channels !== 3) throw new RangeError(`${op}: images need 1 or 3 channels, got ${f.channels}`);
}

const table = new Uint8Array(256);

/** Blends every byte with one flat degenerate level, through a 256-entry table. */
function blendFlat(src: Uint8Array, dst: Uint8Array, level: number, factor: number): void {
  setFactor(factor);
  for (let v = 0; v < 256; v++) table[v] = blendByte(level, v);
  applyTable(src, dst, table);
}

/** Blend with black. */
export const brightness: ImageOp = (src, dst, _f, factor) => blendFlat(src, dst, 0, factor);

/** Blend with the image's own gray version; the identity on grayscale images. */
export const color: ImageOp = (src, dst, f, factor) => {
  checkChannels('Color', f);
  if (f.channels === 1) {
    dst.set(src);
    return;
  }
  setFactor(factor);
  for (let i = 0; i < src.length; i += 3) {
    const g = luma(src, i);
    dst[i] = blendByte(g, src[i]);
    dst[i + 1] = blendByte(g, src[i + 1]);
    dst[i + 2] = blendByte(g, src[i + 2]);
  }
};

/** Blend with a flat image at the gray mean, int(mean + 0.5) = floor((2 sum + n) / 2n). */
export const contrast: ImageOp = (src, dst, f, factor) => {
  checkChannels('Contrast', f);
  let sum = 0;
  if (f.channels === 1) for (let i = 0; i < src.length; i++) sum += src[i];
  else for (let i = 0; i < src.length; i += 3) sum += luma(src, i);
  const count = f.width * f.height;
  blendFlat(src, dst, Math.floor((2 * sum + count) / (2 * count)), factor);
};

/**
 * Blend with the SMOOTH-filtered image. SMOOTH keeps the border, where the blend is
 * then exactly the original, so only interior values are blended.
 */
export const sharpness: ImageOp = (src, dst, f, factor) => {
  dst.set(src);
  const sums = smoothSums(src, f);
  if (!sums) return;
  setFactor(factor);
  const row = f.width * f.channels;
  for (let y = 1; y < f.height - 1; y++) {
    for (let i = y * row + f.channels, end = (y + 1) * row - f.channels; i < end; i++) dst[i] = blendByte(smoothedAt(src, sums, i, row), src[i]);
  }
};
