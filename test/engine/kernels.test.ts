import assert from 'node:assert/strict';
import { tf, useBackend } from '../../src/engine/tf';
import { registerTrainingKernels, registerWasmTrainingKernels, trainingKernelsOn, unregisterTrainingKernels } from '../../src/engine/backend/kernels';
import { batchNormTrain } from '../../src/engine/nn/layers';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

/** Deterministic values in [-1, 1) (a small LCG, so failures reproduce). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Max |a-b| relative to max |b|: robust for sums that cancel. */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 1e-4): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let maxDiff = 0;
  let scale = 1e-12;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  assert.ok(maxDiff / scale <= tol, `${what}: relative error ${(maxDiff / scale).toExponential(2)} > ${tol}`);
}

/** Runs a kernel on `backend` with fresh tensors from plain data; returns its output values and shape. */
async function runOn(
  backend: 'cpu' | 'wasm',
  kernel: string,
  inputs: Record<string, { shape: Shape4; data: Float32Array }>,
  attrs: tf.NamedAttrMap,
): Promise<{ data: Float32Array; shape: number[] }> {
  await useBackend(backend);
  const tensors: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(inputs)) tensors[k] = tf.tensor4d(v.data, v.shape);
  const idsBefore = tf.engine().backend.numDataIds();
  const out = tf.engine().runKernel(kernel, tensors, attrs) as tf.Tensor;
  // Exactly one new buffer (the output): intermediates were all freed.
  assert.equal(tf.engine().backend.numDataIds(), idsBefore + 1, `${kernel} on ${backend} leaked buffers`);
  const data = (await out.data()) as Float32Array;
  const shape = out.shape;
  out.dispose();
  for (const t of Object.values(tensors)) t.dispose();
  return { data, shape };
}

interface ConvCase {
  x: Shape4;
  k: [number, number];
  out: number; // Co for conv2d, multiplier for depthwise
  stride: number | [number, number];
  pad: Pad;
}

