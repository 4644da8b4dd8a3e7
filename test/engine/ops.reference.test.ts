/**
 * The engine's batched ops against PIL/torchvision reference outputs on real images
 * (test/fixtures/ops, made by scripts/make-op-references.py): every op, every default
 * magnitude bin, both signs, on 3 Fashion-MNIST images and 2 colour photos; the
 * resampling ops (Rotate, ShearX, ShearY, TranslateX, TranslateY) also with bilinear
 * interpolation against torchvision's InterpolationMode.BILINEAR.
 *
 * Set OPS_REFERENCE_REPORT=<file> to write a per-op table of the measured agreement.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { BATCH_OPS, type OpContext } from '../../src/engine/augment';
import { tf, useBackend, type BackendName } from '../../src/engine/tf';
import { DEFAULT_MAGNITUDE_BINS, OPS, OP_NAMES, hasMagnitude, opParameter, type OpName } from '../../src/shared/ops';
import { agreement, loadOpFixtures, type Agreement, type FixtureImage, type FixtureRow, type FixtureSheet } from './op-fixtures';

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

/** The ops OpContext.interpolation applies to; referenced with nearest and with bilinear. */
const RESAMPLING = ['Rotate', 'ShearX', 'ShearY', 'TranslateX', 'TranslateY'] as const satisfies readonly OpName[];
type Interpolation = OpContext['interpolation'];

// Measured exact on every image, bin and sign: held to exact.
const BILINEAR_TOLERANCE = exact(
  'bilinear replicates PIL\'s double-precision bilinear filter: clamped neighbours, rows blended first, truncation',
);

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

/** The image's references made with `interpolation`. */
function sheetOf(image: FixtureImage, interpolation: Interpolation): FixtureSheet {
  return interpolation === 'bilinear' ? image.bilinear : image;
}

interface Case {
  readonly image: FixtureImage;
  readonly row: FixtureRow;
  /** The engine's output, HWC. */
  readonly output: Float32Array;
  /** The reference output, HWC. */
  readonly expected: Uint8Array;
}

/**
 * Runs `op` once over a batch holding every (row of op) x (image of the group), each with
 * its own parameter from opParameter and its own Cutout position, against the
 * references made with `interpolation`.
 */
