/**
 * DDAS step throughput vs PyTorch (issue 3): the resnet-small proxy (src/engine/nn) on
 * the tfjs wasm backend with our gradient kernels, against the same net and the same
 * DDAS step in PyTorch CPU (bench/ddas_torch.py), measured in one run on one machine.
 *
 *   npx tsx bench/ddas.ts [--quick] [--no-peer] [--steps N] [--threads N]
 *
 * --threads N: DdasSearch's `threads` option for the whole-step rows (section 2): the J + 1
 * training passes shared by the main thread and N - 1 gradient workers (issue 6). The
 * phase replica and the profile stay single-threaded. CPU times count every thread.
 *
 * Reports, for 28x28x1 (Fashion-MNIST) and 32x32x3 (the same images replicated to three
 * channels and zero-padded to 32x32):
 * 1. a plain training step (forward + backward + SGD, batch 128, mean cross-entropy);
 * 2. the whole DDAS step (DESIGN section 3) via `DdasSearch.step()`, B = 32, J = 3,
 *    V = 64 and 256, with its phases timed by a step-by-step replica of it;
 * 3. the per-kernel time share of one DDAS step (tf.profile).
 * Prints markdown and writes it to bench/out/ddas-<date>.md.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Rng } from '../src/shared/rng';
import { tf, useBackend } from '../src/engine/tf';
import { registerWasmTrainingKernels, trainingKernelsOn } from '../src/engine/backend/kernels';
import { simdKernelsDisabled } from '../src/engine/backend/simd';
import { openDataset } from '../src/engine/data';
import { applyPlans } from '../src/engine/augment';
import { createNet, ParamSet, updateRunningStats, type InputShape, type ProxyNet } from '../src/engine/nn';
import { DdasSearch, loadSearchData, applyBase, resolveOptions, type SearchData, type ResolvedOptions, type ImageSet } from '../src/engine/ddas';
import { batchTensors, channelStats, setSize } from '../src/engine/ddas/data';
import { drawSubPolicy, logit, sigmoid, softmax, subPolicyPlans, subPolicyProbability, type SubPolicy } from '../src/engine/ddas/distribution';
import { gradientDots, lossGradients, mixedStep, mixingCoefficients, normaliseD, surrogateGradient } from '../src/engine/ddas/step';
import { adamInit, adamStep, type AdamState } from '../src/engine/ddas/adam';
import { median, PYTHON, ratio, ROOT } from './common';

const FMNIST_DIRS = ['/usr/share/datasets/fashion-mnist', path.join(ROOT, 'sample/fashion-mnist')];
const SPLIT = { train: 2000, val: 2000 };
const PLAIN_BATCH = 128;
const PLAIN_LR = 0.01;
const EPOCHS = 20;

interface Settings {
  quick: boolean;
  peer: boolean;
  plainWarmup: number;
  plainSteps: number;
  ddasWarmup: number;
  ddasSteps: number;
  /** Steps of the phase-timed replica (after one warm-up). */
  phaseSteps: number;
  valBatches: number[];
  /** V of the profiled step and of the phase table. */
  profileV: number;
  /** DdasSearch threads for section 2. */
  threads: number;
}

function parseArgs(argv: readonly string[]): Settings {
  const quick = argv.includes('--quick');
  const at = argv.indexOf('--steps');
  const steps = at >= 0 ? Number(argv[at + 1]) : quick ? 2 : 6;
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError('--steps needs a whole number >= 1');
  return {
    quick,
    peer: !argv.includes('--no-peer'),
    plainWarmup: 1,
    plainSteps: quick ? 2 : 5,
    ddasWarmup: quick ? 1 : 2,
    ddasSteps: steps,
    phaseSteps: quick ? 1 : 3,
    valBatches: quick ? [64] : [64, 256],
    profileV: quick ? 64 : 256,
    threads: argv.includes('--threads') ? Number(argv[argv.indexOf('--threads') + 1]) : 1,
  };
}

// ---- data ----------------------------------------------------------------------------

interface Shape {
  tag: string;
  data: SearchData;
}

