/**
 * The exact baselines against torchvision 0.14 itself (test/fixtures/baselines, made by
 * scripts/make-baseline-references.py): the magnitude grids bit for bit, every op at
 * RandAugment's magnitude 9 and at TrivialAugmentWide's extreme bin (both signs) on a
 * real Fashion-MNIST image and a real colour photo, and whole RandAugment() /
 * TrivialAugmentWide() calls replayed from the ops torchvision drew. Held to exact
 * pixels, as the catalog ops are (test/engine/ops.reference.test.ts).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { applyPlans } from '../../src/engine/augment';
import { baselineOp, baselineSpace, torchLinspace, RANDAUGMENT_MAGNITUDE, type BaselineAugment, type BaselineOp } from '../../src/engine/evaluate/baselines';
import { tf, useBackend } from '../../src/engine/tf';
import type { AppliedOp, ImagePlan } from '../../src/shared/sampler';
import { agreement } from './op-fixtures';

const DIR = path.join(__dirname, '..', 'fixtures', 'baselines');

interface SpaceEntry {
  readonly op: string;
  readonly signed: boolean;
  readonly grid: readonly number[] | null;
}

type Row =
  | { readonly row: number; readonly kind: BaselineAugment; readonly op: string; readonly bin: number | null; readonly sign: 1 | -1; readonly magnitude: number }
  | { readonly row: number; readonly kind: 'forward-randaugment' | 'forward-trivialaugment'; readonly seed: number; readonly calls: readonly { op: string; magnitude: number }[] };

interface Source {
  readonly name: string;
  readonly source: string;
  readonly crop: readonly [number, number, number, number] | null;
  readonly sheet: string;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly rows: readonly Row[];
}

interface Manifest {
  readonly randaugmentSpace: { readonly width: number; readonly height: number; readonly space: readonly SpaceEntry[] };
  readonly trivialaugmentSpace: readonly SpaceEntry[];
  readonly randaugmentTranslateBin9: readonly (readonly [number, number])[];
  readonly sources: readonly Source[];
}

const manifest = JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8')) as Manifest;

/** HWC bytes of a PNG (pngjs decodes to RGBA), cropped to a PIL box. */
function readPng(file: string, channels: 1 | 3, crop: Source['crop'] = null): { width: number; height: number; data: Uint8Array } {
  const png = PNG.sync.read(fs.readFileSync(file));
  const [left, top, right, bottom] = crop ?? [0, 0, png.width, png.height];
  const width = right - left;
  const height = bottom - top;
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = png.data[((y + top) * png.width + x + left) * 4 + c];
    }
  }
  return { width, height, data };
}

function kindOf(row: Row): BaselineAugment {
  return row.kind === 'forward-randaugment' || row.kind === 'randaugment' ? 'randaugment' : 'trivialaugment';
}

function entryOf(space: readonly BaselineOp[], op: string, where: string): BaselineOp {
  const entry = space.find((e) => e.op === op);
  if (!entry) throw new Error(`${where}: ${op} is not in our space`);
  return entry;
}

/**
 * The (bin, sign) of our grid whose signed value is torchvision's magnitude: it must
 * exist, which checks the grid once more; RandAugment only ever uses bin 9.
 */
function opFor(space: readonly BaselineOp[], kind: BaselineAugment, op: string, magnitude: number, where: string): AppliedOp {
  const entry = entryOf(space, op, where);
  if (entry.grid === null) {
    assert.equal(magnitude, 0, `${where}: ${op} has no magnitude in torchvision`);
    return baselineOp(entry, 0, 1);
  }
  const bins = kind === 'randaugment' ? [RANDAUGMENT_MAGNITUDE] : entry.grid.map((_, b) => b);
  for (const bin of bins) {
    for (const sign of entry.signed ? ([1, -1] as const) : ([1] as const)) {
      if (sign * entry.grid[bin] === Math.fround(magnitude)) return baselineOp(entry, bin, sign);
    }
  }
  throw new Error(`${where}: torchvision's ${op} magnitude ${magnitude} is on no ${kind} bin of ours`);
}

function planFor(row: Row, space: (k: BaselineAugment) => readonly BaselineOp[], where: string): ImagePlan {
  const kind = kindOf(row);
  if ('calls' in row) return row.calls.map((c, i) => opFor(space(kind), kind, c.op, c.magnitude, `${where} call ${i}`));
  const entry = entryOf(space(kind), row.op, where);
  const applied = entry.grid === null || row.bin === null ? baselineOp(entry, 0, 1) : baselineOp(entry, row.bin, row.sign);
  // The level the kernels get is torchvision's _apply_op argument, in the kernels' unit.
  if (applied.level !== undefined) assert.equal(applied.level, opFor(space(kind), kind, row.op, row.magnitude, where).level, `${where}: level`);
  return [applied];
}

