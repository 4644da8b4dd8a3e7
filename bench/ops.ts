/**
 * Augmentation throughput (issue 2): every catalog op and a whole DDAS policy, against
 * torchvision's per-image RandAugment / TrivialAugmentWide measured in the same run on
 * the same machine (bench/ops_torchvision.py). Two paths of the engine, same op code:
 * - uint8: `augmentBatch` on an NHWC uint8 batch (bytes in, bytes out, as PIL);
 * - tensor: `applyPlans` on a float32 tfjs tensor (the DdasAugment kernel, wasm backend),
 *   including the read-back with dataSync.
 *
 *   node bench/run.mjs ops [--quick] [--batch 128] [--no-peer] [--space OP,OP,...]   (npm run bench:ops)
 *
 * Run it bundled (bench/run.mjs), as the product runs: under tsx the byte loops are ~1.7x slower.
 *
 * Prints a markdown report and writes it to bench/out/ops-<date>.md. Images are the
 * first `batch` Fashion-MNIST t10k images, gray replicated to RGB and zero-padded from
 * 28x28 to 32x32 (smooth synthetic images if the dataset is missing). Every timed batch
 * includes drawing the plans.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as zlib from 'node:zlib';
import { OPS, OP_NAMES, isOpName, opParameter, type OpName } from '../src/shared/ops';
import { validatePolicy, type Policy } from '../src/shared/policy';
import { Rng } from '../src/shared/rng';
import { fixedOpPlans, samplePlans, type ImagePlan } from '../src/shared/sampler';
import { buildSpace, DDAS_CIFAR_OPS } from '../src/shared/space';
import { tf, useBackend } from '../src/engine/tf';
import { applyPlans, augmentBatch, type ImageBatch } from '../src/engine/augment';
import { programFromPlans, runProgram } from '../src/engine/augment/program';
import { BENCH, median, PYTHON, ratio, ROOT } from './common';

const FMNIST = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';
const SIDE = 32;
const MAGNITUDE = 0.5;
const TARGET_RATIO = 5;

interface Settings {
  quick: boolean;
  batch: number;
  peer: boolean;
  /** Warm-up batches before timing. */
  warmup: number;
  /** Timed repetitions; the median is reported. */
  reps: number;
  /** Minimum length of one repetition (it runs as many batches as that takes). */
  minMs: number;
  /** Ops of the policy's search space (default: the 19-op DDAS CIFAR space). */
  space: readonly OpName[];
}

function parseArgs(argv: readonly string[]): Settings {
  const quick = argv.includes('--quick');
  const batchAt = argv.indexOf('--batch');
  const batch = batchAt >= 0 ? Number(argv[batchAt + 1]) : 128;
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`--batch needs a positive integer, got ${argv[batchAt + 1]}`);
  const spaceAt = argv.indexOf('--space');
  const space = spaceAt >= 0 ? (argv[spaceAt + 1] ?? '').split(',').filter((x) => x !== '') : [...DDAS_CIFAR_OPS];
  for (const op of space) if (!isOpName(op)) throw new Error(`--space: unknown op ${op}; allowed: ${OP_NAMES.join(', ')}`);
  const known = new Set(['--quick', '--batch', '--no-peer', '--space']);
  for (const [i, a] of argv.entries()) {
    if (a.startsWith('--') && !known.has(a)) throw new Error(`unknown option ${a}; use --quick, --batch N, --space OP,OP,..., --no-peer`);
    if (!a.startsWith('--') && argv[i - 1] !== '--batch' && argv[i - 1] !== '--space') throw new Error(`unexpected argument ${a}`);
  }
  const common = { quick, batch, peer: !argv.includes('--no-peer'), space: space as OpName[] };
  return quick ? { ...common, warmup: 1, reps: 3, minMs: 60 } : { ...common, warmup: 3, reps: 9, minMs: 300 };
}

// ---------------------------------------------------------------- images

interface Images {
  /** NHWC uint8, 3 channels. */
  readonly data: Uint8Array;
  readonly count: number;
  readonly source: string;
}

