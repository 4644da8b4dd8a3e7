/**
 * Training-step throughput of a ~78k-parameter ResNet-8-style net (3 stages of 16/32/64
 * channels, one basic block each, batch norm, global average pool, dense 10) at batch
 * 128 on the wasm backend with and without our gradient kernels, and on the pure-JS cpu
 * backend for a single step.
 *
 *   npx tsx bench/kernels.ts [--steps 5] [--batch 128] [--shapes cifar,mnist] [--only REGEX] [--no-cpu] [--cpu-stock] [--no-layers]
 *
 * First, per layer of the net: each gradient kernel with our wasm SIMD kernels off
 * (composed from XNNPACK convs) and on, and batch norm's forward + backward with stock
 * ops and fused. Then whole training steps per configuration.
 * Each cell is images/s by wall clock and, in brackets, by this process's CPU time:
 * the backends use one thread, so the second figure is what an idle machine would
 * show when other work shares the cores.
 */
import { tf, useBackend } from '../src/engine/tf';
import { registerTrainingKernels, registerWasmTrainingKernels, unregisterTrainingKernels, type TrainingKernelName } from '../src/engine/backend/kernels';
import { registerSimdBatchNormKernels } from '../src/engine/backend/simd';
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
  /** Our wasm SIMD kernels (filter gradient, phase interleave, batch norm) on; else composed. */
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
  if (v.kernels.length) registerTrainingKernels(v.backend, v.kernels);
  if (v.simd) registerSimdBatchNormKernels();
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
}

/** The proxy net's convolutions (bench/ddas.ts's resnet-small) at batch `n`. */
function layers(n: number): Layer[] {
  return [
    { name: 'stem, 28x28x1', x: [n, 28, 28, 1], k: 3, co: 16, stride: 1 },
    { name: 'stem, 32x32x3', x: [n, 32, 32, 3], k: 3, co: 16, stride: 1 },
    { name: 'stage 1 (x3 per pass)', x: [n, 28, 28, 16], k: 3, co: 16, stride: 1 },
    { name: 'stage 2 conv1, stride 2', x: [n, 28, 28, 16], k: 3, co: 32, stride: 2 },
    { name: 'stage 2 projection 1x1, stride 2', x: [n, 28, 28, 16], k: 1, co: 32, stride: 2 },
    { name: 'stage 2 conv2', x: [n, 14, 14, 32], k: 3, co: 32, stride: 1 },
    { name: 'stage 3 conv1, stride 2', x: [n, 14, 14, 32], k: 3, co: 64, stride: 2 },
    { name: 'stage 3 projection 1x1, stride 2', x: [n, 14, 14, 32], k: 1, co: 64, stride: 2 },
    { name: 'stage 3 conv2', x: [n, 7, 7, 64], k: 3, co: 64, stride: 1 },
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

const cell = (composed: number, simd: number): string => `${composed.toFixed(1)} -> **${simd.toFixed(1)}** (${(composed / simd).toFixed(2)}x)`;

/** Per-layer table: forward conv, then each gradient composed -> with our SIMD kernels. */
async function layerTable(batch: number): Promise<string> {
  await useBackend('wasm');
  registerWasmTrainingKernels();
  const rows: string[] = [];
  const both = (f: () => tf.Tensor | tf.Tensor[]): [number, number] => {
    setSimd(false);
    const off = bestMs(f);
    setSimd(true);
    return [off, bestMs(f)];
  };
  for (const l of layers(batch)) {
    const [n, h, w, ci] = l.x;
    const x = tf.randomNormal(l.x, 0, 1, 'float32', 1) as tf.Tensor4D;
    const filter = tf.randomNormal([l.k, l.k, ci, l.co], 0, 1, 'float32', 2) as tf.Tensor4D;
    const y = tf.conv2d(x, filter, l.stride, 'same');
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3) as tf.Tensor4D;
    const attrs = { strides: [l.stride, l.stride], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: 'floor' } as const;
    const fwd = bestMs(() => tf.conv2d(x, filter, l.stride, 'same'));
    const dw = both(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: filter.shape }) as tf.Tensor);
    const dx = both(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: [n, h, w, ci] }) as tf.Tensor);
    rows.push(`| ${l.name} | [${l.x.join(', ')}] -> ${l.co}, ${l.k}x${l.k} | ${fwd.toFixed(1)} | ${cell(...dw)} | ${cell(...dx)} |`);
    tf.dispose([x, filter, y, dy]);
  }
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
    `Each gradient kernel, composed (DDAS_WASM_SIMD_KERNELS=off) -> with our SIMD kernels, ms (best of 5), batch ${batch}:\n`,
    '| layer | shape | forward Conv2D | Conv2DBackpropFilter | Conv2DBackpropInput |',
    '|---|---|---|---|---|',
    ...rows,
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
    { label: 'wasm + our 4 gradient kernels with SIMD + batchNormTrain (fused)', backend: 'wasm', kernels: ALL, simd: true, bn: oursBN, steps: (n) => n, warmup: true },
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
  if (!process.argv.includes('--no-layers')) console.log(`${await layerTable(batch)}\n`);
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