function describe_(row: Row): string {
  return 'calls' in row ? `${row.kind} seed ${row.seed} (${row.calls.map((c) => `${c.op} ${c.magnitude}`).join(', ')})` : `${row.kind} ${row.op} bin ${row.bin} sign ${row.sign}`;
}

describe('baselines vs torchvision 0.14', function () {
  let previous: string | undefined;
  before(function () {
    previous = tf.getBackend();
  });
  after(async function () {
    if (previous && tf.getBackend() !== previous) await tf.setBackend(previous);
  });

  it('has the grids of torchvision, bit for bit (float32 linspace as torch computes it)', function () {
    const check = (name: BaselineAugment, ref: readonly SpaceEntry[], image: { width: number; height: number }): void => {
      const ours = baselineSpace(name, { ...image, channels: 1 });
      assert.deepEqual(ours.map((e) => e.op), ref.map((e) => e.op), `${name}: ops in torchvision's order`);
      ref.forEach((r, i) => {
        assert.equal(ours[i].signed, r.signed, `${name} ${r.op}: signed`);
        assert.deepEqual(ours[i].grid, r.grid === null ? null : r.grid.map(Math.fround), `${name} ${r.op}: grid`);
      });
    };
    check('randaugment', manifest.randaugmentSpace.space, manifest.randaugmentSpace);
    check('trivialaugment', manifest.trivialaugmentSpace, { width: 28, height: 28 });
  });

  it('has RandAugment\'s translate magnitude of torchvision for every image side', function () {
    assert.ok(manifest.randaugmentTranslateBin9.length > 100);
    for (const [side, value] of manifest.randaugmentTranslateBin9) {
      assert.equal(torchLinspace(0, (150 / 331) * side, 31)[RANDAUGMENT_MAGNITUDE], Math.fround(value), `side ${side}`);
      const space = baselineSpace('randaugment', { width: side, height: side, channels: 3 });
      assert.equal(entryOf(space, 'TranslateX', 'x').grid?.[RANDAUGMENT_MAGNITUDE], Math.fround(value), `TranslateX, side ${side}`);
    }
  });

  it('has references for every op at RandAugment magnitude 9 and TrivialAugmentWide bin 30, both signs, on every image (fixture sanity)', function () {
    for (const s of manifest.sources) {
      for (const kind of ['randaugment', 'trivialaugment'] as const) {
        for (const e of baselineSpace(kind, { ...s, channels: s.channels })) {
          if (kind === 'trivialaugment' && e.grid === null) continue;
          for (const sign of e.signed ? [1, -1] : [1]) {
            const bin = e.grid === null ? null : kind === 'randaugment' ? RANDAUGMENT_MAGNITUDE : 30;
            assert.ok(
              s.rows.some((r) => r.kind === kind && r.op === e.op && r.bin === bin && r.sign === sign),
              `${s.name}: no ${kind} reference for ${e.op} bin ${bin} sign ${sign}`,
            );
          }
        }
      }
    }
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`applies every reference plan exactly as torchvision does (${backend} backend)`, async function () {
      await useBackend(backend);
      const failures: string[] = [];
      for (const s of manifest.sources) {
        const src = readPng(path.join(DIR, s.source), s.channels, s.crop);
        assert.deepEqual([src.width, src.height], [s.width, s.height], `${s.name}: source size`);
        const sheet = readPng(path.join(DIR, s.sheet), s.channels);
        assert.deepEqual([sheet.width, sheet.height], [s.width, s.height * s.rows.length], `${s.name}: sheet size`);
        const spaces = { randaugment: baselineSpace('randaugment', s), trivialaugment: baselineSpace('trivialaugment', s) };
        const plans = s.rows.map((r) => planFor(r, (k) => spaces[k], `${s.name} row ${r.row}`));
        const frame = s.width * s.height * s.channels;
        const batch = new Float32Array(plans.length * frame);
        for (let i = 0; i < plans.length; i++) batch.set(src.data, i * frame);
        const out = tf.tidy(() => applyPlans(tf.tensor4d(batch, [plans.length, s.height, s.width, s.channels]), plans));
        const values = out.dataSync();
        out.dispose();
        s.rows.forEach((r, i) => {
          const a = agreement(values.subarray(i * frame, (i + 1) * frame), sheet.data.subarray(i * frame, (i + 1) * frame));
          if (a.maxDiff !== 0) failures.push(`${s.name}: ${describe_(r)}: MAD ${a.mad.toFixed(3)}, max diff ${a.maxDiff}, equal ${(100 * a.equal).toFixed(2)}%`);
        });
      }
      assert.deepEqual(failures, [], `${failures.length} reference(s) differ:\n  ${failures.join('\n  ')}`);
    });
  }
});