function loadImages(count: number): Images {
  if (fs.existsSync(FMNIST)) {
    const idx = zlib.gunzipSync(fs.readFileSync(FMNIST));
    const n = idx.readUInt32BE(4);
    const h = idx.readUInt32BE(8);
    const w = idx.readUInt32BE(12);
    if (count <= n && h <= SIDE && w <= SIDE) {
      const data = new Uint8Array(count * SIDE * SIDE * 3);
      const top = (SIDE - h) >> 1;
      const left = (SIDE - w) >> 1;
      for (let i = 0; i < count; i++) {
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const v = idx[16 + (i * h + y) * w + x];
            const o = ((i * SIDE + y + top) * SIDE + x + left) * 3;
            data[o] = v;
            data[o + 1] = v;
            data[o + 2] = v;
          }
        }
      }
      return { data, count, source: `Fashion-MNIST t10k images 0-${count - 1} (${w}x${h} gray), replicated to RGB and zero-padded to ${SIDE}x${SIDE}` };
    }
  }
  // Smooth colour gradients with a blob: content-dependent ops (Equalize) see real histograms.
  const rng = Rng.seeded(1);
  const data = new Uint8Array(count * SIDE * SIDE * 3);
  for (let i = 0; i < count; i++) {
    const f = [1 + rng.uniform() * 3, 1 + rng.uniform() * 3, 1 + rng.uniform() * 3];
    const cx = rng.uniform() * SIDE;
    const cy = rng.uniform() * SIDE;
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const blob = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 40);
        for (let c = 0; c < 3; c++) {
          const v = 127.5 + 90 * Math.sin((f[c] * (x + y * (c + 1))) / SIDE) + 60 * blob;
          data[((i * SIDE + y) * SIDE + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
        }
      }
    }
  }
  return { data, count, source: `synthetic smooth colour images ${SIDE}x${SIDE} (Fashion-MNIST not found at ${FMNIST})` };
}

// ---------------------------------------------------------------- timing

interface Stats {
  /** Images per second: median, min and max over the repetitions. */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly reps: number;
  readonly imagesPerRep: number;
  /** Median images per second of this process's CPU time (robust to other load on the cores). */
  readonly cpuMedian: number;
}

/** Runs `batchFn` (one batch of `batchSize` images, synchronous to the last byte). */
function timeBatches(batchFn: () => void, batchSize: number, s: Settings): Stats {
  for (let i = 0; i < s.warmup; i++) batchFn();
  const t0 = performance.now();
  batchFn();
  const one = Math.max(performance.now() - t0, 1e-3);
  const batches = Math.max(1, Math.ceil(s.minMs / one));
  const rates: number[] = [];
  const cpuRates: number[] = [];
  for (let r = 0; r < s.reps; r++) {
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    for (let b = 0; b < batches; b++) batchFn();
    rates.push((batches * batchSize) / ((performance.now() - start) / 1000));
    const cpu = process.cpuUsage(cpu0);
    cpuRates.push((batches * batchSize) / Math.max((cpu.user + cpu.system) / 1e6, 1e-6));
  }
  return { median: median(rates), min: Math.min(...rates), max: Math.max(...rates), reps: s.reps, imagesPerRep: batches * batchSize, cpuMedian: median(cpuRates) };
}

type Path = 'uint8' | 'tensor';
const PATHS: readonly Path[] = ['uint8', 'tensor'];

/** The two inputs of one batch: uint8 NHWC bytes and the same values as a float32 tensor. */
interface Inputs {
  readonly bytes: Uint8Array;
  readonly tensor: ImageBatch;
}

const FRAME = { width: SIDE, height: SIDE, channels: 3 } as const;

/** One timed unit of work on `path`: draw plans, apply them, have every output value in hand. */
function runBatch(path: Path, inputs: Inputs, plans: () => ImagePlan[]): void {
  if (path === 'uint8') {
    augmentBatch(inputs.bytes, FRAME, plans());
    return;
  }
  const out = applyPlans(inputs.tensor, plans());
  out.dataSync();
  out.dispose();
}

type Outcome = { status: 'ok'; stats: Stats; leaked: number } | { status: 'error'; message: string };

