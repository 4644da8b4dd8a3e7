/**
 * PIL's ImageFilter.BLUR (5x5 ring of ones / 16) and SMOOTH (3x3 ones with centre 5,
 * / 13) on one image. PIL keeps the outer ring (2 pixels for 5x5, 1 for 3x3), leaves
 * images smaller than the kernel alone, and rounds the weighted sum half up (clip8:
 * (UINT8)(v + 0.5)). Both kernels are box sums, computed separably from row sums.
 */
import type { Frame, ImageOp } from './image';

let rows3 = new Int32Array(0);
let rows5 = new Int32Array(0);

function rowSums(length: number): [Int32Array, Int32Array] {
  if (rows3.length < length) {
    rows3 = new Int32Array(length);
    rows5 = new Int32Array(length);
  }
  return [rows3, rows5];
}

/** round(s / 13) half up for every reachable SMOOTH sum (13 * 255 at most). */
const SMOOTH_ROUND = Uint8Array.from({ length: 13 * 255 + 1 }, (_, s) => Math.floor(s / 13 + 0.5));

/**
 * Horizontal sums of 3 (and of 5 when `five`) neighbours along each row, at every
 * value whose window fits; other entries are left as they are and never read.
 */
function horizontal(src: Uint8Array, f: Frame, r: number, h3: Int32Array, h5: Int32Array | null): void {
  const c = f.channels;
  const row = f.width * c;
  for (let y = 0; y < f.height; y++) {
    for (let i = y * row + r * c, end = y * row + (f.width - r) * c; i < end; i++) {
      const s3 = src[i - c] + src[i] + src[i + c];
      h3[i] = s3;
      if (h5) h5[i] = s3 + src[i - 2 * c] + src[i + 2 * c];
    }
  }
}

/**
 * SMOOTH, with every interior value v passed through `table[(smoothed << 8) | v]` when a
 * 256 x 256 table is given (ImageEnhance.Sharpness's blend), else stored as smoothed.
 * PIL leaves the border, and images smaller than 3x3, as they are.
 */
export function smoothThrough(src: Uint8Array, dst: Uint8Array, f: Frame, table: Uint8Array | null): void {
  dst.set(src);
  if (f.width < 3 || f.height < 3) return;
  const [h3] = rowSums(src.length);
  horizontal(src, f, 1, h3, null);
  const row = f.width * f.channels;
  for (let y = 1; y < f.height - 1; y++) {
    const end = (y + 1) * row - f.channels;
    if (table) {
      for (let i = y * row + f.channels; i < end; i++) dst[i] = table[(SMOOTH_ROUND[h3[i - row] + h3[i] + h3[i + row] + 4 * src[i]] << 8) | src[i]];
    } else {
      for (let i = y * row + f.channels; i < end; i++) dst[i] = SMOOTH_ROUND[h3[i - row] + h3[i] + h3[i + row] + 4 * src[i]];
    }
  }
}

export const smooth: ImageOp = (src, dst, f) => smoothThrough(src, dst, f, null);

export const blur: ImageOp = (src, dst, f) => {
  dst.set(src);
  if (f.width < 5 || f.height < 5) return;
  const [h3, h5] = rowSums(src.length);
  horizontal(src, f, 2, h3, h5);
  const row = f.width * f.channels;
  for (let y = 2; y < f.height - 2; y++) {
    for (let i = y * row + 2 * f.channels, end = (y + 1) * row - 2 * f.channels; i < end; i++) {
      const box5 = h5[i - 2 * row] + h5[i - row] + h5[i] + h5[i + row] + h5[i + 2 * row];
      const ring = box5 - (h3[i - row] + h3[i] + h3[i + row]);
      dst[i] = (ring + 8) >> 4;
    }
  }
};
