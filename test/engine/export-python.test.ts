/**
 * Runs the generated Python/torchvision module with Debian's /usr/bin/python3 (one
 * process for everything, driven by export-python-driver.py) and checks that it means
 * what the engine means: (a) the sampler's statistics, and draw for draw the same plans
 * as src/shared/sampler.ts on the same uniforms; (b) per-op pixels equal to the engine's
 * and to the PIL/torchvision references on real images; (c) schedule selection; (d) the
 * base transform: the same draws as base-draw.ts and the same pixels as the engine and
 * the TS runtime, and DdasAugment applies it after the policy unless include_base=False.
 */
import assert from 'node:assert/strict';
import { chiSquareP, policyOf } from '../support/stats';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { augmentRaw } from '../../src/engine/augment/raw';
import { applyBaseDraws } from '../../src/engine/ddas/base';
import { applyBaseBytes } from '../../src/runtime';
import { drawBases } from '../../src/shared/base-draw';
import { useBackend, tf } from '../../src/engine/tf';
import { writePolicyPython } from '../../src/shared/export';
import { entryKey } from '../../src/shared/export/describe';
import { OPS } from '../../src/shared/ops';
import { policyAt } from '../../src/shared/policy';
import { Rng } from '../../src/shared/rng';
import { samplePlans, type ImagePlan } from '../../src/shared/sampler';
import { FULL } from '../shared/export-fixtures';
import { baseCases } from '../support/base-cases';
import { FIXTURE_DIR, agreement, loadOpFixtures } from './op-fixtures';

const PYTHON = '/usr/bin/python3';
const DRIVER = path.join(__dirname, 'export-python-driver.py');


/** Plain, signed and Cutout entries, two magnitudes of one op. */
const STATS = policyOf({
  version: 1,
  opsPerImage: 2,
  applyProbability: 0.35,
  operations: [
    { op: 'Identity', probability: 0.1 },
    { op: 'Rotate', magnitude: 0.5, probability: 0.25 },
    { op: 'Rotate', magnitude: 1, probability: 0.1 },
    { op: 'Equalize', probability: 0.15 },
    { op: 'Cutout', magnitude: 0.25, probability: 0.05 },
    { op: 'Brightness', magnitude: 0.75, probability: 0.2 },
    { op: 'Posterize', magnitude: 0.5, probability: 0.15 },
  ],
});

const SCHEDULE = policyOf({
  version: 1,
  opsPerImage: 1,
  applyProbability: 0.5,
  operations: [{ op: 'Identity', probability: 1 }],
  schedule: [
    { untilProgress: 0.25, applyProbability: 0.1, operations: [{ op: 'Invert', probability: 1 }] },
    { untilProgress: 0.6, applyProbability: 0.9, operations: [{ op: 'FlipLR', probability: 0.5 }, { op: 'FlipUD', probability: 0.5 }] },
    { untilProgress: 1, applyProbability: 0.5, operations: [{ op: 'Solarize', magnitude: 0.5, probability: 1 }] },
  ],
});

/** STATS with a base transform: DdasAugment's default path. */
const BASED = policyOf({ ...STATS, base: { cropPadding: 2, flipLR: true, cutout: 6 } });
const BASE_CASES = baseCases();
const BASE_REPLAY = { base: { cropPadding: 4, flipLR: true, cutout: 8 }, count: 500, seed: 43 };

const DRAWS = 20000;
const REPLAY = 3000;
const SCHEDULE_DRAWS = 4000;
const PROGRESSES = [0, 0.1, 0.2499, 0.25, 0.3, 0.5999, 0.6, 0.9, 1];
const REPLAY_SEED = 42;