const convCases: ConvCase[] = [
  { x: [1, 8, 8, 3], k: [3, 3], out: 4, stride: 1, pad: 'same' },
  { x: [5, 9, 7, 3], k: [3, 3], out: 5, stride: 2, pad: 'same' },
  { x: [5, 9, 9, 1], k: [3, 3], out: 16, stride: 2, pad: 'valid' },
  { x: [2, 10, 11, 16], k: [3, 3], out: 8, stride: 1, pad: 'valid' },
  { x: [2, 11, 10, 16], k: [1, 1], out: 4, stride: 2, pad: 'valid' }, // odd size: trailing row unused
  { x: [1, 12, 12, 3], k: [5, 5], out: 2, stride: 2, pad: 'same' },
  { x: [3, 7, 9, 3], k: [3, 2], out: 3, stride: [2, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { x: [2, 8, 8, 1], k: [3, 3], out: 3, stride: 1, pad: 1 },
  { x: [2, 16, 16, 8], k: [3, 3], out: 12, stride: 2, pad: 'same' }, // polyphase input gradient, proxy-net shape
  { x: [2, 13, 11, 3], k: [3, 3], out: 4, stride: 3, pad: 'same' },
  // SIMD filter gradient: row blocks of 4 with a remainder, a 4-channel tile plus one, 8 + 4 outputs.
  { x: [2, 15, 13, 5], k: [3, 3], out: 12, stride: 1, pad: 'same' },
];

function convShapes(c: ConvCase, depthwise: boolean): { filter: Shape4; dy: Shape4 } {
  const filter: Shape4 = [c.k[0], c.k[1], c.x[3], c.out];
  const info = tf.backend_util.computeConv2DInfo(c.x, filter, c.stride, 1, c.pad, 'floor', depthwise);
  return { filter, dy: info.outShape };
}

const label = (c: ConvCase): string => `x=[${c.x}] k=${c.k.join('x')} out=${c.out} stride=${String(c.stride)} pad=${JSON.stringify(c.pad)}`;

/** Runs `body` with our wasm SIMD kernels on or off (DDAS_WASM_SIMD_KERNELS). */
async function withSimd(mode: 'simd' | 'composed', body: () => Promise<void>): Promise<void> {
  const saved = process.env.DDAS_WASM_SIMD_KERNELS;
  if (mode === 'composed') process.env.DDAS_WASM_SIMD_KERNELS = 'off';
  else delete process.env.DDAS_WASM_SIMD_KERNELS;
  try {
    await body();
  } finally {
    if (saved === undefined) delete process.env.DDAS_WASM_SIMD_KERNELS;
    else process.env.DDAS_WASM_SIMD_KERNELS = saved;
  }
}

describe('wasm training kernels', function () {
  this.timeout(20000);

  before(async () => {
    // The reference is the cpu backend's own kernels (the ladder may have replaced them).
    unregisterTrainingKernels('cpu');
    registerWasmTrainingKernels();
    await useBackend('cpu');
    await useBackend('wasm');
  });

  after(async () => {
    await useBackend('wasm');
  });

  it('registers all four kernels on wasm', () => {
    assert.deepEqual(trainingKernelsOn('wasm').sort(), [
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
    ]);
    assert.deepEqual(trainingKernelsOn('cpu'), []);
  });

  // On wasm with Co % 4 == 0 the filter gradient is our SIMD kernel, and strided input
  // gradients interleave their phases with our SIMD copy; 'composed' switches both off.
  for (const [i, c] of convCases.entries()) {
    for (const mode of ['simd', 'composed'] as const) {
      it(`Conv2DBackpropFilter / Conv2DBackpropInput match cpu (${mode}): ${label(c)}`, () => withSimd(mode, () => gradsMatchCpu(c, false, 11 + i)));
    }
  }

  /** The filter and input gradient kernels of a conv on wasm equal the cpu backend's, on fresh values. */
  async function gradsMatchCpu(c: ConvCase, depthwise: boolean, seed: number): Promise<void> {
    const [filterKernel, inputKernel, what] = depthwise
      ? ['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'depthwise ']
      : ['Conv2DBackpropFilter', 'Conv2DBackpropInput', ''];
    const { filter, dy } = convShapes(c, depthwise);
    const layout: tf.NamedAttrMap = depthwise ? { dilations: [1, 1] } : { dataFormat: 'NHWC' };
    const common = { strides: c.stride, pad: c.pad, ...layout, dimRoundingMode: 'floor' } as tf.NamedAttrMap;
    const x = { shape: c.x, data: values(size(c.x), seed) };
    const g = { shape: dy, data: values(size(dy), seed + (depthwise ? 30 : 12)) };
    const f = { shape: filter, data: values(size(filter), seed + (depthwise ? 50 : 26)) };
    const fAttrs = { ...common, filterShape: filter };
    const want = await runOn('cpu', filterKernel, { x, dy: g }, fAttrs);
    const got = await runOn('wasm', filterKernel, { x, dy: g }, fAttrs);
    assert.deepEqual(got.shape, filter);
    assertClose(got.data, want.data, `${what}filter gradient`);
    const iAttrs = { ...common, inputShape: c.x };
    const wantX = await runOn('cpu', inputKernel, { dy: g, filter: f }, iAttrs);
    const gotX = await runOn('wasm', inputKernel, { dy: g, filter: f }, iAttrs);
    assert.deepEqual(gotX.shape, c.x);
    assertClose(gotX.data, wantX.data, `${what}input gradient`);
  }

  for (const [i, base] of convCases.filter((c) => typeof c.stride === 'number').entries()) {
    const c = { ...base, out: (i % 3) + 1, x: [base.x[0], base.x[1], base.x[2], Math.min(base.x[3], 6)] as Shape4 };
    it(`DepthwiseConv2dNative gradients match cpu: ${label(c)}`, () => gradsMatchCpu(c, true, 101 + i));
  }

  it('the same composed kernels registered on cpu match its stock ones', async () => {
    const c = convCases[1];
    const { filter, dy } = convShapes(c, false);
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: filter, inputShape: c.x } as tf.NamedAttrMap;
    const x = { shape: c.x, data: values(size(c.x), 3) };
    const g = { shape: dy, data: values(size(dy), 4) };
    const f = { shape: filter, data: values(size(filter), 5) };
    const stock = [await runOn('cpu', 'Conv2DBackpropFilter', { x, dy: g }, attrs), await runOn('cpu', 'Conv2DBackpropInput', { dy: g, filter: f }, attrs)];
    registerTrainingKernels('cpu');
    try {
      const ours = [await runOn('cpu', 'Conv2DBackpropFilter', { x, dy: g }, attrs), await runOn('cpu', 'Conv2DBackpropInput', { dy: g, filter: f }, attrs)];
      assertClose(ours[0].data, stock[0].data, 'filter gradient on cpu');
      assertClose(ours[1].data, stock[1].data, 'input gradient on cpu');
    } finally {
      unregisterTrainingKernels('cpu');
    }
  });

  it('rejects dilation, NCHW and a dy of the wrong shape with clear errors', async () => {
    await useBackend('wasm');
    const x = tf.zeros([1, 6, 6, 2]);
    const dy = tf.zeros([1, 6, 6, 2]);
    const f = tf.zeros([3, 3, 2, 1]);
    assert.throws(
      () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: f }, { strides: 1, pad: 'same', dilations: 2, inputShape: [1, 6, 6, 2] }),
      /dilation 2x2 is not supported/,
    );
    assert.throws(
      () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 2] }),
      /only NHWC/,
    );
    assert.throws(
      () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 2] }),
      /dy has shape \[1,6,6,2\] but the forward pass gives \[1,3,3,2\]/,
    );
    tf.dispose([x, dy, f]);
  });

  it('gradients of a small conv net (conv, strided conv, depthwise, batch norm) match cpu', async () => {
    const shapes: Record<string, number[]> = {
      x: [5, 9, 9, 3],
      w1: [3, 3, 3, 8],
      g1: [8],
      b1: [8],
      w2: [3, 3, 8, 16],
      d3: [3, 3, 16, 2],
      w4: [1, 1, 32, 4],
    };
    const names = Object.keys(shapes);
    const data = names.map((n, i) => values(size(shapes[n]), 500 + i));
    const net = (...p: tf.Tensor[]): tf.Scalar => {
      const [x, w1, g1, b1, w2, d3, w4] = p as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      let h = tf.conv2d(x, w1, 1, 'same');
      h = tf.relu(batchNormTrain(h, g1, b1).y);
      h = tf.relu(tf.conv2d(h, w2, 2, 'same'));
      h = tf.depthwiseConv2d(h, d3, 2, 'valid');
      h = tf.conv2d(h, w4, 1, 'valid');
      return tf.mean(tf.square(tf.sub(h, 0.1)));
    };
    const grads = async (backend: 'cpu' | 'wasm'): Promise<Float32Array[]> => {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      const params = names.map((n, i) => tf.tensor(data[i], shapes[n]));
      const gs = tf.grads(net)(params);
      const out = await Promise.all(gs.map(async (g) => (await g.data()) as Float32Array));
      tf.dispose([...params, ...gs]);
      assert.equal(tf.memory().numTensors, before, `tensors leaked on ${backend}`);
      return out;
    };
    const want = await grads('cpu');
    const got = await grads('wasm');
    names.forEach((n, i) => assertClose(got[i], want[i], `d loss / d ${n}`));
  });

  // wasm 'simd' with 8 channels runs our fused kernels (rows 189: blocks of 64 and a
  // remainder); 6 channels, 'composed' and cpu run the stock-op form.
  const bnCases = [
    ['cpu', 'composed', [4, 5, 5, 3]],
    ['wasm', 'composed', [3, 9, 7, 8]],
    ['wasm', 'simd', [3, 9, 7, 8]],
    ['wasm', 'simd', [2, 5, 3, 6]],
  ] as const;
  for (const [backend, mode, shape] of bnCases) {
    it(`batchNormTrain normalises per channel and its gradient matches tf.batchNorm: ${backend} ${mode} [${shape}]`, () =>
      withSimd(mode, async () => {
        await useBackend(backend);
        const c = shape[3];
        const x = tf.add(tf.tensor4d(values(size(shape), 7), [...shape]), 3); // a mean well away from 0
        const gamma = tf.tensor1d(Array.from({ length: c }, (_, i) => 1.5 - 0.4 * i));
        const beta = tf.tensor1d(Array.from({ length: c }, (_, i) => i - 1));
        const w = tf.tensor4d(values(size(shape), 8), [...shape]); // a loss that weighs every output
        const ours = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar =>
          tf.sum(tf.mul(batchNormTrain(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-3).y, w));
        const stock = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar => {
          const { mean, variance } = tf.moments(a, [0, 1, 2]);
          return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, 1e-3), w));
        };
        const { y, mean, variance } = batchNormTrain(x as tf.Tensor4D, gamma, beta, 1e-3);
        const fused = backend === 'wasm' && mode === 'simd' && c % 4 === 0;
        const { kernelNames } = await tf.profile(() => batchNormTrain(x as tf.Tensor4D, gamma, beta, 1e-3).y);
        assert.equal(kernelNames.includes('DdasChannelSums'), fused, `fused kernels ${fused ? 'not ' : ''}used: ${kernelNames.join(', ')}`);
        const moments = tf.moments(x, [0, 1, 2]);
        assertClose(await tf.moments(y, [0, 1, 2]).mean.data(), await beta.data(), 'mean of y is beta', 1e-5);
        assertClose(await mean.data(), await moments.mean.data(), 'batch mean');
        assertClose(await variance.data(), await moments.variance.data(), 'batch variance');
        const gOurs = tf.grads(ours)([x, gamma, beta]);
        const gStock = tf.grads(stock)([x, gamma, beta]);
        for (let i = 0; i < 3; i++) assertClose(await gOurs[i].data(), await gStock[i].data(), `gradient ${i}`);
      }));
  }

  it('Identity and same-dtype Cast share the buffer on wasm; other casts still convert; nothing leaks', async () => {
    await useBackend('wasm');
    const ids = tf.engine().backend.numDataIds();
    const x = tf.tensor1d([1.75, -2.5, 3]);
    const copy = tf.clone(x);
    const same = tf.cast(x, 'float32');
    assert.equal(copy.dataId, x.dataId, 'clone made a copy');
    assert.equal(same.dataId, x.dataId, 'float32 -> float32 cast made a copy');
    x.dispose();
    assert.deepEqual(Array.from(await copy.data()), [1.75, -2.5, 3], 'a shared buffer outlives the first owner');
    const ints = tf.cast(copy, 'int32');
    assert.notEqual(ints.dataId, copy.dataId);
    assert.deepEqual(Array.from(await ints.data()), [1, -2, 3]);
    tf.dispose([copy, same, ints]);
    assert.equal(tf.engine().backend.numDataIds(), ids, 'buffers leaked');
  });

  it('unregistering restores the stock wasm kernels', async () => {
    await useBackend('wasm');
    unregisterTrainingKernels('wasm');
    try {
      assert.deepEqual(trainingKernelsOn('wasm'), []);
      assert.ok(tf.getKernel('Conv2DBackpropInput', 'wasm'), 'stock Conv2DBackpropInput is back');
      assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm'), undefined);
    } finally {
      registerWasmTrainingKernels();
    }
    assert.equal(trainingKernelsOn('wasm').length, 4);
  });
});
