/**
 * The base transform on uint8 HWC bytes (the runtime's fast path): the same pixels as the
 * engine's tensor version (src/engine/ddas/base.ts) for the same draws - crop from the
 * zero-padded image, then the mirror, then the catalog's own Cutout byte op.
 */
import { IMAGE_OPS } from '../engine/augment/table';
import type { Frame } from '../engine/augment/image';
import type { BaseTransform } from '../shared/base';
import { isIdentityBase, type BaseDraw } from '../shared/base-draw';

/** A new array: every image of `pixels` (whole images of `frame`) under its draw. */
export function applyBaseBytes(pixels: Uint8Array, frame: Frame, base: BaseTransform, draws: readonly BaseDraw[]): Uint8Array {
  const { width, height, channels } = frame;
  const size = width * height * channels;
  if (size <= 0 || pixels.length !== draws.length * size) {
    throw new RangeError(`applyBaseBytes: ${pixels.length} bytes for ${draws.length} images of ${height}x${width}x${channels}`);
  }
  const out = new Uint8Array(pixels.length);
  if (isIdentityBase(base)) {
    out.set(pixels);
    return out;
  }
  const cropped = new Uint8Array(size);
  draws.forEach((d, i) => {
    const src = pixels.subarray(i * size, (i + 1) * size);
    const dst = out.subarray(i * size, (i + 1) * size);
    const target = base.cutout > 0 ? cropped : dst;
    cropAndFlip(src, target, frame, base, d);
    if (base.cutout > 0) {
      // Float32 positions, as the engine's kernels hold them, so the square lands on the same pixels.
      IMAGE_OPS.Cutout(target, dst, frame, base.cutout, { u: Math.fround(d.position[0]), v: Math.fround(d.position[1]), fill: 0, interpolation: 'nearest' });
    }
  });
  return out;
}

/** Output (y, x) reads input (y + oy - pad, x' + ox - pad), x' mirrored when flipped; zeros outside. */
function cropAndFlip(src: Uint8Array, dst: Uint8Array, { width, height, channels }: Frame, base: BaseTransform, d: BaseDraw): void {
  const pad = base.cropPadding;
  const [ox, oy] = pad > 0 ? d.crop : [0, 0];
  if (pad > 0 && !(Number.isInteger(ox) && Number.isInteger(oy) && ox >= 0 && oy >= 0 && ox <= 2 * pad && oy <= 2 * pad)) {
    throw new RangeError(`base crop offset (${ox}, ${oy}) is outside [0, ${2 * pad}] for padding ${pad}`);
  }
  const flip = base.flipLR && d.flip;
  for (let y = 0; y < height; y++) {
    const sy = y + oy - pad;
    for (let x = 0; x < width; x++) {
      const sx = (flip ? width - 1 - x : x) + ox - pad;
      const o = (y * width + x) * channels;
      if (sy < 0 || sy >= height || sx < 0 || sx >= width) {
        dst.fill(0, o, o + channels);
      } else {
        const s = (sy * width + sx) * channels;
        for (let c = 0; c < channels; c++) dst[o + c] = src[s + c];
      }
    }
  }
}
