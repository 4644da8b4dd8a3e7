/**
 * Loads the PIL/torchvision reference outputs in test/fixtures/ops (made by
 * scripts/make-op-references.py): each source image and, per manifest row, the
 * reference output of one op at one magnitude bin and sign.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { isOpName, type OpName } from '../../src/shared/ops';

export const FIXTURE_DIR = path.join(__dirname, '..', 'fixtures', 'ops');

export interface FixtureRow {
  readonly row: number;
  readonly op: OpName;
  /** null for ops without magnitude. */
  readonly magnitude: number | null;
  readonly sign: 1 | -1;
  /** The concrete parameter Python used (opParameter's value). */
  readonly parameter: number;
  /** Cutout only: the image's two position uniforms (centre x, y). */
  readonly uniforms?: readonly [number, number];
}

export interface FixtureImage {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly rows: readonly FixtureRow[];
  /** HWC bytes of the source image. */
  readonly source: Uint8Array;
  /** HWC bytes of each row's reference output, indexed like `rows`. */
  readonly outputs: readonly Uint8Array[];
}

interface ManifestSource {
  name: string;
  source: string;
  sheet: string;
  width: number;
  height: number;
  channels: number;
  rows: {
    row: number;
    op: string;
    magnitude: number | null;
    sign: number;
    parameter: number;
    uniforms?: number[];
  }[];
}

/** Decodes a PNG (pngjs always yields RGBA) into HWC bytes with `channels` channels. */
function readPng(file: string, channels: 1 | 3): { width: number; height: number; data: Uint8Array } {
  const png = PNG.sync.read(fs.readFileSync(file));
  const n = png.width * png.height;
  const data = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) data[i * channels + c] = png.data[i * 4 + c];
  }
  return { width: png.width, height: png.height, data };
}

function toRow(r: ManifestSource['rows'][number], where: string): FixtureRow {
  if (!isOpName(r.op)) throw new Error(`${where}: unknown op ${r.op}`);
  if (r.sign !== 1 && r.sign !== -1) throw new Error(`${where}: bad sign ${r.sign}`);
  const u = r.uniforms;
  if (u !== undefined && u.length !== 2) throw new Error(`${where}: Cutout needs two uniforms`);
  return {
    row: r.row,
    op: r.op,
    magnitude: r.magnitude,
    sign: r.sign,
    parameter: r.parameter,
    ...(u ? { uniforms: [u[0], u[1]] as const } : {}),
  };
}

let cache: FixtureImage[] | undefined;

export function loadOpFixtures(): readonly FixtureImage[] {
  if (cache) return cache;
  const manifest = JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, 'manifest.json'), 'utf8')) as {
    sources: ManifestSource[];
  };
  cache = manifest.sources.map((s) => {
    const channels = s.channels === 1 ? 1 : 3;
    const src = readPng(path.join(FIXTURE_DIR, s.source), channels);
    const sheet = readPng(path.join(FIXTURE_DIR, s.sheet), channels);
    if (src.width !== s.width || src.height !== s.height || sheet.width !== s.width || sheet.height !== s.height * s.rows.length) {
      throw new Error(`${s.name}: fixture image sizes disagree with the manifest`);
    }
    const frame = s.width * s.height * channels;
    return {
      name: s.name,
      width: s.width,
      height: s.height,
      channels,
      rows: s.rows.map((r, i) => {
        if (r.row !== i) throw new Error(`${s.name}: row ${i} is numbered ${r.row}`);
        return toRow(r, `${s.name} row ${i}`);
      }),
      source: src.data,
      outputs: s.rows.map((_, i) => sheet.data.subarray(i * frame, (i + 1) * frame)),
    };
  });
  return cache;
}

/** Agreement of an engine output with a reference (both HWC, same length). */
export interface Agreement {
  /** Mean absolute difference in grey levels. */
  readonly mad: number;
  readonly maxDiff: number;
  /** Fraction of values (pixel x channel) exactly equal. */
  readonly equal: number;
}

export function agreement(actual: ArrayLike<number>, expected: ArrayLike<number>): Agreement {
  let sum = 0;
  let max = 0;
  let same = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    sum += d;
    if (d > max) max = d;
    if (d === 0) same++;
  }
  return { mad: sum / expected.length, maxDiff: max, equal: same / expected.length };
}
