/**
 * Training-step throughput of a ~78k-parameter ResNet-8-style net (3 stages of 16/32/64
 * channels, one basic block each, batch norm, global average pool, dense 10) at batch
 * 128 on the wasm backend with and without our gradient kernels, and on the pure-JS cpu
 * backend for a single step.
 *
 *   npx tsx bench/kernels.ts [--steps 5] [--batch 128] [--shapes cifar,mnist] [--only REGEX] [--no-cpu] [--cpu-stock] [--no-layers] [--no-peer]
 *
 * First, per layer of the net: each gradient kernel with our wasm SIMD kernels off
 * (composed from XNNPACK convs) and on, beside the same convolutions in PyTorch
 * (bench/layers_torch.py, 1 and 2 threads), and batch norm's forward + backward with
 * stock ops and fused. Then whole training steps per configuration.
 * Each cell is images/s by wall clock and, in brackets, by this process's CPU time:
 * the backends use one thread, so the second figure is what an idle machine would
 * show when other work shares the cores.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { tf, useBackend } from '../src/engine/tf';
import { BENCH, PYTHON } from './common';
import { registerTrainingKernels, registerWasmTrainingKernels, unregisterTrainingKernels, type TrainingKernelName } from '../src/engine/backend/kernels';
import { batchNormTrain } from '../src/engine/nn/layers';

type BatchNorm = (x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D) => tf.Tensor4D;

const oursBN: BatchNorm = (x, g, b) => batchNormTrain(x, g, b).y;
const stockBN: BatchNorm = (x, g, b) => {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x, mean, variance, b, g, 1e-5) as tf.Tensor4D;
};

interface Net {
  vars: tf.Variable[];
  logits: (x: tf.Tensor4D, bn: BatchNorm) => tf.Tensor2D;
}

function heNormal(shape: number[], fanIn: number): tf.Variable {
  return tf.variable(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 1), Math.sqrt(2 / fanIn)));
}

/** ResNet-8: stem, three basic blocks (strides 1, 2, 2; 1x1 projection when the shape changes), pool, dense. */
function resnet8(channels: number): Net {
  const vars: tf.Variable[] = [];
  const conv = (k: number, cin: number, cout: number): tf.Variable => {
    const v = heNormal([k, k, cin, cout], k * k * cin);
    vars.push(v);
    return v;
  };
  const bnParams = (c: number): [tf.Variable, tf.Variable] => {
    const p: [tf.Variable, tf.Variable] = [tf.variable(tf.ones([c])), tf.variable(tf.zeros([c]))];
    vars.push(...p);
    return p;
  };
  const stem = { w: conv(3, channels, 16), bn: bnParams(16) };
  const blocks = ([[16, 16, 1], [16, 32, 2], [32, 64, 2]] as const).map(([cin, cout, stride]) => ({
    stride,
    w1: conv(3, cin, cout),
    bn1: bnParams(cout),
    w2: conv(3, cout, cout),
    bn2: bnParams(cout),
    proj: cin !== cout || stride !== 1 ? conv(1, cin, cout) : undefined,
  }));
  const dense = heNormal([64, 10], 64);
  const bias = tf.variable(tf.zeros([10]));
  vars.push(dense, bias);
  const logits = (x: tf.Tensor4D, bn: BatchNorm): tf.Tensor2D => {
    const cbr = (h: tf.Tensor4D, w: tf.Variable, p: [tf.Variable, tf.Variable], s: number, relu: boolean): tf.Tensor4D => {
      const y = bn(tf.conv2d(h, w as tf.Tensor4D, s, 'same'), p[0] as tf.Tensor1D, p[1] as tf.Tensor1D);
      return relu ? (tf.relu(y) as tf.Tensor4D) : y;
    };
    let h = cbr(x, stem.w, stem.bn, 1, true);
    for (const b of blocks) {
      const r = cbr(cbr(h, b.w1, b.bn1, b.stride, true), b.w2, b.bn2, 1, false);
      const skip = b.proj ? tf.conv2d(h, b.proj as tf.Tensor4D, b.stride, 'same') : h;
      h = tf.relu(tf.add(r, skip)) as tf.Tensor4D;
    }
    const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
    return tf.add(tf.matMul(pooled, dense as tf.Tensor2D), bias) as tf.Tensor2D;
  };
  return { vars, logits };
}

/** One SGD step (forward, backward, update); returns the loss. */
function trainStep(net: Net, x: tf.Tensor4D, y: tf.Tensor2D, bn: BatchNorm, lr: number): number {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, net.logits(x, bn)) as tf.Scalar, net.vars);
    for (const v of net.vars) v.assign(tf.sub(v, tf.mul(grads[v.name], lr)));
    return value.dataSync()[0];
  });
}

