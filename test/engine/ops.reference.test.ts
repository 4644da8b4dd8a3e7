/**
 * The engine's batched ops against PIL/torchvision reference outputs on real images
 * (test/fixtures/ops, made by scripts/make-op-references.py): every op, every default
 * magnitude bin, both signs, on 3 Fashion-MNIST images and 2 colour photos.
 *
 * Set OPS_REFERENCE_REPORT=<file> to write a per-op table of the measured agreement.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { BATCH_OPS } from '../../src/engine/augment/table';
import type { OpContext } from '../../src/engine/augment/types';
import { tf, useBackend, type BackendName } from '../../src/engine/tf';
import { DEFAULT_MAGNITUDE_BINS, OPS, OP_NAMES, hasMagnitude, opParameter, type OpName } from '../../src/shared/ops';
import { agreement, loadOpFixtures, type Agreement, type FixtureImage, type FixtureRow } from './op-fixtures';

interface Tolerance {
  /** Largest mean absolute difference per image, grey levels. */
  readonly mad: number;
  /** Largest single difference. */
  readonly maxDiff: number;
  /** Smallest fraction of values (pixel x channel) exactly equal. */
  readonly equal: number;
  readonly why: string;
}

const exact = (why: string): Tolerance => ({ mad: 0, maxDiff: 0, equal: 1, why });
// Measured agreement is exact for every op, so every op is held to exact: the engine
// replicates PIL's arithmetic rather than approximating it (see each reason).
const resampled = exact('nearest sampling replicates PIL\'s 16.16 fixed-point affine mapping of pixel centres');
const lut = exact('the per-channel lookup table replicates PIL\'s integer and double-precision construction, including its rounding');
const filtered = exact('replicates PIL\'s float32 blend with truncation (ImageEnhance) and its round-half-up convolution with the border kept (ImageFilter)');

const TOLERANCE: Readonly<Record<OpName, Tolerance>> = {
  Identity: exact('a copy'),
  FlipLR: exact('a lossless pixel permutation'),
  FlipUD: exact('a lossless pixel permutation'),
  Invert: exact('v -> 255 - v on integers'),
  Posterize: exact('a bit mask on integers'),
  Solarize: exact('an integer compare against the threshold and 255 - v'),
  Cutout: exact('the manifest\'s convention fixes every covered pixel'),
  TranslateX: exact('a whole-pixel shift: nearest sampling hits pixel centres exactly'),
  TranslateY: exact('a whole-pixel shift: nearest sampling hits pixel centres exactly'),
  Rotate: resampled,
  ShearX: resampled,
  ShearY: resampled,
  AutoContrast: lut,
  Equalize: lut,
  Blur: filtered,
  Smooth: filtered,
  Color: filtered,
  Contrast: filtered,
  Brightness: filtered,
  Sharpness: filtered,
};

const fixtures = loadOpFixtures();

