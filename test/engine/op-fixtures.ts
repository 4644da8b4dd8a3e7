/**
 * Loads the PIL/torchvision reference outputs in test/fixtures/ops (made by
 * scripts/make-op-references.py): each source image and, per manifest row, the
 * reference output of one op at one magnitude bin and sign - with nearest
 * interpolation (`rows`/`outputs`) and, for the geometric ops, bilinear (`bilinear`).
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

/** One sheet of references: rows and their outputs. */
export interface FixtureSheet {
  readonly rows: readonly FixtureRow[];
  /** HWC bytes of each row's reference output, indexed like `rows`. */
  readonly outputs: readonly Uint8Array[];
}

export interface FixtureImage extends FixtureSheet {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  /** HWC bytes of the source image. */
  readonly source: Uint8Array;
  /**
   * The geometric ops again with torchvision's InterpolationMode.BILINEAR (same bins,
   * signs and fill); rows numbered from 0 within this sheet. `rows`/`outputs` are nearest.
   */
  readonly bilinear: FixtureSheet;
}

type ManifestRow = {
  row: number;
  op: string;
  magnitude: number | null;
  sign: number;
  parameter: number;
  uniforms?: number[];
};

interface ManifestSource {
  name: string;
  source: string;
  sheet: string;
  width: number;
  height: number;
  channels: number;
  rows: ManifestRow[];
  bilinear?: { interpolation: string; sheet: string; rows: ManifestRow[] };
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

function toRow(r: ManifestRow, where: string): FixtureRow {
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
    if (src.width !== s.width || src.height !== s.height) {
      throw new Error(`${s.name}: source image size disagrees with the manifest`);
    }
    const readSheet = (file: string, rows: readonly ManifestRow[], what: string): FixtureSheet => {
      const sheet = readPng(path.join(FIXTURE_DIR, file), channels);
      if (sheet.width !== s.width || sheet.height !== s.height * rows.length) {
        throw new Error(`${s.name}: ${what} sheet size disagrees with the manifest`);
      }
      const frame = s.width * s.height * channels;
      return {
        rows: rows.map((r, i) => {
          if (r.row !== i) throw new Error(`${s.name}: ${what} row ${i} is numbered ${r.row}`);
          return toRow(r, `${s.name} ${what} row ${i}`);
        }),
        outputs: rows.map((_, i) => sheet.data.subarray(i * frame, (i + 1) * frame)),
      };
    };
    if (!s.bilinear || s.bilinear.interpolation !== 'bilinear') throw new Error(`${s.name}: no bilinear references in the manifest`);
    return {
      name: s.name,
      width: s.width,
      height: s.height,
      channels,
      ...readSheet(s.sheet, s.rows, 'nearest'),
      source: src.data,
      bilinear: readSheet(s.bilinear.sheet, s.bilinear.rows, 'bilinear'),
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