interface Variant {
  label: string;
  backend: 'wasm' | 'cpu';
  kernels: readonly TrainingKernelName[];
  /** Everything the engine registers on wasm (registerWasmTrainingKernels), SIMD kernels on; else `kernels` only, composed. */
  simd?: boolean;
  bn: BatchNorm;
  steps: (n: number) => number;
  /** Run one untimed step first (operator creation); too costly on plain JS. */
  warmup: boolean;
}

const ALL: readonly TrainingKernelName[] = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'];

/** Sets DDAS_WASM_SIMD_KERNELS, which our kernels read on every call. */
function setSimd(on: boolean): void {
  if (on) delete process.env.DDAS_WASM_SIMD_KERNELS;
  else process.env.DDAS_WASM_SIMD_KERNELS = 'off';
}

async function measure(v: Variant, shape: [number, number, number], batch: number, steps: number): Promise<string> {
  unregisterTrainingKernels(v.backend);
  if (v.simd) registerWasmTrainingKernels();
  else if (v.kernels.length) registerTrainingKernels(v.backend, v.kernels);
  setSimd(v.simd ?? false);
  await useBackend(v.backend);
  const net = resnet8(shape[2]);
  const x = tf.randomUniform([batch, ...shape], 0, 1, 'float32', 2) as tf.Tensor4D;
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 3) as tf.Tensor1D, 10) as tf.Tensor2D;
  try {
    const n = v.steps(steps);
    if (v.warmup) trainStep(net, x, y, v.bn, 0.01);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) trainStep(net, x, y, v.bn, 0.01);
    const wall = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(c0);
    const cpu = (used.user + used.system) / 1e6;
    const rate = (sec: number): string => ((batch * n) / sec).toFixed(1);
    return `${rate(wall)} [${rate(cpu)}] (${((wall / n) * 1000).toFixed(0)} ms/step, ${n} step${n > 1 ? 's' : ''})`;
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return `cannot train: ${msg}`;
  } finally {
    tf.dispose([x, y, ...net.vars]);
    unregisterTrainingKernels(v.backend);
  }
}

// ---- per layer: each gradient kernel with our SIMD kernels on and off --------------------------

interface Layer {
  name: string;
  x: [number, number, number, number];
  k: number;
  co: number;
  stride: number;
  /** Times this conv runs in one pass of the 28x28x1 net (its stem needs no input gradient). */
  uses: number;
}

/** The proxy net's convolutions (bench/ddas.ts's resnet-small) at batch `n`. */
function layers(n: number): Layer[] {
  return [
    { name: 'stem, 28x28x1', x: [n, 28, 28, 1], k: 3, co: 16, stride: 1, uses: 1 },
    { name: 'stem, 32x32x3', x: [n, 32, 32, 3], k: 3, co: 16, stride: 1, uses: 0 },
    { name: 'stage 1 conv1, conv2', x: [n, 28, 28, 16], k: 3, co: 16, stride: 1, uses: 2 },
    { name: 'stage 2 conv1, stride 2', x: [n, 28, 28, 16], k: 3, co: 32, stride: 2, uses: 1 },
    { name: 'stage 2 projection 1x1, stride 2', x: [n, 28, 28, 16], k: 1, co: 32, stride: 2, uses: 1 },
    { name: 'stage 2 conv2', x: [n, 14, 14, 32], k: 3, co: 32, stride: 1, uses: 1 },
    { name: 'stage 3 conv1, stride 2', x: [n, 14, 14, 32], k: 3, co: 64, stride: 2, uses: 1 },
    { name: 'stage 3 projection 1x1, stride 2', x: [n, 14, 14, 32], k: 1, co: 64, stride: 2, uses: 1 },
    { name: 'stage 3 conv2', x: [n, 7, 7, 64], k: 3, co: 64, stride: 1, uses: 1 },
  ];
}

/** Best of `reps` wall-clock runs of `f`, in ms (each result read back, then freed). */
function bestMs(f: () => tf.Tensor | tf.Tensor[], reps = 5): number {
  let best = Infinity;
  for (let r = 0; r < reps + 1; r++) {
    const t0 = performance.now();
    const out = f();
    for (const t of [out].flat()) t.dataSync();
    const ms = performance.now() - t0;
    if (r > 0) best = Math.min(best, ms); // the first run creates XNNPACK operators
    tf.dispose(out);
  }
  return best;
}

/** Multiply-accumulates of a 'same' conv over `l` (what each of forward, filter and input gradient does). */
function macs(l: Layer): number {
  const [n, h, w, ci] = l.x;
  return n * Math.ceil(h / l.stride) * Math.ceil(w / l.stride) * l.k * l.k * ci * l.co;
}