/** Images of one size, batched together. */
function sizeGroups(): FixtureImage[][] {
  const groups = new Map<string, FixtureImage[]>();
  for (const f of fixtures) {
    const key = `${f.width}x${f.height}x${f.channels}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()];
}

function label(r: FixtureRow): string {
  return r.magnitude === null ? r.op : `${r.op} m=${r.magnitude} sign=${r.sign > 0 ? '+' : '-'}`;
}

interface Case {
  readonly image: FixtureImage;
  readonly row: FixtureRow;
  /** The engine's output, HWC. */
  readonly output: Float32Array;
}

/**
 * Runs `op` once over a batch holding every (row of op) x (image of the group), each with
 * its own parameter from opParameter and its own Cutout position.
 */
function runOp(op: OpName, group: readonly FixtureImage[]): Case[] {
  const { width, height, channels } = group[0];
  const frame = width * height * channels;
  const rowIdx = group[0].rows.filter((r) => r.op === op).map((r) => r.row);
  const entries = rowIdx.flatMap((r) => group.map((image) => ({ image, row: image.rows[r] })));
  const n = entries.length;
  const data = new Float32Array(n * frame);
  const params = new Float64Array(n);
  const positions = new Float32Array(2 * n).fill(0.5);
  entries.forEach(({ image, row }, k) => {
    assert.equal(label(row), label(group[0].rows[row.row]), `${image.name}: manifest rows out of step`);
    data.set(image.source, k * frame);
    params[k] = opParameter(op, row.magnitude ?? 0, row.sign, { width, height });
    if (row.uniforms) positions.set(row.uniforms, 2 * k);
  });
  const ctx: OpContext = { positions, fill: 0, interpolation: 'nearest' };
  const out = tf.tidy(() => BATCH_OPS[op](tf.tensor4d(data, [n, height, width, channels]), params, ctx));
  try {
    assert.deepEqual(out.shape, [n, height, width, channels], `${op}: output shape`);
    const values = out.dataSync() as Float32Array;
    return entries.map((e, k) => ({ ...e, output: values.slice(k * frame, (k + 1) * frame) }));
  } finally {
    out.dispose();
  }
}

interface Measured {
  readonly what: string;
  readonly agreement: Agreement;
  readonly ok: boolean;
}

/** backend -> op -> measurements, or the error the op threw. */
const report = new Map<BackendName, Map<OpName, Measured[] | Error>>();

function measure(backend: BackendName, op: OpName): Measured[] {
  const tol = TOLERANCE[op];
  const measured: Measured[] = [];
  try {
    for (const group of sizeGroups()) {
      for (const c of runOp(op, group)) {
        const a = agreement(c.output, c.image.outputs[c.row.row]);
        const ok = a.mad <= tol.mad && a.maxDiff <= tol.maxDiff && a.equal >= tol.equal;
        const param = c.row.magnitude === null ? '' : ` (parameter ${round(c.row.parameter)})`;
        measured.push({ what: `${label(c.row)}${param} on ${c.image.name}`, agreement: a, ok });
      }
    }
  } catch (e) {
    report.get(backend)?.set(op, e instanceof Error ? e : new Error(String(e)));
    throw e;
  }
  report.get(backend)?.set(op, measured);
  return measured;
}

function round(v: number, digits = 3): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

function describeAgreement(a: Agreement): string {
  return `MAD ${a.mad.toFixed(3)}, max diff ${a.maxDiff}, equal ${(100 * a.equal).toFixed(2)}%`;
}

function describeTolerance(t: Tolerance): string {
  const parts = [];
  if (t.mad < Infinity) parts.push(`MAD <= ${t.mad}`);
  if (t.maxDiff < Infinity) parts.push(`max diff <= ${t.maxDiff}`);
  if (t.equal > 0) parts.push(`equal >= ${100 * t.equal}%`);
  return `${parts.join(', ')} (${t.why})`;
}

function writeReport(file: string): void {
  const lines = ['Engine ops vs PIL/torchvision references (test/fixtures/ops), per backend and op:', ''];
  const head = 'op            cases  worst MAD  mean MAD  worst max  min equal  failing';
  for (const [backend, ops] of report) {
    lines.push(`== ${backend} backend ==`, head);
    const details: string[] = [];
    for (const [op, m] of ops) {
      if (m instanceof Error) {
        lines.push(`${op.padEnd(13)} ERROR ${m.message.split('\n')[0]}`);
        continue;
      }
      const worstMad = Math.max(...m.map((x) => x.agreement.mad));
      const meanMad = m.reduce((s, x) => s + x.agreement.mad, 0) / m.length;
      const worstMax = Math.max(...m.map((x) => x.agreement.maxDiff));
      const minEqual = Math.min(...m.map((x) => x.agreement.equal));
      const failing = m.filter((x) => !x.ok);
      lines.push(
        `${op.padEnd(13)} ${String(m.length).padStart(5)}  ${worstMad.toFixed(3).padStart(9)}  ${meanMad.toFixed(3).padStart(8)}  ${String(worstMax).padStart(9)}  ${(100 * minEqual).toFixed(2).padStart(8)}%  ${failing.length}`,
      );
      for (const f of failing) details.push(`  ${f.what}: ${describeAgreement(f.agreement)}`);
    }
    if (details.length > 0) lines.push('', 'outside tolerance:', ...details);
    lines.push('');
  }
  lines.push('Tolerances:', ...OP_NAMES.map((op) => `  ${op}: ${describeTolerance(TOLERANCE[op])}`), '');
  fs.writeFileSync(file, lines.join('\n'));
}

describe('ops vs PIL/torchvision references', function () {
  let previous: string | undefined;

  before(function () {
    previous = tf.getBackend();
  });

  after(async function () {
    const file = process.env.OPS_REFERENCE_REPORT;
    if (file) writeReport(file);
    if (previous && tf.getBackend() !== previous) await tf.setBackend(previous);
  });

  it('has fixtures for every op, default bin and sign on every image', function () {
    assert.ok(fixtures.length >= 5);
    for (const f of fixtures) {
      const have = new Set(f.rows.map(label));
      for (const op of OP_NAMES) {
        const spec = OPS[op].magnitude;
        const want = spec === null ? [label({ op, magnitude: null, sign: 1 } as FixtureRow)] :
          DEFAULT_MAGNITUDE_BINS.flatMap((m) =>
            (spec.signed ? ([1, -1] as const) : ([1] as const)).map((sign) => label({ op, magnitude: m, sign } as FixtureRow)),
          );
        for (const w of want) assert.ok(have.has(w), `${f.name}: no reference for ${w}`);
      }
    }
  });

  it('opParameter gives the parameters the references were made with (the magnitude mapping)', function () {
    for (const f of fixtures) {
      for (const r of f.rows) {
        const p = opParameter(r.op, r.magnitude ?? 0, r.sign, { width: f.width, height: f.height });
        assert.equal(p, r.parameter, `${label(r)} on ${f.name} (${f.width}x${f.height})`);
      }
    }
  });

  it('references of distinct magnitude bins differ (fixture sanity)', function () {
    for (const op of OP_NAMES.filter(hasMagnitude)) {
      for (const sign of OPS[op].magnitude?.signed ? ([1, -1] as const) : ([1] as const)) {
        const bins = DEFAULT_MAGNITUDE_BINS.map((m) =>
          fixtures.map((f) => f.outputs[f.rows.findIndex((r) => r.op === op && r.magnitude === m && r.sign === sign)]),
        );
        for (let a = 0; a < bins.length; a++) {
          for (let b = a + 1; b < bins.length; b++) {
            const differ = bins[a].some((out, i) => out.some((v, j) => v !== bins[b][i][j]));
            assert.ok(differ, `${op} sign ${sign}: references of bins ${DEFAULT_MAGNITUDE_BINS[a]} and ${DEFAULT_MAGNITUDE_BINS[b]} are equal`);
          }
        }
      }
    }
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    describe(`on the ${backend} backend`, function () {
      before(async function () {
        await useBackend(backend);
        report.set(backend, new Map());
      });

      for (const op of OP_NAMES) {
        it(`${op} agrees with the reference`, function () {
          const failing = measure(backend, op).filter((m) => !m.ok);
          if (failing.length > 0) {
            const shown = failing.slice(0, 12).map((f) => `  ${f.what}: ${describeAgreement(f.agreement)}`);
            if (failing.length > shown.length) shown.push(`  ... and ${failing.length - shown.length} more`);
            assert.fail(
              `${op} on ${backend}: ${failing.length} case(s) outside tolerance ${describeTolerance(TOLERANCE[op])}\n${shown.join('\n')}`,
            );
          }
        });
      }

      it('gives distinct outputs for distinct magnitude bins (the released DDAS code ran every bin at one level)', function () {
        const problems: string[] = [];
        for (const op of OP_NAMES.filter(hasMagnitude)) {
          let cases: Case[];
          try {
            cases = sizeGroups().flatMap((g) => runOp(op, g));
          } catch (e) {
            problems.push(`${op}: ${e instanceof Error ? e.message : String(e)}`);
            continue;
          }
          for (const sign of OPS[op].magnitude?.signed ? ([1, -1] as const) : ([1] as const)) {
            const byBin = DEFAULT_MAGNITUDE_BINS.map((m) => cases.filter((c) => c.row.magnitude === m && c.row.sign === sign));
            for (let a = 0; a < byBin.length; a++) {
              for (let b = a + 1; b < byBin.length; b++) {
                const differ = byBin[a].some((ca, i) => ca.output.some((v, j) => v !== byBin[b][i].output[j]));
                if (!differ) {
                  problems.push(`${op} sign ${sign}: bins ${DEFAULT_MAGNITUDE_BINS[a]} and ${DEFAULT_MAGNITUDE_BINS[b]} give identical outputs on every image`);
                }
              }
            }
          }
        }
        if (problems.length > 0) assert.fail(`${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
      });
    });
  }
});