async function fashionMnist(): Promise<{ data: SearchData; source: string }> {
  for (const dir of FMNIST_DIRS) {
    if (!fs.existsSync(dir)) continue;
    const ds = await openDataset(dir);
    try {
      const n = ds.labels.length;
      const sizes = n >= SPLIT.train + SPLIT.val ? SPLIT : { train: Math.floor(n / 2), val: n - Math.floor(n / 2) };
      return { data: await loadSearchData(ds, sizes, 0), source: `${dir} (${n} train images; stratified split ${sizes.train} + ${sizes.val}, seed 0)` };
    } finally {
      await ds.close();
    }
  }
  throw new Error(`Fashion-MNIST not found in ${FMNIST_DIRS.join(' or ')}`);
}

/** Gray 28x28 -> RGB 32x32: the channel replicated three times, 2 px of zeros around. */
function toRgb32(set: ImageSet, h: number, w: number): ImageSet {
  const side = 32;
  const oy = (side - h) >> 1;
  const ox = (side - w) >> 1;
  const n = set.labels.length;
  const out = new Uint8Array(n * side * side * 3);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = set.pixels[(i * h + y) * w + x];
        const o = ((i * side + y + oy) * side + x + ox) * 3;
        out[o] = v;
        out[o + 1] = v;
        out[o + 2] = v;
      }
    }
  }
  return { pixels: out, labels: set.labels };
}

function rgbVersion(gray: SearchData): SearchData {
  return {
    train: toRgb32(gray.train, gray.height, gray.width),
    val: toRgb32(gray.val, gray.height, gray.width),
    height: 32,
    width: 32,
    channels: 3,
    classes: gray.classes,
  };
}

function inputOf(data: SearchData): InputShape {
  return { height: data.height, width: data.width, channels: data.channels, classes: data.classes, ...channelStats(data.train, data.channels) };
}

// ---- timing helpers --------------------------------------------------------------------

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

interface Timed {
  /** Best (minimum) wall ms per step: other processes only ever add time. */
  ms: number;
  /** Median process CPU ms per step. */
  cpuMs: number;
  all: number[];
}

function timeSteps(warmup: number, steps: number, fn: () => void): Timed {
  for (let i = 0; i < warmup; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < steps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    cpu.push(cpuSeconds(c0) * 1000);
  }
  return { ms: Math.min(...wall), cpuMs: median(cpu), all: wall };
}

// ---- 1. plain training step ------------------------------------------------------------

function plainStep(data: SearchData, s: Settings): Timed {
  const net = createNet('resnet-small', inputOf(data));
  const weights = ParamSet.create(net.params, Rng.seeded(1));
  const n = Math.min(PLAIN_BATCH, setSize(data.train));
  const { x, labels } = batchTensors(data.train, Array.from({ length: n }, (_, i) => i), data);
  try {
    return timeSteps(s.plainWarmup, s.plainSteps, () => {
      const g = lossGradients(net, weights, x, labels, 'mean');
      const next = mixedStep(weights.variables, [g.grads], [1], PLAIN_LR);
      weights.assign(next);
      tf.dispose([...next, ...g.grads]);
    });
  } finally {
    tf.dispose([x, labels]);
    weights.dispose();
  }
}

// ---- 2. the whole DDAS step --------------------------------------------------------------

let searchThreads = 1;

function searchFor(data: SearchData, V: number, threads = searchThreads): DdasSearch {
  return DdasSearch.create(data, { valBatch: V, epochs: EPOCHS, evalEachEpoch: false, seed: 0, threads });
}

interface DdasTiming extends Timed {
  /** Minimum of StepReport.seconds, ms. */
  reportMs: number;
  pAug: number;
}

function ddasSteps(data: SearchData, V: number, s: Settings): DdasTiming {
  const search = searchFor(data, V);
  const reported: number[] = [];
  let i = 0;
  try {
    const t = timeSteps(s.ddasWarmup, s.ddasSteps, () => {
      const r = search.step();
      if (i++ >= s.ddasWarmup) reported.push(r.seconds * 1000);
    });
    return { ...t, reportMs: Math.min(...reported), pAug: search.pAug };
  } finally {
    search.dispose();
  }
}

