/**
 * Semantics of the batched pixel/colour ops on small hand-computed inputs (expected values
 * checked against PIL 9.4 / torchvision 0.14). Whole-image agreement with PIL lives in
 * ops.reference.test.ts.
 */
import assert from 'node:assert/strict';
import { tf, useBackend, type BackendName } from '../../src/engine/tf';
import { BATCH_OPS, type BatchOp, type OpContext } from '../../src/engine/augment';

type Shape4 = [number, number, number, number];

/** Runs `op` on plain data and returns plain data; tensors are freed. */
function run(op: BatchOp, data: readonly number[], shape: Shape4, params: readonly number[] = new Array<number>(shape[0]).fill(0)): number[] {
  const ctx: OpContext = { positions: new Float32Array(shape[0] * 2), fill: 0, interpolation: 'nearest' };
  const x = tf.tensor4d(Float32Array.from(data), shape);
  const y = op(x, Float64Array.from(params), ctx);
  assert.deepEqual(y.shape, shape);
  assert.equal(y.dtype, 'float32');
  const out = Array.from(y.dataSync());
  tf.dispose([x, y]);
  return out;
}

/** Deterministic whole numbers in [lo, hi] (a small LCG, so failures reproduce). */
function pixels(n: number, seed: number, lo = 0, hi = 255): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + Math.floor((s / 2 ** 32) * (hi - lo + 1));
  });
}

const ALL: Record<string, { op: BatchOp; params: readonly number[] }> = {
  AutoContrast: { op: BATCH_OPS.AutoContrast, params: [0, 0, 0] },
  Equalize: { op: BATCH_OPS.Equalize, params: [0, 0, 0] },
  Invert: { op: BATCH_OPS.Invert, params: [0, 0, 0] },
  Blur: { op: BATCH_OPS.Blur, params: [0, 0, 0] },
  Smooth: { op: BATCH_OPS.Smooth, params: [0, 0, 0] },
  Posterize: { op: BATCH_OPS.Posterize, params: [4, 6, 7] },
  Solarize: { op: BATCH_OPS.Solarize, params: [63.75, 127.5, 255] },
  Color: { op: BATCH_OPS.Color, params: [0.1, 1.45, 1.9] },
  Contrast: { op: BATCH_OPS.Contrast, params: [0.1, 1.45, 1.9] },
  Brightness: { op: BATCH_OPS.Brightness, params: [0.1, 1.45, 1.9] },
  Sharpness: { op: BATCH_OPS.Sharpness, params: [0.1, 1.45, 1.9] },
};

/** Three images with distinct content: a narrow-range one, a full-range one, a constant one. */
function batchOf(h: number, w: number, c: number): { data: number[]; shape: Shape4 } {
  const n = h * w * c;
  return { data: [...pixels(n, 1, 40, 90), ...pixels(n, 2), ...new Array<number>(n).fill(77)], shape: [3, h, w, c] };
}

