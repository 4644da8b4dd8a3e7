/**
 * Training-step throughput of a ~78k-parameter ResNet-8-style net (3 stages of 16/32/64
 * channels, one basic block each, batch norm, global average pool, dense 10) at batch
 * 128 on the wasm backend with and without our gradient kernels, and on the pure-JS cpu
 * backend for a single step.
 *
 *   npx tsx bench/kernels.ts [--steps 5] [--batch 128] [--shapes cifar,mnist] [--only REGEX] [--no-cpu] [--cpu-stock]
 *
 * Each cell is images/s by wall clock and, in brackets, by this process's CPU time:
 * the backends use one thread, so the second figure is what an idle machine would
 * show when other work shares the cores.
 */
import { tf, useBackend } from '../src/engine/tf';
import { registerTrainingKernels, unregisterTrainingKernels, type TrainingKernelName } from '../src/engine/backend/kernels';
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
  bn: BatchNorm;
  steps: (n: number) => number;
  /** Run one untimed step first (operator creation); too costly on plain JS. */
  warmup: boolean;
}

const ALL: readonly TrainingKernelName[] = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'];

async function measure(v: Variant, shape: [number, number, number], batch: number, steps: number): Promise<string> {
  unregisterTrainingKernels(v.backend);
  if (v.kernels.length) registerTrainingKernels(v.backend, v.kernels);
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