const gflops = (l: Layer, ms: number): string => `${((2 * macs(l)) / ms / 1e6).toFixed(0)} GF/s`;

interface ConvTimes {
  forward: number;
  filter: number;
  input: number;
}

/** bench/layers_torch.py: the same convolutions in PyTorch, per thread count; or why not. */
function torchLayers(ls: readonly Layer[], threads: readonly number[]): { version: string; times: Map<number, ConvTimes[]> } | string {
  const config = { threads, layers: ls.map((l) => ({ x: l.x, k: l.k, co: l.co, stride: l.stride })) };
  const r = spawnSync(PYTHON, [path.join(BENCH, 'layers_torch.py'), JSON.stringify(config)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return `PyTorch peer failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  const out = JSON.parse(r.stdout) as { torch: string; results: Record<string, ConvTimes[]> };
  return { version: out.torch, times: new Map(threads.map((t) => [t, out.results[String(t)]])) };
}

const cell = (composed: number, simd: number): string => `${composed.toFixed(1)} -> **${simd.toFixed(1)}** (${(composed / simd).toFixed(2)}x)`;

/** Per-layer table: forward conv, then each gradient composed -> with our SIMD kernels, beside PyTorch. */
async function layerTable(batch: number, peer: boolean): Promise<string> {
  await useBackend('wasm');
  registerWasmTrainingKernels();
  const ls = layers(batch);
  const rows: string[] = [];
  const both = (f: () => tf.Tensor | tf.Tensor[]): [number, number] => {
    setSimd(false);
    const off = bestMs(f);
    setSimd(true);
    return [off, bestMs(f)];
  };
  const before: ConvTimes[] = [];
  const after: ConvTimes[] = [];
  for (const l of ls) {
    const [n, h, w, ci] = l.x;
    const x = tf.randomNormal(l.x, 0, 1, 'float32', 1) as tf.Tensor4D;
    const filter = tf.randomNormal([l.k, l.k, ci, l.co], 0, 1, 'float32', 2) as tf.Tensor4D;
    const y = tf.conv2d(x, filter, l.stride, 'same');
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3) as tf.Tensor4D;
    const attrs = { strides: [l.stride, l.stride], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: 'floor' } as const;
    const fwd = bestMs(() => tf.conv2d(x, filter, l.stride, 'same'));
    const dw = both(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: filter.shape }) as tf.Tensor);
    const dx = both(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: [n, h, w, ci] }) as tf.Tensor);
    before.push({ forward: fwd, filter: dw[0], input: dx[0] });
    after.push({ forward: fwd, filter: dw[1], input: dx[1] });
    tf.dispose([x, filter, y, dy]);
  }
  const torch = peer ? torchLayers(ls, [1, 2]) : 'PyTorch peer: not run (--no-peer)';
  const pt = (threads: number, i: number, k: keyof ConvTimes): string => (typeof torch === 'string' ? 'n/a' : torch.times.get(threads)![i][k].toFixed(1));
  ls.forEach((l, i) => {
    const [b, a] = [before[i], after[i]];
    rows.push(
      `| ${l.name} | [${l.x.join(', ')}] -> ${l.co}, ${l.k}x${l.k} | ${a.forward.toFixed(1)} (${gflops(l, a.forward)}) | ${pt(1, i, 'forward')} | ${cell(b.filter, a.filter)}, ${gflops(l, a.filter)} | ${pt(1, i, 'filter')} | ${cell(b.input, a.input)}, ${gflops(l, a.input)} | ${pt(1, i, 'input')} |`,
    );
  });
  // One training pass of the 28x28x1 net: every conv forward and both gradients, but no input gradient for the stem.
  const pass = (t: readonly ConvTimes[]): number => ls.reduce((sum, l, i) => sum + l.uses * (t[i].forward + t[i].filter + (i === 0 ? 0 : t[i].input)), 0);
  const passLines =
    typeof torch === 'string'
      ? [`Convolutions of one training pass of the 28x28x1 net: ${pass(before).toFixed(0)} ms composed -> ${pass(after).toFixed(0)} ms with our SIMD kernels (${torch}).`]
      : [
          `Convolutions of one training pass of the 28x28x1 net (forward, filter and input gradients; batch ${batch}): composed ${pass(before).toFixed(0)} ms -> ours **${pass(after).toFixed(0)} ms**; PyTorch ${torch.version} 1 thread ${pass(torch.times.get(1)!).toFixed(0)} ms, 2 threads ${pass(torch.times.get(2)!).toFixed(0)} ms.`,
          `Ours / PyTorch 1 thread: **${(pass(torch.times.get(1)!) / pass(after)).toFixed(2)}x** of its speed; ours on each of 2 threads vs PyTorch 2 threads: ${(pass(torch.times.get(2)!) / (pass(after) / 2)).toFixed(2)}x.`,
        ];
  const bnRows: string[] = [];
  for (const shape of [[batch, 28, 28, 16], [batch, 14, 14, 32], [batch, 7, 7, 64]] as [number, number, number, number][]) {
    const x = tf.randomNormal(shape, 1, 2, 'float32', 4) as tf.Tensor4D;
    const gamma = tf.ones([shape[3]]) as tf.Tensor1D;
    const beta = tf.zeros([shape[3]]) as tf.Tensor1D;
    const w = tf.randomNormal(shape, 0, 1, 'float32', 5);
    const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar => tf.sum(tf.mul(batchNormTrain(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D).y, w));
    const [off, on] = both(() => tf.grads(loss)([x, gamma, beta]));
    bnRows.push(`| [${shape.join(', ')}] | ${cell(off, on)} |`);
    tf.dispose([x, gamma, beta, w]);
  }
  setSimd(true);
  return [
    `Each convolution of the net, ms (best of 5), batch ${batch}; gradients composed from XNNPACK convs (DDAS_WASM_SIMD_KERNELS=off) -> with our SIMD kernels; PT-1 = PyTorch, 1 thread (bench/layers_torch.py, same run):\n`,
    '| layer | shape | forward Conv2D | PT-1 | Conv2DBackpropFilter | PT-1 | Conv2DBackpropInput | PT-1 |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...passLines,
    '\nbatchNormTrain forward + backward (tf.grads), stock ops -> our fused kernels, ms (best of 5):\n',
    '| x | composed -> fused |',
    '|---|---|',
    ...bnRows,
  ].join('\n');
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const steps = Number(arg('steps', '5'));
  const batch = Number(arg('batch', '128'));
  const shapes = arg('shapes', 'cifar,mnist')
    .split(',')
    .map((s): [string, [number, number, number]] => (s === 'mnist' ? ['28x28x1', [28, 28, 1]] : ['32x32x3', [32, 32, 3]]));
  const variants: Variant[] = [
    { label: 'wasm as the engine runs it: our gradient kernels with SIMD, fused batchNormTrain, zero-copy Identity/Cast', backend: 'wasm', kernels: ALL, simd: true, bn: oursBN, steps: (n) => n, warmup: true },
    { label: 'wasm + our 4 gradient kernels + batchNormTrain', backend: 'wasm', kernels: ALL, bn: oursBN, steps: (n) => n, warmup: true },
    { label: 'wasm + our 4 gradient kernels, stock tf.batchNorm', backend: 'wasm', kernels: ALL, bn: stockBN, steps: (n) => n, warmup: true },
    { label: 'wasm + our filter-gradient kernel only, batchNormTrain', backend: 'wasm', kernels: ['Conv2DBackpropFilter'], bn: oursBN, steps: (n) => Math.max(1, Math.ceil(n / 2)), warmup: true },
    { label: 'stock wasm', backend: 'wasm', kernels: [], bn: stockBN, steps: () => 1, warmup: false },
  ];
  if (!process.argv.includes('--no-cpu')) {
    variants.push({ label: 'cpu (pure JS) + our gradient kernels + batchNormTrain', backend: 'cpu', kernels: ALL, bn: oursBN, steps: () => 1, warmup: false });
  }
  if (process.argv.includes('--cpu-stock')) {
    variants.push({ label: 'stock cpu (pure JS), stock tf.batchNorm', backend: 'cpu', kernels: [], bn: stockBN, steps: () => 1, warmup: false });
  }
  if (!process.argv.includes('--no-layers')) console.log(`${await layerTable(batch, !process.argv.includes('--no-peer'))}\n`);
  await useBackend('wasm');
  const only = new RegExp(arg('only', '.'));
  const chosen = variants.filter((v) => only.test(v.label));
  const net = resnet8(3);
  const params = net.vars.reduce((a, v) => a + v.size, 0);
  tf.dispose(net.vars);
  console.log(`ResNet-8-style net, ${params} parameters (3-channel input), batch ${batch}; images/s of one training step (forward + backward + SGD), wall [CPU time]\n`);
  const header = `| config | ${shapes.map(([n]) => n).join(' | ')} |`;
  const rows: string[] = [];
  for (const v of chosen) {
    const cells: string[] = [];
    for (const [, shape] of shapes) cells.push(await measure(v, shape, batch, steps));
    rows.push(`| ${v.label} | ${cells.join(' | ')} |`);
    console.error(rows[rows.length - 1]);
  }
  console.log([header, `|---|${shapes.map(() => '---').join('|')}|`, ...rows].join('\n'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