interface DriverResult {
  imports: string[];
  stats: { draws: number; applied: number; counts: Record<string, number>; signs: Record<string, [number, number]>; lengths: number[] };
  replay: { plans: [string, number, number, [number, number]][][]; used: number };
  schedule: {
    stages: number[];
    rates: { progress: number; applied: number; ops: string[] }[];
    epochs: [number, number][];
    progressFn: [number, number];
  };
  ops: number;
  compose: { pil: number[]; batch: number[]; floatError: string | null; repr: string };
  full: { policy: unknown; doc: string; repr: string };
  basePixels: number;
  base: {
    transforms: Record<'ownSize' | 'randomCrop', { inCandidates: boolean; distinct: number; repr: string }>;
    cutout: boolean;
    withBase: boolean;
    withoutBase: boolean;
    noBasePolicy: boolean;
    batch: number[];
    base: unknown;
    plainBase: unknown;
    repr: string;
    replay: { draws: [[number, number], boolean, [number, number]][]; used: number };
  };
}


/** The uniforms Rng.seeded(seed) yields, as raw float64 (what Python's Replay rng serves). */
function uniforms(seed: number, count: number): Float64Array {
  const rng = Rng.seeded(seed);
  return Float64Array.from({ length: count }, () => rng.uniform());
}