// ---- phases: a replica of DdasSearch.step() with a clock between its parts ------------------

const PHASES = [
  'batch tensors (train B + val V)',
  'draw + augment (J applyPlans)',
  'base transform (1 + J)',
  'clean pass g0 (fwd+bwd)',
  'augmented passes g1..gJ',
  'BN running stats',
  'mixed SGD step',
  "val pass gV at w'",
  'dot products',
  'surrogate + Adam',
] as const;
type Phase = (typeof PHASES)[number];

class PhasedDdas {
  private readonly net: ProxyNet;
  private readonly weights: ParamSet;
  private readonly buffers: ParamSet;
  private readonly o: ResolvedOptions;
  private readonly rng = Rng.seeded(0);
  private readonly alpha: Float64Array;
  private beta: number;
  private adamA: AdamState;
  private adamB: AdamState;

  constructor(private readonly data: SearchData, V: number) {
    this.o = resolveOptions({ valBatch: V, seed: 0 }, data);
    this.net = createNet('resnet-small', inputOf(data));
    this.weights = ParamSet.create(this.net.params, this.rng);
    this.buffers = ParamSet.create(this.net.buffers, this.rng, false);
    this.alpha = new Float64Array(this.o.space.length);
    this.beta = logit(this.o.initialPAug);
    this.adamA = adamInit(this.alpha.length);
    this.adamB = adamInit(1);
  }

  step(): Record<Phase, number> {
    const o = this.o;
    const ms = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
    let t = performance.now();
    const mark = (p: Phase): void => {
      const now = performance.now();
      ms[p] += now - t;
      t = now;
    };
    const owned: tf.Tensor[] = [];
    const all: tf.Tensor[][] = [];
    const moments = new Map<string, tf.Tensor>();
    try {
      const B = o.batch;
      const nTrain = setSize(this.data.train);
      const nVal = setSize(this.data.val);
      const positions = Array.from({ length: B }, () => this.rng.int(nTrain));
      const batch = batchTensors(this.data.train, positions, this.data);
      const vPos = Array.from({ length: Math.min(o.valBatch, nVal) }, () => this.rng.int(nVal));
      const val = batchTensors(this.data.val, vPos, this.data);
      owned.push(batch.x, batch.labels, val.x, val.labels);
      mark('batch tensors (train B + val V)');
      const p = softmax(this.alpha);
      const pAug = sigmoid(this.beta);
      const subs: SubPolicy[] = [];
      const augmented: tf.Tensor4D[] = [];
      for (let j = 0; j < o.subPolicies; j++) {
        const sub = drawSubPolicy(p, o.opsPerImage, o.explore, this.rng);
        subs.push(sub);
        const a = applyPlans(batch.x, subPolicyPlans(o.space, sub, B, this.rng));
        augmented.push(a);
        owned.push(a);
      }
      mark('draw + augment (J applyPlans)');
      const x0 = applyBase(batch.x, o.base, this.rng);
      const xs = augmented.map((a) => applyBase(a, o.base, this.rng));
      owned.push(x0, ...xs);
      mark('base transform (1 + J)');
      const pk = subs.map((sub) => subPolicyProbability(p, sub));
      const g0 = lossGradients(this.net, this.weights, x0, batch.labels, 'sum', moments);
      all.push(g0.grads);
      mark('clean pass g0 (fwd+bwd)');
      for (const x of xs) all.push(lossGradients(this.net, this.weights, x, batch.labels, 'sum').grads);
      mark('augmented passes g1..gJ');
      updateRunningStats(this.buffers.variables, this.buffers.specs.map((sp) => sp.name), moments);
      mark('BN running stats');
      const next = mixedStep(this.weights.variables, all, mixingCoefficients(pAug, pk), o.xi);
      this.weights.assign(next);
      tf.dispose(next);
      mark('mixed SGD step');
      const gv = lossGradients(this.net, this.weights, val.x, val.labels, 'mean');
      all.push(gv.grads);
      mark("val pass gV at w'");
      const dots = gradientDots(all.slice(0, -1), gv.grads);
      mark('dot products');
      const d = normaliseD(
        dots.slice(1).map((v) => v - dots[0]),
        o.normEpsilon,
      );
      const g = surrogateGradient(this.alpha, this.beta, subs, d);
      this.adamA = adamStep(this.alpha, g.alpha, this.adamA, { lr: o.lrAlpha, ...o.adamBetas });
      const beta = Float64Array.of(this.beta);
      this.adamB = adamStep(beta, [g.beta], this.adamB, { lr: o.lrBeta, ...o.adamBetas });
      this.beta = beta[0];
      mark('surrogate + Adam');
      return ms;
    } finally {
      for (const g of all) tf.dispose(g);
      tf.dispose([...owned, ...moments.values()]);
    }
  }