function runOp(op: OpName, group: readonly FixtureImage[], interpolation: Interpolation = 'nearest'): Case[] {
  const { width, height, channels } = group[0];
  const frame = width * height * channels;
  const rowIdx = sheetOf(group[0], interpolation).rows.filter((r) => r.op === op).map((r) => r.row);
  if (rowIdx.length === 0) throw new Error(`${op}: no ${interpolation} references`);
  const entries = rowIdx.flatMap((r) =>
    group.map((image) => {
      const sheet = sheetOf(image, interpolation);
      return { image, row: sheet.rows[r], expected: sheet.outputs[r] };
    }),
  );
  const n = entries.length;
  const data = new Float32Array(n * frame);
  const params = new Float64Array(n);
  const positions = new Float32Array(2 * n).fill(0.5);
  entries.forEach(({ image, row }, k) => {
    assert.equal(label(row), label(sheetOf(group[0], interpolation).rows[row.row]), `${image.name}: manifest rows out of step`);
    data.set(image.source, k * frame);
    params[k] = opParameter(op, row.magnitude ?? 0, row.sign, { width, height });
    if (row.uniforms) positions.set(row.uniforms, 2 * k);
  });
  const ctx: OpContext = { positions, fill: 0, interpolation };
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

/** The report's name of `op` run with `interpolation` ("Rotate", "Rotate/bilinear"). */
function reportName(op: OpName, interpolation: Interpolation): string {
  return interpolation === 'nearest' ? op : `${op}/${interpolation}`;
}

function toleranceOf(op: OpName, interpolation: Interpolation): Tolerance {
  return interpolation === 'bilinear' ? BILINEAR_TOLERANCE : TOLERANCE[op];
}

/** backend -> op (reportName) -> measurements, or the error the op threw. */
const report = new Map<BackendName, Map<string, Measured[] | Error>>();

function measure(backend: BackendName, op: OpName, interpolation: Interpolation = 'nearest'): Measured[] {
  const tol = toleranceOf(op, interpolation);
  const name = reportName(op, interpolation);
  const measured: Measured[] = [];
  try {
    for (const group of sizeGroups()) {
      for (const c of runOp(op, group, interpolation)) {
        const a = agreement(c.output, c.expected);
        const ok = a.mad <= tol.mad && a.maxDiff <= tol.maxDiff && a.equal >= tol.equal;
        const param = c.row.magnitude === null ? '' : ` (parameter ${round(c.row.parameter)})`;
        measured.push({ what: `${label(c.row)}${param} on ${c.image.name}`, agreement: a, ok });
      }
    }
  } catch (e) {
    report.get(backend)?.set(name, e instanceof Error ? e : new Error(String(e)));
    throw e;
  }
  report.get(backend)?.set(name, measured);
  return measured;
}

/** Fails with the cases of `measured` outside the tolerance of `op` with `interpolation`. */
function assertWithin(backend: BackendName, op: OpName, interpolation: Interpolation, measured: readonly Measured[]): void {
  const failing = measured.filter((m) => !m.ok);
  if (failing.length > 0) {
    const shown = failing.slice(0, 12).map((f) => `  ${f.what}: ${describeAgreement(f.agreement)}`);
    if (failing.length > shown.length) shown.push(`  ... and ${failing.length - shown.length} more`);
    assert.fail(
      `${reportName(op, interpolation)} on ${backend}: ${failing.length} case(s) outside tolerance ${describeTolerance(toleranceOf(op, interpolation))}\n${shown.join('\n')}`,
    );
  }
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
  const head = 'op                   cases  worst MAD  mean MAD  worst max  min equal  failing';
  for (const [backend, ops] of report) {
    lines.push(`== ${backend} backend ==`, head);
    const details: string[] = [];
    for (const [op, m] of ops) {
      if (m instanceof Error) {
        lines.push(`${op.padEnd(20)} ERROR ${m.message.split('\n')[0]}`);
        continue;
      }
      const worstMad = Math.max(...m.map((x) => x.agreement.mad));
      const meanMad = m.reduce((s, x) => s + x.agreement.mad, 0) / m.length;
      const worstMax = Math.max(...m.map((x) => x.agreement.maxDiff));
      const minEqual = Math.min(...m.map((x) => x.agreement.equal));
      const failing = m.filter((x) => !x.ok);
      lines.push(
        `${op.padEnd(20)} ${String(m.length).padStart(5)}  ${worstMad.toFixed(3).padStart(9)}  ${meanMad.toFixed(3).padStart(8)}  ${String(worstMax).padStart(9)}  ${(100 * minEqual).toFixed(2).padStart(8)}%  ${failing.length}`,
      );
      for (const f of failing) details.push(`  ${f.what}: ${describeAgreement(f.agreement)}`);
    }
    if (details.length > 0) lines.push('', 'outside tolerance:', ...details);
    lines.push('');
  }
  lines.push(
    'Tolerances:',
    ...OP_NAMES.map((op) => `  ${op}: ${describeTolerance(TOLERANCE[op])}`),
    `  ${RESAMPLING.join(', ')} with bilinear interpolation: ${describeTolerance(BILINEAR_TOLERANCE)}`,
    '',
  );
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

  it('has bilinear fixtures for every resampling op, default bin and sign on every image, and nothing else', function () {
    for (const f of fixtures) {
      const have = f.bilinear.rows.map(label);
      const want = RESAMPLING.flatMap((op) =>
        DEFAULT_MAGNITUDE_BINS.flatMap((m) => ([1, -1] as const).map((sign) => label({ op, magnitude: m, sign } as FixtureRow))),
      );
      assert.deepEqual([...have].sort(), [...want].sort(), `${f.name}: bilinear rows`);
    }
  });

  it('bilinear references differ from nearest ones where sampling is fractional and equal them for whole-pixel shifts (fixture sanity)', function () {
    for (const f of fixtures) {
      for (const [i, r] of f.bilinear.rows.entries()) {
        const j = f.rows.findIndex((n) => label(n) === label(r));
        const same = f.bilinear.outputs[i].every((v, k) => v === f.outputs[j][k]);
        const wholePixel = r.op === 'TranslateX' || r.op === 'TranslateY';
        assert.equal(same, wholePixel, `${label(r)} on ${f.name}: bilinear reference ${same ? 'equals' : 'differs from'} the nearest one`);
      }
    }
  });

  it('opParameter gives the parameters the references were made with (the magnitude mapping)', function () {
    for (const f of fixtures) {
      for (const r of [...f.rows, ...f.bilinear.rows]) {
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
          assertWithin(backend, op, 'nearest', measure(backend, op));
        });
      }

      for (const op of RESAMPLING) {
        it(`${op} with bilinear interpolation agrees with the bilinear reference`, function () {
          assertWithin(backend, op, 'bilinear', measure(backend, op, 'bilinear'));
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
