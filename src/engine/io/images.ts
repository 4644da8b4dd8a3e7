/** Reading and writing single images (PNG/JPEG/WebP) as raw HWC uint8 pixels, via sharp. */
import * as fs from 'node:fs';
import sharp from 'sharp';
import { UserError } from '../errors';
import { writeFileAtomic } from './atomic';

export interface RawImage {
  readonly width: number;
  readonly height: number;
  /** 1 (grayscale) or 3 (RGB); an alpha channel is dropped on reading. */
  readonly channels: 1 | 3;
  readonly pixels: Uint8Array;
}

/** Decodes a file, or encoded bytes labelled `file` in messages. */
export async function readImage(file: string, bytes?: Uint8Array): Promise<RawImage & { droppedAlpha: boolean }> {
  if (!bytes && !fs.existsSync(file)) throw new UserError(`${file}: no such file. Check the path.`);
  try {
    const image = sharp(bytes ?? file, { failOn: 'error' });
    const meta = await image.metadata();
    const gray = meta.channels === 1 || (meta.channels === 2 && meta.space === 'b-w');
    const { data, info } = await image
      .removeAlpha()
      .toColourspace(gray ? 'b-w' : 'srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const channels = info.channels === 1 ? 1 : 3;
    if (info.channels !== channels) throw new Error(`unexpected ${info.channels} channels after decoding`);
    return { width: info.width, height: info.height, channels, pixels: new Uint8Array(data.buffer, data.byteOffset, data.length), droppedAlpha: meta.hasAlpha === true };
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${file}: cannot decode the image (${(e as Error).message}). Use a PNG, JPEG or WebP file.`);
  }
}

export function encodePng(image: RawImage): Promise<Buffer> {
  return sharp(Buffer.from(image.pixels.buffer, image.pixels.byteOffset, image.pixels.length), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  })
    .toColourspace(image.channels === 1 ? 'b-w' : 'srgb') // else sharp widens grayscale to RGB
    .png()
    .toBuffer();
}

/** Writes a PNG atomically (temp file + rename) so a reader never sees half a file. */
export async function writePng(file: string, image: RawImage): Promise<void> {
  await writeFileAtomic(file, await encodePng(image));
}

/**
 * A contact sheet: one row per source image, its original first, then its augmented
 * draws; small images are scaled up (nearest) so a person can see them.
 */
export function composeGrid(rows: readonly (readonly RawImage[])[], minCell = 96): RawImage {
  const cellW = Math.max(...rows.flat().map((i) => i.width));
  const cellH = Math.max(...rows.flat().map((i) => i.height));
  const scale = Math.max(1, Math.floor(minCell / Math.max(cellW, cellH)));
  const gap = 4;
  const cols = Math.max(...rows.map((r) => r.length));
  const width = cols * (cellW * scale + gap) + gap;
  const height = rows.length * (cellH * scale + gap) + gap;
  const out = new Uint8Array(width * height * 3).fill(48);
  rows.forEach((row, r) =>
    row.forEach((img, c) => {
      const x0 = gap + c * (cellW * scale + gap);
      const y0 = gap + r * (cellH * scale + gap);
      for (let y = 0; y < img.height * scale; y++) {
        for (let x = 0; x < img.width * scale; x++) {
          const src = (Math.floor(y / scale) * img.width + Math.floor(x / scale)) * img.channels;
          const dst = ((y0 + y) * width + x0 + x) * 3;
          for (let k = 0; k < 3; k++) out[dst + k] = img.pixels[src + (img.channels === 1 ? 0 : k)];
        }
      }
    }),
  );
  return { width, height, channels: 3, pixels: out };
}