  dispose(): void {
    this.weights.dispose();
    this.buffers.dispose();
  }
}

function phaseTimes(data: SearchData, V: number, s: Settings): Record<Phase, number> {
  const run = new PhasedDdas(data, V);
  try {
    run.step();
    const sum = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
    for (let i = 0; i < s.phaseSteps; i++) {
      const r = run.step();
      for (const p of PHASES) sum[p] += r[p] / s.phaseSteps;
    }
    return sum;
  } finally {
    run.dispose();
  }
}

// ---- 3. per-kernel profile ------------------------------------------------------------------

interface KernelRow {
  name: string;
  calls: number;
  ms: number;
}

interface Profile {
  wallMs: number;
  kernelMs: number;
  rows: KernelRow[];
  /** Composite entries (customGrad wrappers) left out of the sums: they contain kernels. */
  wrappers: string[];
}

async function profileStep(data: SearchData, V: number): Promise<Profile> {
  // tf.profile sees the main thread only.
  const search = searchFor(data, V, 1);
  try {
    search.step();
    search.step();
    let wallMs = 0;
    const info = await tf.profile(() => {
      const t0 = performance.now();
      search.step();
      wallMs = performance.now() - t0;
    });
    const by = new Map<string, KernelRow>();
    const wrappers = new Set<string>();
    for (const k of info.kernels) {
      if (!tf.getKernel(k.name, 'wasm')) {
        wrappers.add(k.name || '(anonymous)');
        continue;
      }
      const t = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      const row = by.get(k.name) ?? { name: k.name, calls: 0, ms: 0 };
      row.calls++;
      row.ms += t;
      by.set(k.name, row);
    }
    const rows = [...by.values()].sort((a, b) => b.ms - a.ms);
    return { wallMs, kernelMs: rows.reduce((a, r) => a + r.ms, 0), rows, wrappers: [...wrappers] };
  } finally {
    search.dispose();
  }
}

// ---- the PyTorch peer --------------------------------------------------------------------------

interface PeerResult {
  threads: number;
  set: string;
  kind: 'plain' | 'ddas';
  V?: number;
  msPerStep: number;
  cpuMsPerStep: number;
  phasesMs?: Record<string, number>;
}

interface PeerReport {
  python: string;
  torch: string;
  torchvision: string;
  defaultThreads: number;
  interopThreads: number;
  results: PeerResult[];
}

