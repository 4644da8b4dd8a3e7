/**
 * The unit every op works on: one uint8 HWC image. Ops are plain loops over bytes that
 * replicate PIL's arithmetic; the batch kernel (kernel.ts) runs them image by image.
 * Why not a chain of tensor ops: a policy splits a batch into dozens of small groups
 * (one per op drawn), and per-call overhead, not arithmetic, then sets the speed.
 */

export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/** What one op application needs beyond its parameter. */
export interface StepContext {
  /** Two uniforms in [0, 1) placing random regions (Cutout: centre x, then y). */
  readonly u: number;
  readonly v: number;
  /** Gray level (0..255) for pixels a geometric op leaves uncovered. */
  readonly fill: number;
  readonly interpolation: 'nearest' | 'bilinear';
}

/**
 * One catalog op on one image: reads `src`, writes every byte of `dst` (same size,
 * never the same buffer). `param` is the op's concrete parameter as `opParameter`
 * (src/shared/ops.ts) computes it, a double as torchvision has it.
 */
export type ImageOp = (src: Uint8Array, dst: Uint8Array, frame: Frame, param: number, ctx: StepContext) => void;

/** A reusable scratch buffer per purpose, grown on demand (ops run one at a time). */
const scratch = new Map<string, Uint8Array>();

export function scratchBytes(purpose: string, length: number): Uint8Array {
  let buf = scratch.get(purpose);
  if (!buf || buf.length < length) {
    buf = new Uint8Array(length);
    scratch.set(purpose, buf);
  }
  return buf.length === length ? buf : buf.subarray(0, length);
}

/** Applies a 256-entry table per channel: `tables[c * 256 + v]`. */
export function applyTables(src: Uint8Array, dst: Uint8Array, channels: number, tables: Uint8Array): void {
  if (channels === 1) {
    applyTable(src, dst, tables);
  } else if (channels === 3) {
    for (let i = 0; i < src.length; i += 3) {
      dst[i] = tables[src[i]];
      dst[i + 1] = tables[256 | src[i + 1]];
      dst[i + 2] = tables[512 | src[i + 2]];
    }
  } else {
    for (let i = 0; i < src.length; i += channels) {
      for (let c = 0; c < channels; c++) dst[i + c] = tables[(c << 8) | src[i + c]];
    }
  }
}

/** Per-channel histograms of all channels at once: `hist[c * 256 + v]`. */
export function channelHistograms(src: Uint8Array, channels: number, hist: Int32Array): void {
  hist.fill(0, 0, channels * 256);
  if (channels === 1) {
    for (let i = 0; i < src.length; i++) hist[src[i]]++;
  } else if (channels === 3) {
    for (let i = 0; i < src.length; i += 3) {
      hist[src[i]]++;
      hist[256 | src[i + 1]]++;
      hist[512 | src[i + 2]]++;
    }
  } else {
    for (let i = 0; i < src.length; i += channels) {
      for (let c = 0; c < channels; c++) hist[(c << 8) | src[i + c]]++;
    }
  }
}

/**
 * Moves whole pixels: output pixel p takes source pixel map[p], or the fill level where
 * map[p] < 0. Specialised per channel count, as this is the inner loop of every warp.
 */
export function gatherPixels(src: Uint8Array, dst: Uint8Array, channels: number, map: Int32Array, fill: number): void {
  const n = src.length / channels;
  if (channels === 1) {
    for (let p = 0; p < n; p++) {
      const q = map[p];
      dst[p] = q < 0 ? fill : src[q];
    }
  } else if (channels === 3) {
    for (let p = 0, to = 0; p < n; p++, to += 3) {
      const q = map[p] * 3;
      if (q < 0) {
        dst[to] = fill;
        dst[to + 1] = fill;
        dst[to + 2] = fill;
      } else {
        dst[to] = src[q];
        dst[to + 1] = src[q + 1];
        dst[to + 2] = src[q + 2];
      }
    }
  } else {
    for (let p = 0; p < n; p++) {
      const q = map[p] * channels;
      for (let c = 0; c < channels; c++) dst[p * channels + c] = q < 0 ? fill : src[q + c];
    }
  }
}

/** Applies one 256-entry table to every byte. */
export function applyTable(src: Uint8Array, dst: Uint8Array, table: Uint8Array): void {
  for (let i = 0; i < src.length; i++) dst[i] = table[src[i]];
}
