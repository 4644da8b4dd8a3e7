/**
 * Point and histogram ops on one image (no pixel moves), as 256-entry lookup tables
 * built the way PIL / torchvision build them on uint8 images.
 */
import { applyTable, applyTables, channelHistograms, type ImageOp } from './image';

export { blur, smooth } from './filter';
export { brightness, color, contrast, sharpness } from './enhance';

const table = new Uint8Array(256);
/** One table per channel (c * 256 + v), for the per-channel ops. */
let channelTables = new Uint8Array(3 * 256);
let histograms = new Int32Array(3 * 256);

function tablesFor(channels: number): Uint8Array {
  if (channelTables.length < channels * 256) {
    channelTables = new Uint8Array(channels * 256);
    histograms = new Int32Array(channels * 256);
  }
  return channelTables;
}

export const invert: ImageOp = (src, dst) => {
  for (let i = 0; i < src.length; i++) dst[i] = 255 - src[i];
};

/** Keeps the top `bits` bits (PIL: v & ~(2^(8 - bits) - 1)). */
export const posterize: ImageOp = (src, dst, _f, bits) => {
  const keep = Math.min(8, Math.max(0, Math.round(bits)));
  const mask = (0xff << (8 - keep)) & 0xff;
  for (let i = 0; i < src.length; i++) dst[i] = src[i] & mask;
};

/** Inverts pixels at or above the (float) threshold, PIL's lut `i < t ? i : 255 - i`. */
export const solarize: ImageOp = (src, dst, _f, threshold) => {
  for (let v = 0; v < 256; v++) table[v] = v < threshold ? v : 255 - v;
  applyTable(src, dst, table);
};

/**
 * ImageOps.autocontrast (cutoff 0): per channel, stretch [lo, hi] to [0, 255] with
 * PIL's double arithmetic int(v * scale - lo * scale); a flat channel stays as it is.
 */
export const autoContrast: ImageOp = (src, dst, { channels }) => {
  const tables = tablesFor(channels);
  channelHistograms(src, channels, histograms);
  for (let c = 0; c < channels; c++) {
    const at = c << 8;
    let lo = 0;
    while (lo < 256 && histograms[at + lo] === 0) lo++;
    let hi = 255;
    while (hi >= 0 && histograms[at + hi] === 0) hi--;
    if (hi <= lo) {
      for (let v = 0; v < 256; v++) tables[at + v] = v;
      continue;
    }
    const scale = 255 / (hi - lo);
    const offset = -lo * scale;
    for (let v = 0; v < 256; v++) {
      const s = Math.trunc(v * scale + offset);
      tables[at + v] = s < 0 ? 0 : s > 255 ? 255 : s;
    }
  }
  applyTables(src, dst, channels, tables);
};

/**
 * ImageOps.equalize: per channel, step = (pixels - count of the top occupied level) // 255;
 * the table is (step // 2 + pixels below v) // step, identity when step is 0.
 */
export const equalize: ImageOp = (src, dst, { channels }) => {
  const tables = tablesFor(channels);
  channelHistograms(src, channels, histograms);
  const total = src.length / channels;
  for (let c = 0; c < channels; c++) {
    const at = c << 8;
    let top = 255;
    while (top > 0 && histograms[at + top] === 0) top--;
    const step = Math.floor((total - histograms[at + top]) / 255);
    if (step === 0) {
      for (let v = 0; v < 256; v++) tables[at + v] = v;
      continue;
    }
    let n = Math.floor(step / 2);
    for (let v = 0; v < 256; v++) {
      tables[at + v] = Math.min(255, Math.floor(n / step));
      n += histograms[at + v];
    }
  }
  applyTables(src, dst, channels, tables);
};
