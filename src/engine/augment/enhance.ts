/**
 * PIL ImageEnhance on one image: each op blends a degenerate image with the original,
 * out = deg + f (img - deg), in float32 and truncated and clipped as PIL's ImagingBlend
 * does (C float arithmetic, reproduced with Math.fround, tabulated per factor).
 */
import { smoothThrough } from './filter';
import { Lru } from '../../shared/lru';
import { applyTable, type Frame, type ImageOp } from './image';

/**
 * The blend of every (degenerate, original) byte pair for one factor, at deg * 256 + img:
 * (UINT8) of fround(deg + fround(f (img - deg))), clipped as ImagingBlend clips. Policies
 * use a handful of factors (magnitude bins x signs), so tables are built once and kept.
 */
const blendTables = new Lru<number, Uint8Array>(64);

function blendTable(factor: number): Uint8Array {
  const k = Math.fround(factor);
  const cached = blendTables.get(k);
  if (cached) return cached;
  const table = new Uint8Array(256 * 256);
  for (let deg = 0; deg < 256; deg++) {
    for (let img = 0; img < 256; img++) {
      const v = Math.fround(deg + Math.fround(k * (img - deg)));
      table[(deg << 8) | img] = v <= 0 ? 0 : v >= 255 ? 255 : v;
    }
  }
  blendTables.set(k, table);
  return table;
}

/** PIL's RGB -> L: (19595 R + 38470 G + 7471 B + 0x8000) >> 16. */
function luma(src: Uint8Array, i: number): number {
  return (19595 * src[i] + 38470 * src[i + 1] + 7471 * src[i + 2] + 0x8000) >>> 16;
}

function checkChannels(op: string, f: Frame): void {
  if (f.channels !== 1 && f.channels !== 3) throw new RangeError(`${op}: images need 1 or 3 channels, got ${f.channels}`);
}

/** Blends every byte with one flat degenerate level. */
function blendFlat(src: Uint8Array, dst: Uint8Array, level: number, factor: number): void {
  applyTable(src, dst, blendTable(factor).subarray(level << 8, (level + 1) << 8));
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
  const table = blendTable(factor);
  for (let i = 0; i < src.length; i += 3) {
    const g = luma(src, i) << 8;
    dst[i] = table[g | src[i]];
    dst[i + 1] = table[g | src[i + 1]];
    dst[i + 2] = table[g | src[i + 2]];
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

/** Blend with the SMOOTH-filtered image (on the border SMOOTH keeps, that is the original). */
export const sharpness: ImageOp = (src, dst, f, factor) => smoothThrough(src, dst, f, blendTable(factor));
