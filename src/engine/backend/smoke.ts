/**
 * The smoke op every backend must pass before the ladder picks it: a tiny conv2d
 * forward pass and its gradients (stride 1 and stride 2), checked against numbers
 * worked out by hand. It catches backends that load but compute wrong or lack kernels.
 */
import { tf } from '../tf';

interface SmokeCase {
  what: string;
  size: number; // square input side, values 1..size*size, one image, one channel
  stride: number;
  out: number[]; // forward output with filter [[1, 2], [3, 4]], 'valid'
  dx: number[]; // d sum(out) / dx
  dw: number[]; // d sum(out) / d filter
}

const CASES: SmokeCase[] = [
  { what: 'stride 1', size: 3, stride: 1, out: [37, 47, 67, 77], dx: [1, 3, 2, 4, 10, 6, 3, 7, 4], dw: [12, 16, 24, 28] },
  {
    what: 'stride 2',
    size: 4,
    stride: 2,
    out: [44, 64, 124, 144],
    dx: [1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4],
    dw: [24, 28, 40, 44],
  },
];

function check(got: ArrayLike<number>, want: number[], what: string): void {
  const bad = want.findIndex((v, i) => !(Math.abs(got[i] - v) <= 1e-3 * Math.max(1, Math.abs(v))));
  if (got.length !== want.length || bad >= 0) {
    throw new Error(`${what}: got [${Array.from(got).join(', ')}], expected [${want.join(', ')}]`);
  }
}

/** Throws (with what differed) unless the active backend computes the smoke op right. */
export async function smokeTest(): Promise<void> {
  for (const c of CASES) {
    const [out, dx, dw] = tf.tidy(() => {
      const x = tf.tensor4d(Array.from({ length: c.size * c.size }, (_, i) => i + 1), [1, c.size, c.size, 1]);
      const w = tf.tensor4d([1, 2, 3, 4], [2, 2, 1, 1]);
      const conv = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D => tf.conv2d(a, b, c.stride, 'valid');
      const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(conv(a as tf.Tensor4D, b as tf.Tensor4D)))([x, w]);
      return [conv(x, w), gx, gw];
    });
    try {
      check(await out.data(), c.out, `conv2d ${c.what} forward`);
      check(await dx.data(), c.dx, `conv2d ${c.what} input gradient`);
      check(await dw.data(), c.dw, `conv2d ${c.what} filter gradient`);
    } finally {
      tf.dispose([out, dx, dw]);
    }
  }
}