function hasTorchvision(): boolean {
  if (!fs.existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', 'import torch, torchvision, PIL'], { stdio: 'ignore' }).status === 0;
}

describe('Python/torchvision export (runs /usr/bin/python3)', function () {
  this.timeout(60000);
  let dir: string;
  let result: DriverResult;

  before(function () {
    if (!hasTorchvision()) {
      console.log(`    skipped: ${PYTHON} cannot import torch, torchvision and PIL (Debian: apt-get install python3-torchvision python3-pil)`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddas-export-py-'));
    fs.writeFileSync(path.join(dir, 'stats_augpolicy.py'), writePolicyPython(STATS, { moduleName: 'stats_augpolicy' }));
    fs.writeFileSync(path.join(dir, 'schedule_augpolicy.py'), writePolicyPython(SCHEDULE, { moduleName: 'schedule_augpolicy' }));
    fs.writeFileSync(path.join(dir, 'full_augpolicy.py'), writePolicyPython(FULL, { moduleName: 'full_augpolicy' }));
    fs.writeFileSync(path.join(dir, 'based_augpolicy.py'), writePolicyPython(BASED, { moduleName: 'based_augpolicy' }));
    // Each base draw uses at most 5 uniforms.
    fs.writeFileSync(path.join(dir, 'base-uniforms.bin'), Buffer.from(uniforms(BASE_REPLAY.seed, BASE_REPLAY.count * 5).buffer));
    // Each replayed image uses at most 1 + opsPerImage * 4 uniforms.
    const u = uniforms(REPLAY_SEED, REPLAY * (1 + STATS.opsPerImage * 4));
    fs.writeFileSync(path.join(dir, 'uniforms.bin'), Buffer.from(u.buffer));
    const job = {
      moduleDir: dir,
      statsModule: 'stats_augpolicy',
      scheduleModule: 'schedule_augpolicy',
      fullModule: 'full_augpolicy',
      basedModule: 'based_augpolicy',
      baseCases: BASE_CASES,
      baseUniforms: path.join(dir, 'base-uniforms.bin'),
      baseReplay: { base: BASE_REPLAY.base, count: BASE_REPLAY.count },
      draws: DRAWS,
      uniforms: path.join(dir, 'uniforms.bin'),
      replayCount: REPLAY,
      progresses: PROGRESSES,
      scheduleDraws: SCHEDULE_DRAWS,
      fixtures: FIXTURE_DIR,
      outDir: dir,
    };
    const run = spawnSync(PYTHON, ['-B', DRIVER], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(run.status, 0, `python driver failed:\n${run.stderr}`);
    result = JSON.parse(run.stdout) as DriverResult;
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('holds the policy\'s data in POLICY, whatever its strings contain', () => {
    const { $schema: _, ...expected } = FULL;
    assert.deepEqual(result.full.policy, expected);
    assert.ok(result.full.doc.startsWith(`Found by a DDAS search: dataset ${FULL.search?.dataset.path}`), result.full.doc);
    assert.match(result.full.repr, /^DdasAugment\(opsPerImage=2, applyProbability=0\.34, operations=1, progress=0\.0, base='crop \(pad 3\) \+ flip LR \+ Cutout 5 px'\)$/);
  });

  it('imports only the standard library, torch, torchvision and PIL', () => {
    assert.deepEqual(result.imports.filter((m) => !['math', 'random', 'struct', 'typing', 'torch', 'torchvision', 'PIL'].includes(m)), []);
  });

  it('(a) augments with probability applyProbability and draws ops i.i.d. from the policy (chi-square, 20,000 images)', () => {
    const s = result.stats;
    assert.equal(s.draws, DRAWS);
    assert.deepEqual(s.lengths, [STATS.opsPerImage]);
    const p = STATS.applyProbability;
    const pApply = chiSquareP([s.applied, DRAWS - s.applied], [p, 1 - p]);
    assert.ok(pApply > 0.001, `applied ${s.applied}/${DRAWS}, p = ${pApply}`);
    assert.ok(chiSquareP([s.applied, DRAWS - s.applied], [p + 0.03, 1 - p - 0.03]) < 0.001, 'the test has power against a 3-point shift');
    const keys = STATS.operations.map(entryKey);
    assert.deepEqual(Object.keys(s.counts).sort(), [...keys].sort());
    const observed = keys.map((k) => s.counts[k]);
    const probs = STATS.operations.map((o) => o.probability);
    const pOps = chiSquareP(observed, probs);
    assert.ok(pOps > 0.001, `op counts ${JSON.stringify(s.counts)}, p = ${pOps}`);
    // Signed ops: + and - equally often; unsigned ops never report a sign.
    for (const [op, [plus, minus]] of Object.entries(s.signs)) {
      assert.ok(OPS[op as keyof typeof OPS].magnitude?.signed, `${op} is not signed`);
      const pSign = chiSquareP([plus, minus], [0.5, 0.5]);
      assert.ok(pSign > 0.001, `${op}: ${plus} + vs ${minus} -, p = ${pSign}`);
    }
    assert.deepEqual(Object.keys(s.signs).sort(), ['Brightness', 'Rotate']);
  });

  it('(a) draws exactly the plans src/shared/sampler.ts draws from the same uniforms', () => {
    const expected: ImagePlan[] = samplePlans(STATS, REPLAY, Rng.seeded(REPLAY_SEED));
    const got = result.replay.plans.map((plan) => plan.map(([op, magnitude, sign, position]) => ({ op, magnitude, sign, position })));
    assert.equal(got.length, REPLAY);
    assert.deepEqual(got, expected.map((plan) => plan.map((a) => ({ op: a.op, magnitude: a.magnitude, sign: a.sign, position: [...a.position] }))));
    assert.ok(expected.some((p) => p.some((a) => a.op === 'Cutout')), 'the replay covers Cutout positions');
  });

  it('(b) per-op outputs equal the engine\'s and the PIL/torchvision references on real images, PIL and tensor inputs', async () => {
    const previous = tf.getBackend() as string | undefined;
    await useBackend('wasm');
    try {
      const fixtures = loadOpFixtures();
      assert.equal(result.ops, fixtures.length);
      let compared = 0;
      for (const f of fixtures) {
        const frame = f.width * f.height * f.channels;
        const pil = fs.readFileSync(path.join(dir, `${f.name}.pil.bin`));
        const tensor = fs.readFileSync(path.join(dir, `${f.name}.tensor.bin`));
        assert.equal(pil.length, frame * f.rows.length, `${f.name}: output size`);
        const plans: ImagePlan[] = f.rows.map((r) => [{ op: r.op, magnitude: r.magnitude ?? 0, sign: r.sign, position: r.uniforms ?? [0.5, 0.5] }]);
        const image = { width: f.width, height: f.height, channels: f.channels, pixels: f.source };
        const engine = augmentRaw(f.rows.map(() => image), plans);
        f.rows.forEach((r, i) => {
          const what = `${f.name} row ${i} (${r.op}${r.magnitude === null ? '' : ` m=${r.magnitude} sign=${r.sign}`})`;
          const py = pil.subarray(i * frame, (i + 1) * frame);
          const vsRef = agreement(py, f.outputs[i]);
          assert.equal(vsRef.maxDiff, 0, `${what}: Python vs reference, ${JSON.stringify(vsRef)}`);
          const vsEngine = agreement(py, engine[i].pixels);
          assert.equal(vsEngine.maxDiff, 0, `${what}: Python vs engine, ${JSON.stringify(vsEngine)}`);
          assert.ok(tensor.subarray(i * frame, (i + 1) * frame).equals(py), `${what}: tensor input differs from PIL input`);
          compared++;
        });
      }
      assert.equal(compared, fixtures.reduce((n, f) => n + f.rows.length, 0));
      assert.ok(compared >= 400, `compared ${compared} outputs`);
    } finally {
      if (previous && tf.getBackend() !== previous) await tf.setBackend(previous);
    }
  });

  it('(c) selects the schedule entry by training progress, as policyAt does', () => {
    const stages = SCHEDULE.schedule ?? [];
    const expected = PROGRESSES.map((t) => stages.indexOf(policyAt(SCHEDULE, t) as (typeof stages)[number]));
    assert.deepEqual(result.schedule.stages, expected);
    assert.deepEqual(expected, [0, 0, 0, 1, 1, 1, 2, 2, 2]);
    for (const r of result.schedule.rates) {
      const stage = policyAt(SCHEDULE, r.progress);
      const p = stage.applyProbability;
      const pv = chiSquareP([r.applied, SCHEDULE_DRAWS - r.applied], [p, 1 - p]);
      assert.ok(pv > 0.001, `progress ${r.progress}: applied ${r.applied}/${SCHEDULE_DRAWS} vs ${p}, p = ${pv}`);
      assert.deepEqual(r.ops, [...new Set(stage.operations.map((o) => o.op))].sort(), `progress ${r.progress}`);
    }
    // set_epoch(e, 10) -> progress e/10; progress_fn overrides.
    assert.deepEqual(result.schedule.epochs.map(([t]) => t), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    assert.deepEqual(result.schedule.epochs.map(([, s]) => s), [0, 0, 0, 1, 1, 1, 2, 2, 2, 2]);
    assert.deepEqual(result.schedule.progressFn, [0.7, 2]);
  });

  it('(d) exposes BASE (the policy\'s base, else none) and draws exactly the base draws of src/shared/base-draw.ts from the same uniforms', () => {
    assert.deepEqual(result.base.base, BASED.base);
    assert.deepEqual(result.base.plainBase, { cropPadding: 0, flipLR: false, cutout: 0 });
    assert.match(result.base.repr, /base='crop \(pad 2\) \+ flip LR \+ Cutout 6 px'\)$/);
    const expected = drawBases(BASE_REPLAY.base, BASE_REPLAY.count, Rng.seeded(BASE_REPLAY.seed));
    assert.deepEqual(result.base.replay.draws, expected.map((d) => [[...d.crop], d.flip, [...d.position]]));
    assert.equal(result.base.replay.used, BASE_REPLAY.count * 5);
  });

  it('(d) apply_base equals the engine\'s applyBaseDraws and the TS runtime on real grayscale and RGB images, PIL and tensor inputs', async () => {
    const previous = tf.getBackend() as string | undefined;
    await useBackend('wasm');
    try {
      const fixtures = loadOpFixtures();
      assert.equal(result.basePixels, fixtures.length);
      let compared = 0;
      let changed = 0;
      for (const f of fixtures) {
        const size = f.width * f.height * f.channels;
        const pil = fs.readFileSync(path.join(dir, `${f.name}.base.pil.bin`));
        const tensor = fs.readFileSync(path.join(dir, `${f.name}.base.tensor.bin`));
        assert.ok(tensor.equals(pil), `${f.name}: tensor inputs differ from PIL inputs`);
        let at = 0;
        for (const { base, draws } of BASE_CASES) {
          const n = draws.length;
          const pixels = new Uint8Array(n * size);
          for (let i = 0; i < n; i++) pixels.set(f.source, i * size);
          const x = tf.tensor4d(Float32Array.from(pixels), [n, f.height, f.width, f.channels]);
          const engine = applyBaseDraws(x, base, draws);
          const fromEngine = Uint8Array.from(engine.dataSync());
          tf.dispose([x, engine]);
          const fromRuntime = applyBaseBytes(pixels, { width: f.width, height: f.height, channels: f.channels }, base, draws);
          draws.forEach((d, i) => {
            const what = `${f.name} base ${JSON.stringify(base)} draw ${JSON.stringify(d)}`;
            const py = pil.subarray(at, at + size);
            at += size;
            assert.equal(agreement(py, fromEngine.subarray(i * size, (i + 1) * size)).maxDiff, 0, `${what}: Python vs engine`);
            assert.equal(agreement(py, fromRuntime.subarray(i * size, (i + 1) * size)).maxDiff, 0, `${what}: Python vs runtime`);
            if (!Buffer.from(f.source).equals(py)) changed++;
            compared++;
          });
        }
        assert.equal(at, pil.length, `${f.name}: output size`);
      }
      assert.ok(compared >= 200, `compared ${compared} images`);
      // Not a vacuous match: all but the identity base and the centred crops change the image.
      assert.ok(changed >= 0.75 * compared, `only ${changed} of ${compared} outputs differ from their source`);
    } finally {
      if (previous && tf.getBackend() !== previous) await tf.setBackend(previous);
    }
  });

  it('(d) base_transform() is torchvision\'s RandomCrop(padding, fill=0) + RandomHorizontalFlip + Cutout; DdasAugment applies the base after the policy unless include_base=False', () => {
    const b = result.base;
    for (const name of ['ownSize', 'randomCrop'] as const) {
      assert.ok(b.transforms[name].inCandidates, `${name}: an output that no (offset, flip) of apply_base gives`);
      assert.ok(b.transforms[name].distinct >= 10, `${name}: only ${b.transforms[name].distinct} distinct outputs in 60`);
    }
    assert.match(b.transforms.randomCrop.repr, /RandomCrop\(size=\(48, 48\), padding=2\)/);
    assert.match(b.transforms.ownSize.repr, /RandomPadCrop\(padding=2\)[\s\S]*RandomHorizontalFlip/);
    assert.ok(b.cutout, 'Cutout(side) equals apply_base with its drawn centre');
    assert.ok(b.withBase, 'DdasAugment() = apply_base(apply_plan(img, sample_plan(rng)), *sample_base(rng))');
    assert.ok(b.withoutBase, 'DdasAugment(include_base=False) = apply_plan only');
    assert.ok(b.noBasePolicy, 'a policy without base: DdasAugment() = apply_plan only');
    assert.deepEqual(b.batch, [3, 3, 48, 48]);
  });

  it('works in transforms.Compose on PIL images and uint8 batches, and refuses float tensors clearly', () => {
    assert.deepEqual(result.compose.pil, [3, 48, 48]);
    assert.deepEqual(result.compose.batch, [4, 3, 48, 48]);
    assert.match(result.compose.floatError ?? '', /uint8 tensors/);
    assert.match(result.compose.repr, /DdasAugment\(opsPerImage=2, applyProbability=0\.35/);
  });
});