function runPeer(shapes: readonly Shape[], s: Settings, dir: string): Promise<PeerReport> {
  const sets = shapes.map(({ tag, data }) => {
    const file = (name: string, bytes: Uint8Array): string => {
      const f = path.join(dir, `${tag}-${name}.u8`);
      fs.writeFileSync(f, bytes);
      return f;
    };
    const labels = (set: ImageSet): Uint8Array => Uint8Array.from(set.labels);
    const o = resolveOptions({}, data);
    return {
      tag,
      height: data.height,
      width: data.width,
      channels: data.channels,
      classes: data.classes,
      trainN: setSize(data.train),
      valN: setSize(data.val),
      trainPixels: file('train', data.train.pixels),
      trainLabels: file('train-labels', labels(data.train)),
      valPixels: file('val', data.val.pixels),
      valLabels: file('val-labels', labels(data.val)),
      base: o.base,
    };
  });
  const o = resolveOptions({}, shapes[0].data);
  const config = {
    threads: [2, 1],
    ddasThreads: [2, 1],
    plain: { batch: PLAIN_BATCH, lr: PLAIN_LR, warmup: s.plainWarmup, steps: s.plainSteps },
    ddas: {
      batch: o.batch,
      subPolicies: o.subPolicies,
      opsPerImage: o.opsPerImage,
      xi: o.xi,
      lrAlpha: o.lrAlpha,
      lrBeta: o.lrBeta,
      adamBetas: [o.adamBetas.beta1, o.adamBetas.beta2],
      initialPAug: o.initialPAug,
      normEpsilon: o.normEpsilon,
      epochs: EPOCHS,
      valBatches: s.valBatches,
      warmup: s.ddasWarmup,
      steps: s.ddasSteps,
    },
    space: o.space.map((c) => ({ op: c.op, magnitude: c.magnitude ?? null })),
    sets,
  };
  const cfgFile = path.join(dir, 'config.json');
  fs.writeFileSync(cfgFile, JSON.stringify(config));
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [path.join(ROOT, 'bench/ddas_torch.py'), cfgFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      process.stderr.write(b);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${PYTHON} bench/ddas_torch.py exited with ${code}: ${err.slice(-2000)}`));
      try {
        resolve(JSON.parse(out) as PeerReport);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

// ---- report -------------------------------------------------------------------------------------

const f0 = (v: number): string => v.toFixed(0);
const f1 = (v: number): string => v.toFixed(1);
const pct = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function loadLine(): string {
  return os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' / ');
}

async function main(): Promise<void> {
  const s = parseArgs(process.argv.slice(2));
  searchThreads = s.threads;
  const started = new Date();
  const loadBefore = loadLine();
  registerWasmTrainingKernels();
  await useBackend('wasm');
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const log = (m: string): void => void process.stderr.write(`${m}\n`);

  const { data: gray, source } = await fashionMnist();
  const shapes: Shape[] = [
    { tag: '28x28x1', data: gray },
    { tag: '32x32x3', data: rgbVersion(gray) },
  ];
  const params = ParamSet.create(createNet('resnet-small', inputOf(gray)).params, Rng.seeded(0));
  const paramCount = { '28x28x1': params.count, '32x32x3': 0 };
  params.dispose();
  const p3 = ParamSet.create(createNet('resnet-small', inputOf(shapes[1].data)).params, Rng.seeded(0));
  paramCount['32x32x3'] = p3.count;
  p3.dispose();
  const o = resolveOptions({}, gray);
  const B = o.batch;
  const J = o.subPolicies;

  // TypeScript side first, then the peer: never both at once.
  const plain = new Map<string, Timed>();
  const ddas = new Map<string, DdasTiming>();
  const phases = new Map<string, Record<Phase, number>>();
  const profiles = new Map<string, Profile>();
  let loadMid = '';
  const peerDir = s.peer ? fs.mkdtempSync(path.join(os.tmpdir(), 'ddas-bench-')) : '';
  let peer: PeerReport | null = null;
  let peerError = '';
  for (const shape of shapes) {
    const { tag, data } = shape;
    const p = plainStep(data, s);
    plain.set(tag, p);
    log(`ts: ${tag} plain ${f1(p.ms)} ms/step`);
    for (const V of s.valBatches) {
      const d = ddasSteps(data, V, s);
      ddas.set(`${tag}/${V}`, d);
      log(`ts: ${tag} DDAS V=${V} ${f1(d.ms)} ms/step (StepReport ${f1(d.reportMs)} ms)`);
    }
    phases.set(tag, phaseTimes(data, s.profileV, s));
    log(`ts: ${tag} phases done`);
    profiles.set(tag, await profileStep(data, s.profileV));
    log(`ts: ${tag} profile done`);
    // The peer right after the same input's TypeScript part (never both at once), so
    // both sides see about the same background load.
    if (s.peer && !peerError) {
      try {
        const r = await runPeer([shape], s, peerDir);
        const before: PeerResult[] = peer === null ? [] : (peer as PeerReport).results;
        peer = { ...r, results: [...before, ...r.results] };
      } catch (e) {
        peerError = e instanceof Error ? e.message.split('\n')[0] : String(e);
        log(`peer failed: ${peerError}`);
      }
    }
    if (tag === shapes[0].tag) loadMid = loadLine();
  }
  if (peerDir) fs.rmSync(peerDir, { recursive: true, force: true });
  const loadAfter = loadLine();
  const find = (threads: number, set: string, kind: 'plain' | 'ddas', V?: number): PeerResult | undefined =>
    peer?.results.find((r) => r.threads === threads && r.set === set && r.kind === kind && (V === undefined || r.V === V));

  const L: string[] = [];
  const date = started.toISOString().slice(0, 10);
  L.push(`## DDAS step throughput vs PyTorch (issue 3)`);
  L.push('');
  L.push(`- Date: ${started.toISOString().replace('T', ' ').slice(0, 16)} UTC; command: \`npx tsx bench/ddas.ts${s.quick ? ' --quick' : ''}\``);
  L.push(`- Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`);
  L.push(`- Load average (1/5/15 min): ${loadBefore} at start, ${loadMid} after the first input, ${loadAfter} at the end (other processes share the machine; wall clock is what counts, CPU time in brackets)`);
  if (Math.max(os.loadavg()[0], Number(loadBefore.split(' / ')[0])) > os.cpus().length * 0.75) {
    L.push(`- **Warning: the machine was busy (1-minute load above ${(os.cpus().length * 0.75).toFixed(1)}); wall-clock figures are inflated and the PyTorch 2-thread rows suffer most. Rerun on an idle machine.**`);
  }
  L.push(`- TypeScript: Node ${process.version}, tfjs-core ${tf.version_core}, backend wasm (XNNPACK${simd ? ', SIMD' : ''}, 1 thread per instance; DdasSearch threads: ${searchThreads}), our kernels: ${trainingKernelsOn('wasm').join(', ')}; wasm SIMD kernels (filter gradient, phase interleave, fused batch norm): ${simdKernelsDisabled() ? 'off (DDAS_WASM_SIMD_KERNELS)' : 'on'}`);
  L.push(
    peer
      ? `- PyTorch peer: Python ${peer.python}, torch ${peer.torch}, torchvision ${peer.torchvision} (default ${peer.defaultThreads} thread(s), ${peer.interopThreads} inter-op), CPU, float32, NCHW; \`torch.set_num_threads(2)\` and \`(1)\``
      : `- PyTorch peer: not run${peerError ? ` (${peerError})` : ' (--no-peer)'}`,
  );
  L.push(`- Net: resnet-small, ${paramCount['28x28x1']} parameters at 28x28x1, ${paramCount['32x32x3']} at 32x32x3 (same definition in bench/ddas_torch.py)`);
  L.push(`- Data: Fashion-MNIST from ${source}; 32x32x3 = the same images with the gray channel replicated to RGB and zero-padded 2 px on each side (real images, not synthetic)`);
  const baseText = shapes
    .map(({ tag, data }) => {
      const b = resolveOptions({}, data).base;
      return `${tag}: crop pad ${b.cropPadding}${b.flipLR ? ' + flip' : ''} + Cutout ${b.cutout}`;
    })
    .join('; ');
  L.push(
    `- Steps: plain ${s.plainSteps} timed after ${s.plainWarmup} warm-up; DDAS ${s.ddasSteps} timed after ${s.ddasWarmup} warm-up; times are the best (minimum) step of each run, CPU times in brackets medians; each input's PyTorch runs follow its TypeScript runs. DDAS: B = ${B}, J = ${J}, ${o.opsPerImage} ops per sub-policy drawn uniformly from K = ${o.space.length} categories; base transform ${baseText}`,
  );
  L.push('');

  // 1. plain step
  L.push(`### 1. Plain training step (forward + backward + SGD), batch ${PLAIN_BATCH}, images/s (ms/step wall [CPU])`);
  L.push('');
  const plainRows: string[][] = [];
  const cell = (ms: number, cpuMs: number, images: number): string => `**${f0((images * 1000) / ms)}** (${f0(ms)} ms [${f0(cpuMs)}])`;
  plainRows.push(['TS, tfjs wasm + our kernels (1 thread)', ...shapes.map(({ tag }) => cell(plain.get(tag)!.ms, plain.get(tag)!.cpuMs, PLAIN_BATCH))]);
  for (const th of [2, 1]) {
    plainRows.push([`PyTorch CPU, ${th} thread${th > 1 ? 's' : ''}`, ...shapes.map(({ tag }) => {
      const r = find(th, tag, 'plain');
      return r ? cell(r.msPerStep, r.cpuMsPerStep, PLAIN_BATCH) : 'n/a';
    })]);
  }
  for (const th of [2, 1]) {
    plainRows.push([`ratio TS / PyTorch ${th} thread${th > 1 ? 's' : ''}`, ...shapes.map(({ tag }) => {
      const r = find(th, tag, 'plain');
      return r ? ratio(r.msPerStep, plain.get(tag)!.ms) : 'n/a';
    })]);
  }
  plainRows.push(['ratio by CPU time, TS / PyTorch 1 thread (idle-machine estimate)', ...shapes.map(({ tag }) => {
    const r = find(1, tag, 'plain');
    return r ? ratio(r.cpuMsPerStep, plain.get(tag)!.cpuMs) : 'n/a';
  })]);
  L.push(table(['implementation', ...shapes.map((x) => x.tag)], plainRows));
  L.push('');

  // 2. DDAS step
  L.push(`### 2. Whole DDAS step (B = ${B}, J = ${J}): search-train images/s = B / step time; gradient-pass images/s = ((1 + J) B + V) / step time`);
  L.push('');
  const ddasRows: string[][] = [];
  for (const { tag } of shapes) {
    for (const V of s.valBatches) {
      const t = ddas.get(`${tag}/${V}`)!;
      const gradImages = (1 + J) * B + V;
      const row = [tag, String(V), `${f0(t.ms)} [${f0(t.cpuMs)}]`, `**${f1((B * 1000) / t.ms)}**`, f0((gradImages * 1000) / t.ms)];
      for (const th of [2, 1]) {
        const r = find(th, tag, 'ddas', V);
        row.push(r ? `${f0(r.msPerStep)} [${f0(r.cpuMsPerStep)}]` : 'n/a', r ? `**${f1((B * 1000) / r.msPerStep)}**` : 'n/a', r ? f0((gradImages * 1000) / r.msPerStep) : 'n/a', r ? `**${ratio(r.msPerStep, t.ms)}**` : 'n/a');
      }
      const r1 = find(1, tag, 'ddas', V);
      row.push(r1 ? ratio(r1.cpuMsPerStep, t.cpuMs) : 'n/a');
      ddasRows.push(row);
    }
  }
  L.push(
    table(
      ['input', 'V', 'TS ms/step', 'TS img/s', 'TS grad img/s', 'PT-2 ms/step', 'PT-2 img/s', 'PT-2 grad img/s', 'TS/PT-2', 'PT-1 ms/step', 'PT-1 img/s', 'PT-1 grad img/s', 'TS/PT-1', 'TS/PT-1 by CPU time'],
      ddasRows,
    ),
  );
  L.push('');
  L.push('TS = `DdasSearch.step()` on wasm (wall ms [process CPU ms]); PT-2 / PT-1 = bench/ddas_torch.py with 2 / 1 torch threads. Ratios are TS images/s over PyTorch images/s (1.00x = parity); the last column compares process CPU time per step of the two single-threaded runs, an estimate of the idle-machine ratio when other work shares the cores.');
  L.push('');

  // phases
  L.push(`### 3a. Where a DDAS step's time goes, by phase (V = ${s.profileV}; TS: a replica of DdasSearch.step() with a clock between phases, mean of ${s.phaseSteps} steps; PyTorch 2 threads: the same phases in the peer)`);
  L.push('');
  const phaseHeader = ['phase'];
  for (const { tag } of shapes) phaseHeader.push(`TS ${tag} ms`, '%', `PT-2 ${tag} ms`, '%');
  const peerPhaseMap: Record<Phase, string[]> = {
    'batch tensors (train B + val V)': ['batch indexing'],
    'draw + augment (J applyPlans)': ['draw + augment'],
    'base transform (1 + J)': ['base transform'],
    'clean pass g0 (fwd+bwd)': ['clean pass g0'],
    'augmented passes g1..gJ': ['augmented passes g1..gJ'],
    'BN running stats': [],
    'mixed SGD step': ['mixed SGD step'],
    "val pass gV at w'": ["val pass gV at w'"],
    'dot products': ['dot products'],
    'surrogate + Adam': ['surrogate + Adam'],
  };
  const phaseRows: string[][] = PHASES.map((p) => {
    const row: string[] = [p];
    for (const { tag } of shapes) {
      const ts = phases.get(tag)!;
      const total = PHASES.reduce((a, q) => a + ts[q], 0);
      row.push(f1(ts[p]), pct(ts[p], total));
      const pr = find(2, tag, 'ddas', s.profileV);
      if (pr?.phasesMs) {
        const ptTotal = Object.values(pr.phasesMs).reduce((a, b) => a + b, 0);
        const names = peerPhaseMap[p];
        const v = names.reduce((a, n) => a + (pr.phasesMs?.[n] ?? 0), 0);
        row.push(names.length ? f1(v) : '(in g0)', names.length ? pct(v, ptTotal) : '');
      } else row.push('n/a', '');
    }
    return row;
  });
  const totalRow = ['**total**'];
  for (const { tag } of shapes) {
    const ts = phases.get(tag)!;
    totalRow.push(f1(PHASES.reduce((a, q) => a + ts[q], 0)), '100%');
    const pr = find(2, tag, 'ddas', s.profileV);
    totalRow.push(pr?.phasesMs ? f1(Object.values(pr.phasesMs).reduce((a, b) => a + b, 0)) : 'n/a', '100%');
  }
  phaseRows.push(totalRow);
  L.push(table(phaseHeader, phaseRows));
  L.push('');

  // kernels
  L.push(`### 3b. Per-kernel time of one DDAS step on wasm (tf.profile, V = ${s.profileV})`);
  L.push('');
  const top = 14;
  for (const { tag } of shapes) {
    const pr = profiles.get(tag)!;
    const rows = pr.rows.slice(0, top).map((r) => [r.name, String(r.calls), f1(r.ms), pct(r.ms, pr.wallMs)]);
    const rest = pr.rows.slice(top);
    if (rest.length) rows.push([`${rest.length} other kernels`, String(rest.reduce((a, r) => a + r.calls, 0)), f1(rest.reduce((a, r) => a + r.ms, 0)), pct(rest.reduce((a, r) => a + r.ms, 0), pr.wallMs)]);
    rows.push(['outside kernels (JS, tape, profiler)', '', f1(pr.wallMs - pr.kernelMs), pct(pr.wallMs - pr.kernelMs, pr.wallMs)]);
    rows.push(['**profiled step**', String(pr.rows.reduce((a, r) => a + r.calls, 0)), f1(pr.wallMs), '100%']);
    L.push(`${tag} (profiled step ${f0(pr.wallMs)} ms vs ${f0(ddas.get(`${tag}/${s.profileV}`)?.ms ?? NaN)} ms unprofiled):`);
    L.push('');
    L.push(table(['kernel', 'calls', 'ms', '% of step'], rows));
    L.push('');
  }
  L.push('Conv2DBackpropFilter / Conv2DBackpropInput are our kernels (src/engine/backend/kernels, src/engine/backend/simd): each time includes the forward Conv2D, Transpose, PadV2 and Slice calls they make directly (not listed separately). Ddas* kernels are our fused batch-norm passes. customGrad wrappers (batch norm) are left out of the sums, their inner kernels are counted.');
  L.push('');

  const md = L.join('\n');
  console.log(md);
  const outDir = path.join(ROOT, 'bench/out');
  fs.mkdirSync(outDir, { recursive: true });
  const outFile = path.join(outDir, `ddas-${date}${s.quick ? '-quick' : ''}.md`);
  fs.writeFileSync(outFile, md + '\n');
  log(`wrote ${path.relative(ROOT, outFile)} (${((Date.now() - started.getTime()) / 1000).toFixed(0)} s in all)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