for (const backend of ['wasm', 'cpu'] as BackendName[]) {
  describe(`pixel ops on ${backend}`, function () {
    before(async () => {
      await useBackend(backend);
    });

    it('Invert maps v to 255 - v', () => {
      assert.deepEqual(run(BATCH_OPS.Invert, [0, 1, 128, 255], [1, 2, 2, 1]), [255, 254, 127, 0]);
    });

    it('Posterize keeps the top bits, per image', () => {
      const data = [200, 255, 7, 200, 255, 7, 200, 255, 7];
      assert.deepEqual(run(BATCH_OPS.Posterize, data, [3, 1, 3, 1], [4, 8, 1]), [192, 240, 0, 200, 255, 7, 128, 128, 0]);
    });

    it('Solarize inverts pixels at or above a float threshold', () => {
      const data = [127, 128, 129, 127, 128, 129, 254, 255, 0];
      assert.deepEqual(run(BATCH_OPS.Solarize, data, [3, 1, 3, 1], [128, 127.5, 255]), [127, 127, 126, 127, 127, 126, 254, 0, 0]);
    });

    it('AutoContrast stretches each channel to 0..255 with PIL rounding', () => {
      // 75 -> 127.5 truncates; 100 -> 254, not 255: PIL's double arithmetic (5.1 * 100 - 5.1 * 50).
      assert.deepEqual(run(BATCH_OPS.AutoContrast, [50, 60, 75, 100], [1, 1, 4, 1]), [0, 51, 127, 254]);
      assert.deepEqual(run(BATCH_OPS.AutoContrast, [0, 5, 25], [1, 1, 3, 1]), [0, 51, 254]);
      // Channels are independent; a constant channel stays as it is.
      const rgb = [10, 0, 7, 20, 0, 7, 30, 255, 7];
      assert.deepEqual(run(BATCH_OPS.AutoContrast, rgb, [1, 1, 3, 3]), [0, 0, 7, 127, 0, 7, 255, 255, 7]);
    });

    it('Equalize follows PIL: a 2-level image goes to 0/255, tiny histograms are left alone', () => {
      const big = [...new Array<number>(512).fill(10), ...new Array<number>(512).fill(200)];
      assert.deepEqual([...new Set(run(BATCH_OPS.Equalize, big, [1, 32, 32, 1]))].sort((a, b) => a - b), [0, 255]);
      // 16 pixels: step = (16 - 8) // 255 = 0, so PIL returns the image unchanged.
      const small = [...new Array<number>(8).fill(10), ...new Array<number>(8).fill(200)];
      assert.deepEqual(run(BATCH_OPS.Equalize, small, [1, 4, 4, 1]), small);
    });

    it('Blur and Smooth round half up and keep the border', () => {
      const blurIn = new Array<number>(25).fill(0);
      blurIn[2] = 8; // ring of the centre pixel: 8 / 16 = 0.5 -> 1
      const blurOut = [...blurIn];
      blurOut[12] = 1;
      assert.deepEqual(run(BATCH_OPS.Blur, blurIn, [1, 5, 5, 1]), blurOut);
      assert.deepEqual(run(BATCH_OPS.Smooth, [0, 0, 0, 0, 13, 0, 0, 0, 0], [1, 3, 3, 1]), [0, 0, 0, 0, 5, 0, 0, 0, 0]);
      // Smaller than the kernel: unchanged, as PIL.
      const tiny = pixels(12, 3);
      assert.deepEqual(run(BATCH_OPS.Blur, tiny, [1, 4, 3, 1]), tiny);
      assert.deepEqual(run(BATCH_OPS.Smooth, tiny, [1, 2, 6, 1]), tiny);
    });

    it('enhance ops blend with their degenerate image, truncating and clipping', () => {
      assert.deepEqual(run(BATCH_OPS.Brightness, [201, 200, 3], [1, 1, 3, 1], [0.5]), [100, 100, 1]);
      assert.deepEqual(run(BATCH_OPS.Brightness, [201, 200, 3], [1, 1, 3, 1], [1.9]), [255, 255, 5]);
      const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255];
      // PIL's luma (19595 R + 38470 G + 7471 B + 0x8000) >> 16: 76, 150, 29; mean 85.
      assert.deepEqual(run(BATCH_OPS.Color, rgb, [1, 1, 3, 3], [0]), [76, 76, 76, 150, 150, 150, 29, 29, 29]);
      assert.deepEqual(run(BATCH_OPS.Contrast, rgb, [1, 1, 3, 3], [0]), new Array<number>(9).fill(85));
      // Mean 0.5 rounds up to 1 (int(mean + 0.5)).
      assert.deepEqual(run(BATCH_OPS.Contrast, [0, 1], [1, 1, 2, 1], [0]), [1, 1]);
      const spot = [0, 0, 0, 0, 13, 0, 0, 0, 0];
      assert.deepEqual(run(BATCH_OPS.Sharpness, spot, [1, 3, 3, 1], [0]), [0, 0, 0, 0, 5, 0, 0, 0, 0]);
      assert.deepEqual(run(BATCH_OPS.Sharpness, spot, [1, 3, 3, 1], [2]), [0, 0, 0, 0, 21, 0, 0, 0, 0]);
    });

    it('Color is the identity on grayscale images', () => {
      const gray = pixels(36, 4);
      assert.deepEqual(run(BATCH_OPS.Color, gray, [1, 6, 6, 1], [1.9]), gray);
    });

    it('factor 1 is the identity for every enhance op', () => {
      for (const op of [BATCH_OPS.Color, BATCH_OPS.Contrast, BATCH_OPS.Brightness, BATCH_OPS.Sharpness]) {
        for (const c of [1, 3]) {
          const { data, shape } = batchOf(7, 9, c);
          assert.deepEqual(run(op, data, shape, [1, 1, 1]), data);
        }
      }
    });

    it('parameters apply per image within one batch', () => {
      for (const [name, { op, params }] of Object.entries(ALL)) {
        const { data, shape } = batchOf(8, 6, 3);
        const together = run(op, data, shape, params);
        const per = shape[1] * shape[2] * shape[3];
        const alone = [0, 1, 2].flatMap((i) => run(op, data.slice(i * per, (i + 1) * per), [1, shape[1], shape[2], shape[3]], [params[i]]));
        assert.deepEqual(together, alone, name);
      }
    });

    it('returns whole numbers in [0, 255] and leaks no tensors', () => {
      for (const [name, { op, params }] of Object.entries(ALL)) {
        for (const c of [1, 3]) {
          const { data, shape } = batchOf(11, 13, c);
          run(op, data, shape, params); // warm-up: first calls may set up kernels
          const before = tf.memory().numTensors;
          const out = run(op, data, shape, params);
          assert.equal(tf.memory().numTensors, before, `${name} C=${c} leaked`);
          assert.ok(out.every((v) => Number.isInteger(v) && v >= 0 && v <= 255), `${name} C=${c} out of range`);
        }
      }
    });

    it('rejects a parameter count that does not match the batch', () => {
      assert.throws(() => run(BATCH_OPS.Brightness, [1, 2], [2, 1, 1, 1], [1]), RangeError);
    });
  });
}

describe('pixel ops agree between wasm and cpu', () => {
  after(async () => {
    await useBackend('wasm');
  });

  it('gives identical outputs on both backends', async () => {
    for (const c of [1, 3]) {
      const { data, shape } = batchOf(16, 12, c);
      const results: Record<string, number[]>[] = [];
      for (const backend of ['wasm', 'cpu'] as BackendName[]) {
        await useBackend(backend);
        results.push(Object.fromEntries(Object.entries(ALL).map(([name, { op, params }]) => [name, run(op, data, shape, params)])));
      }
      for (const name of Object.keys(ALL)) assert.deepEqual(results[0][name], results[1][name], `${name} C=${c}`);
    }
  });
});