function measure(path: Path, inputs: Inputs, plans: () => ImagePlan[], s: Settings): Outcome {
  const before = tf.memory().numTensors;
  try {
    runBatch(path, inputs, plans); // fails fast before any timing
    const stats = timeBatches(() => runBatch(path, inputs, plans), inputs.tensor.shape[0], s);
    return { status: 'ok', stats, leaked: tf.memory().numTensors - before };
  } catch (e) {
    return { status: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}

// ---------------------------------------------------------------- policy

function uniformPolicy(ops: readonly OpName[], opsPerImage: number, applyProbability: number): Policy {
  const space = buildSpace(ops);
  const operations = space.map((c) =>
    c.magnitude === undefined ? { op: c.op, probability: 1 / space.length } : { op: c.op, magnitude: c.magnitude, probability: 1 / space.length },
  );
  const checked = validatePolicy({ version: 1, opsPerImage, applyProbability, operations });
  if (!checked.ok) throw new Error(`benchmark policy is invalid: ${JSON.stringify(checked.problems)}`);
  return checked.policy;
}

/** Milliseconds per batch of each stage of a uint8 policy batch (not part of the timed numbers). */
interface Breakdown {
  readonly batches: number;
  readonly sampling: number;
  readonly program: number;
  readonly ops: number;
}

function policyBreakdown(bytes: Uint8Array, policy: Policy, rng: Rng, count: number, batches: number): Breakdown {
  const out = new Uint8Array(bytes.length);
  const t = { sampling: 0, program: 0, ops: 0 };
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    const plans = samplePlans(policy, count, rng);
    const t1 = performance.now();
    const program = programFromPlans(plans, FRAME);
    const t2 = performance.now();
    runProgram(program, FRAME, bytes, out);
    const t3 = performance.now();
    t.sampling += t1 - t0;
    t.program += t2 - t1;
    t.ops += t3 - t2;
  }
  return { batches, sampling: t.sampling / batches, program: t.program / batches, ops: t.ops / batches };
}

// ---------------------------------------------------------------- torchvision peer

interface PeerReport {
  python: string;
  torch: string;
  torchvision: string;
  pil: string;
  threads: number;
  randAugmentArgs: { num_ops: number; magnitude: number; num_magnitude_bins: number };
  peers: Record<string, Stats>;
  ops: Partial<Record<OpName, Stats>>;
  perOpError: string | null;
}

function runPeer(images: Images, s: Settings, perOp = true): Promise<PeerReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddas-bench-'));
  const file = path.join(dir, 'images.bin');
  fs.writeFileSync(file, images.data);
  const args = [
    path.join(BENCH, 'ops_torchvision.py'),
    '--images', file, '--count', String(images.count), '--height', String(SIDE), '--width', String(SIDE),
    '--threads', '2', '--warmup', String(s.quick ? 1 : 2), '--reps', String(s.quick ? 3 : 7), '--min-seconds', String(s.minMs / 1000),
    ...(perOp ? [] : ['--no-per-op']),
  ];
  return new Promise<PeerReport>((resolve, reject) => {
    const child = spawn(PYTHON, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      fs.rmSync(dir, { recursive: true, force: true });
      if (code !== 0) reject(new Error(`${PYTHON} exited with ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      else {
        try {
          resolve(JSON.parse(out) as PeerReport);
        } catch (e) {
          reject(new Error(`peer printed no JSON (${String(e)}): ${out.slice(0, 200)}`));
        }
      }
    });
  });
}

// ---------------------------------------------------------------- report

function fmt(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

function paramText(op: OpName): string {
  const spec = OPS[op].magnitude;
  if (spec === null) return '-';
  const p = Math.round(opParameter(op, MAGNITUDE, 1, { width: SIDE, height: SIDE }) * 1000) / 1000;
  switch (spec.kind) {
    case 'enhance':
      return `factor 1 +/- ${Math.round((p - 1) * 1000) / 1000}`;
    case 'rotate':
      return `+/-${p} degrees`;
    case 'shear':
      return `+/-${p}`;
    case 'translate':
      return `+/-${p} px`;
    case 'posterize':
      return `${p} bits kept`;
    case 'solarize':
      return `>= ${p} inverted`;
    case 'cutout':
      return `${p} px square`;
  }
}

function loadText(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join('/');
}

function cpuModel(): string {
  try {
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch {
    // not Linux: fall back to what Node reports
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function statsCell(st: Stats | undefined): string {
  return st ? `${fmt(st.median)} (${fmt(st.cpuMedian)})` : '-';
}

function outcomeCell(o: Outcome | undefined): string {
  if (!o) return '-';
  if (o.status === 'ok') return statsCell(o.stats);
  return '*error*';
}

interface PolicyRow {
  readonly n: number;
  readonly p: number;
  readonly path: Path;
  readonly policy: Policy;
  readonly peer: string | null;
  readonly outcome: Outcome;
}

/** Whether outcome a has the higher median rate (an error never wins). */
function better(a: Outcome, b: Outcome): boolean {
  if (a.status !== 'ok') return false;
  return b.status !== 'ok' || a.stats.median > b.stats.median;
}

/** The first report, with each whole-pipeline peer taken from the round where it ran faster. */
function mergePeers(a: PeerReport | null, b: PeerReport | null): PeerReport | null {
  if (!a || !b) return a ?? b;
  const peers = { ...a.peers };
  for (const [name, st] of Object.entries(b.peers)) if (!peers[name] || st.median > peers[name].median) peers[name] = st;
  return { ...a, peers };
}

async function main(): Promise<void> {
  const s = parseArgs(process.argv.slice(2));
  const started = new Date();
  const loadAtStart = loadText();
  const backend = await useBackend('wasm');
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const imgs = loadImages(s.batch);
  const inputs: Inputs = { bytes: imgs.data, tensor: tf.tensor4d(Float32Array.from(imgs.data), [s.batch, SIDE, SIDE, 3], 'float32') };
  const rng = Rng.seeded(42);
  const log = (msg: string): void => void process.stderr.write(`${msg}\n`);
  const rate = (o: Outcome): string => (o.status === 'ok' ? `${fmt(o.stats.median)} images/s` : `error: ${o.message}`);

  const ops = new Map<OpName, Record<Path, Outcome>>();
  for (const op of OP_NAMES) {
    const plans = (): ImagePlan[] => fixedOpPlans(op, MAGNITUDE, 'random', s.batch, rng);
    const o = { uint8: measure('uint8', inputs, plans, s), tensor: measure('tensor', inputs, plans, s) };
    ops.set(op, o);
    log(`${op.padEnd(13)} uint8 ${rate(o.uint8)}, tensor ${rate(o.tensor)}`);
  }

  // n = 2 is RandAugment's op count, n = 1 TrivialAugmentWide's: each is compared with its like.
  const variants = [
    { n: 2, p: 1.0, peer: 'RandAugment (PIL)' },
    { n: 2, p: 0.5, peer: null },
    { n: 1, p: 1.0, peer: 'TrivialAugmentWide (PIL)' },
  ] as const;
  let peerError = s.peer ? '' : 'skipped (--no-peer)';
  const measurePolicies = (round: number): PolicyRow[] =>
    variants.flatMap(({ n, p, peer }) => {
      const policy = uniformPolicy(s.space, n, p);
      return PATHS.map((path) => {
        const o = measure(path, inputs, () => samplePlans(policy, s.batch, rng), s);
        log(`round ${round}: policy n=${n} p=${p} ${path} ${rate(o)}`);
        return { n, p, path, policy, peer, outcome: o };
      });
    });
  const runPeerLogged = async (round: number, perOp: boolean): Promise<PeerReport | null> => {
    log(`round ${round}: torchvision peer ...`);
    try {
      return await runPeer(imgs, s, perOp); // never concurrently with the TypeScript side
    } catch (e) {
      peerError = e instanceof Error ? e.message : String(e);
      log(`peer failed: ${peerError}`);
      return null;
    }
  };

  // Two rounds, ours then the peer's each time, and the better round of each pipeline is
  // reported: a slow spell of this shared machine then costs neither side its result.
  const first = measurePolicies(1);
  const peer1 = s.peer ? await runPeerLogged(1, true) : null;
  const second = measurePolicies(2);
  const peer2 = s.peer ? await runPeerLogged(2, false) : null;
  const policies = first.map((row, i) => (better(second[i].outcome, row.outcome) ? second[i] : row));
  const peer = mergePeers(peer1, peer2);
  const full = policies[0];
  const breakdown = policyBreakdown(inputs.bytes, full.policy, rng, s.batch, s.quick ? 20 : 200);
  inputs.tensor.dispose();
  const loadAfterTfjs = loadText();

  const loadAtEnd = loadText();
  const md: string[] = [];
  const date = started.toISOString();
  md.push(`# Augmentation op throughput${s.quick ? ' (quick smoke run: few repetitions, numbers are rough)' : ''}`, '');
  md.push(`- Date: ${date}`);
  md.push(`- Command: \`node bench/run.mjs ops${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}\``);
  md.push(`- Machine: ${cpuModel()}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average (1/5/15 min) at start ${loadAtStart}, after both rounds ${loadAfterTfjs}, at end ${loadAtEnd} (other work on the 2 cores skews both sides)`);
  md.push(`- Node ${process.version}; tfjs-core ${tf.version_core}, tfjs-backend-wasm ${packageVersion('@tensorflow/tfjs-backend-wasm')}, backend ${backend} (SIMD ${simd}, one thread); the augmentation itself runs on one JavaScript thread`);
  md.push(
    peer
      ? `- Peer: Python ${peer.python}, torch ${peer.torch}, torchvision ${peer.torchvision}, PIL ${peer.pil}, torch threads ${peer.threads}; per image in a Python loop`
      : `- Peer: unavailable - ${peerError}`,
  );
  md.push(`- Images: ${imgs.source}; batch ${s.batch}`);
  md.push(`- Paths: **uint8** = \`augmentBatch\` on the NHWC uint8 batch (bytes in, bytes out, as PIL's images); **tensor** = \`applyPlans\` on a float32 tfjs tensor (one DdasAugment kernel call, wasm backend) + \`dataSync\` + dispose. Both run the same op code; every batch includes drawing the plans.`);
  md.push(`- Timing: median images/s by wall clock over ${s.reps} repetitions of >= ${s.minMs} ms after ${s.warmup} warm-up batches, and in brackets by the process's own CPU time; ratios use wall clock. Whole policies and whole torchvision pipelines are measured in two alternating rounds (ours, peer, ours, peer) and each row shows its better round`);
  md.push('');

  md.push(`## Single ops (m = ${MAGNITUDE}, random sign per image)`, '');
  md.push(`| op | parameter at m = ${MAGNITUDE} | uint8, batch ${s.batch} (images/s, CPU-time rate) | tensor (wasm), batch ${s.batch} | PIL per image | uint8 / PIL |`);
  md.push('|---|---|---:|---:|---:|---:|');
  for (const op of OP_NAMES) {
    const o = ops.get(op);
    const py = peer?.ops[op];
    const r = o?.uint8.status === 'ok' && py ? ratio(o.uint8.stats.median, py.median) : '-';
    md.push(`| ${op} | ${paramText(op)} | ${outcomeCell(o?.uint8)} | ${outcomeCell(o?.tensor)} | ${statsCell(py)} | ${r} |`);
  }
  const leaks = [...ops.entries()].filter(([, o]) => o.tensor.status === 'ok' && o.tensor.leaked !== 0);
  if (leaks.length > 0) md.push('', `Tensor leaks (tensors left after the run): ${leaks.map(([op]) => op).join(', ')}.`);
  const failed = [...ops.entries()].flatMap(([op, o]) => PATHS.flatMap((path) => (o[path].status === 'ok' ? [] : [`${op} ${path}`])));
  if (failed.length > 0) md.push('', `Failed: ${failed.join('; ')}.`);
  if (peer?.perOpError) md.push('', `PIL per-op column unavailable: ${peer.perOpError}`);
  md.push('', 'PIL per image = the op alone as scripts/make-op-references.py applies it (torchvision 0.14 `_apply_op` semantics; Cutout in numpy).', '');

  md.push(`## Whole policy vs torchvision (target: >= ${TARGET_RATIO}x per-image throughput)`, '');
  const isDefault = s.space.length === DDAS_CIFAR_OPS.length && s.space.every((op, i) => op === DDAS_CIFAR_OPS[i]);
  const spaceText = isDefault ? `the default ${buildSpace().length}-category DDAS space (\`buildSpace()\`)` : `a custom ${buildSpace(s.space).length}-category space over ${s.space.join(', ')} (NOT the default space)`;
  md.push(`Policies: uniform over ${spaceText}, opsPerImage 2 (as RandAugment) and 1 (as TrivialAugmentWide); batch ${s.batch}. Peers: \`RandAugment()\` (num_ops ${peer?.randAugmentArgs.num_ops ?? 2}, magnitude ${peer?.randAugmentArgs.magnitude ?? 9}) and \`TrivialAugmentWide()\` (one op per image), defaults, per image.`, '');
  const peerNames = ['RandAugment (PIL)', 'TrivialAugmentWide (PIL)', 'RandAugment (tensor)', 'TrivialAugmentWide (tensor)'];
  md.push(`| pipeline | images/s (CPU-time rate) | min-max | ${peerNames.map((n) => `vs ${n}`).join(' | ')} |`);
  md.push(`|---|---:|---|${peerNames.map(() => '---:').join('|')}|`);
  for (const { n, p, path, outcome } of policies) {
    const cells = peerNames.map((n) => (outcome.status === 'ok' && peer?.peers[n] ? ratio(outcome.stats.median, peer.peers[n].median) : '-'));
    const range = outcome.status === 'ok' ? `${fmt(outcome.stats.min)}-${fmt(outcome.stats.max)}` : outcome.message;
    md.push(`| DDAS policy n=${n}, applyProbability ${p.toFixed(1)}, ${path} | ${outcomeCell(outcome)} | ${range} | ${cells.join(' | ')} |`);
  }
  for (const n of peerNames) {
    const st = peer?.peers[n];
    md.push(`| torchvision ${n} | ${statsCell(st)} | ${st ? `${fmt(st.min)}-${fmt(st.max)}` : ''} | ${peerNames.map(() => '').join(' | ')} |`);
  }
  md.push('');
  for (const { n, path, peer: like, outcome } of policies) {
    if (like === null) continue;
    if (outcome.status !== 'ok' || !peer) {
      md.push(`**Target not evaluated (n=${n}, ${path})**: ${outcome.status !== 'ok' ? `policy ${outcome.status}` : `peer ${peerError}`}.`, '');
      continue;
    }
    const wall = outcome.stats.median / peer.peers[like].median;
    const cpu = outcome.stats.cpuMedian / peer.peers[like].cpuMedian;
    md.push(`**Target ${wall >= TARGET_RATIO ? 'MET' : 'MISSED'} (n=${n} vs ${like}, ${path} path)**: ${wall.toFixed(2)}x by wall clock, ${cpu.toFixed(2)}x by CPU time; target ${TARGET_RATIO}x.`, '');
  }

  const b = breakdown;
  const total = b.sampling + b.program + b.ops;
  md.push(`## Where a uint8 policy batch spends its time (applyProbability 1.0, ${b.batches} batches)`, '');
  md.push(`Per batch of ${s.batch}: ${total.toFixed(2)} ms = drawing the plans ${b.sampling.toFixed(2)} ms + building the program (parameters) ${b.program.toFixed(2)} ms + running the ops ${b.ops.toFixed(2)} ms (${((1000 * b.ops) / s.batch).toFixed(1)} us per image for its two ops). Per op, the single-op uint8 column above gives the cost: 10^6 / rate us per image.`);
  const tensorFull = policies[PATHS.indexOf('tensor')].outcome;
  if (full.outcome.status === 'ok' && tensorFull.status === 'ok') {
    const extra = (1e6 / tensorFull.stats.median - 1e6 / full.outcome.stats.median);
    md.push('', `The tensor path costs ${extra.toFixed(1)} us more per image than the uint8 path: float32 -> byte conversion in and out of the kernel and the dataSync copy out of the wasm heap.`);
  }
  md.push('');

  const text = md.join('\n');
  process.stdout.write(`${text}\n`);
  const outDir = path.join(BENCH, 'out');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `ops-${date.slice(0, 10)}${s.quick ? '-quick' : ''}.md`);
  fs.writeFileSync(file, `${text}\n`);
  log(`written ${path.relative(ROOT, file)}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
