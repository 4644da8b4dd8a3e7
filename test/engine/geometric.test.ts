import assert from 'node:assert/strict';
import { shearMatrix, translateMatrix } from '../../src/engine/augment/affine';
import { BATCH_OPS, type BatchOp, type OpContext } from '../../src/engine/augment';
import { tf, useBackend, type BackendName } from '../../src/engine/tf';
import { CUTOUT_FILL } from '../../src/shared/ops';

const BACKENDS: readonly BackendName[] = ['wasm', 'cpu'];

function ctx(n: number, over: Partial<OpContext> = {}): OpContext {
  return { positions: new Float32Array(2 * n), fill: 0, interpolation: 'nearest', ...over };
}

/** A batch whose pixel (i, y, x, c) holds a distinct-ish integer, so moves are traceable. */
function ramp(n: number, h: number, w: number, c: number): tf.Tensor4D {
  const v = new Float32Array(n * h * w * c);
  for (let k = 0; k < v.length; k++) v[k] = 1 + ((k * 7) % 250);
  return tf.tensor4d(v, [n, h, w, c]);
}

/** Smooth-ish random RGB content with edges, deterministic. */
function texture(n: number, h: number, w: number, c: number): tf.Tensor4D {
  const v = new Float32Array(n * h * w * c);
  let s = 12345;
  for (let k = 0; k < v.length; k++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    v[k] = Math.floor((s / 2147483648) * 256);
  }
  return tf.tensor4d(v, [n, h, w, c]);
}

function run(op: BatchOp, x: tf.Tensor4D, params: number[], over: Partial<OpContext> = {}): number[][][][] {
  const y = op(x, Float64Array.from(params), ctx(x.shape[0], over));
  const out = y.arraySync();
  y.dispose();
  return out;
}

const { Cutout: cutout, FlipLR: flipLR, FlipUD: flipUD, Rotate: rotate, ShearX: shearX, ShearY: shearY, TranslateX: translateX, TranslateY: translateY } = BATCH_OPS;

describe('geometric ops', () => {
  for (const backend of BACKENDS) {
    describe(`on ${backend}`, () => {
      before(async () => {
        await useBackend(backend);
      });

      it('translates whole pixels per image, filling what is uncovered', () => {
        const x = ramp(3, 6, 8, 1);
        const src = x.arraySync();
        const out = run(translateX, x, [3, -2, 0], { fill: 9 });
        for (let y = 0; y < 6; y++) {
          for (let c = 0; c < 8; c++) {
            assert.equal(out[0][y][c][0], c >= 3 ? src[0][y][c - 3][0] : 9);
            assert.equal(out[1][y][c][0], c < 6 ? src[1][y][c + 2][0] : 9);
            assert.equal(out[2][y][c][0], src[2][y][c][0]);
          }
        }
        const down = run(translateY, x, [2, 0, -1]);
        assert.equal(down[0][2][5][0], src[0][0][5][0]);
        assert.equal(down[0][1][5][0], 0);
        assert.equal(down[2][0][5][0], src[2][1][5][0]);
        assert.equal(down[2][5][5][0], 0);
        x.dispose();
      });

      it('flips left-right and top-bottom', () => {
        const x = ramp(2, 3, 5, 3);
        const src = x.arraySync();
        const lr = run(flipLR, x, [0, 0]);
        const ud = run(flipUD, x, [0, 0]);
        assert.deepEqual(lr[1][2][0], src[1][2][4]);
        assert.deepEqual(ud[1][0][1], src[1][2][1]);
        x.dispose();
      });

      it('rotates counter-clockwise for + about the centre', () => {
        // One bright pixel right of the centre of a 21x21 image.
        const v = new Float32Array(21 * 21);
        v[10 * 21 + 18] = 255;
        const x = tf.tensor4d(v, [1, 21, 21, 1]);
        const at = (img: number[][][]): [number, number] => {
          for (let y = 0; y < 21; y++) for (let c = 0; c < 21; c++) if (img[y][c][0] === 255) return [c, y];
          return [-1, -1];
        };
        const [ccwX, ccwY] = at(run(rotate, x, [30])[0]);
        assert.ok(ccwY < 10 && ccwX < 18, `+30 degrees should move it up: ${ccwX},${ccwY}`);
        const [cwX, cwY] = at(run(rotate, x, [-30])[0]);
        assert.ok(cwY > 10 && cwX < 18, `-30 degrees should move it down: ${cwX},${cwY}`);
        // 90 degrees on a square image is PIL's exact transposition: right of centre -> above it.
        assert.deepEqual(at(run(rotate, x, [90])[0]), [10, 2]);
        assert.deepEqual(run(rotate, x, [0]), x.arraySync());
        x.dispose();
      });

      it('shears about the top-left corner with torchvision signs', () => {
        // A vertical line at x = 12; ShearX +s samples x + s y, so row y shows it at 12 - s y.
        const v = new Float32Array(20 * 24);
        for (let y = 0; y < 20; y++) v[y * 24 + 12] = 200;
        const x = tf.tensor4d(v, [1, 20, 24, 1]);
        const out = run(shearX, x, [0.3])[0];
        assert.equal(out[0][12][0], 200);
        const row = out[19].map((p) => p[0]);
        assert.equal(row.indexOf(200), 6); // floor(12 + 0.5 - 0.3 * 19.5)
        // ShearY moves a horizontal line by columns the same way.
        const xt = tf.tensor4d(tf.transpose(x, [0, 2, 1, 3]).dataSync(), [1, 24, 20, 1]);
        const outY = run(shearY, xt, [0.3])[0];
        assert.equal(outY[6][19][0], 200);
        x.dispose();
        xt.dispose();
      });

      it('uses each image its own parameter within one batch', () => {
        const one = texture(1, 16, 16, 3);
        const x = tf.concat([one, one, one]);
        const out = run(rotate, x, [10, -10, 0]);
        const alone = run(rotate, one, [-10]);
        assert.notDeepEqual(out[0], out[1]);
        assert.deepEqual(out[1], alone[0]);
        assert.deepEqual(out[2], one.arraySync()[0]);
        one.dispose();
        x.dispose();
      });

      it('honours the fill value and returns whole numbers in [0, 255]', () => {
        const x = texture(2, 12, 20, 3);
        for (const interpolation of ['nearest', 'bilinear'] as const) {
          for (const op of [rotate, shearX, shearY]) {
            const out = run(op, x, [op === rotate ? 30 : 0.3, op === rotate ? -30 : -0.3], { fill: 77, interpolation });
            const flat = out.flat(3);
            assert.ok(flat.every((p) => Number.isInteger(p) && p >= 0 && p <= 255));
            assert.ok(flat.filter((p) => p === 77).length >= 3 * 6, 'corners should be filled with 77');
          }
        }
        x.dispose();
      });

      it('places Cutout squares by the position uniforms and clips them at borders', () => {
        const x = tf.fill([3, 8, 10, 3], 5) as tf.Tensor4D;
        const positions = Float32Array.of(0.5, 0.5, 0, 0.99, 0.3, 0.3);
        const y = cutout(x, Float64Array.of(4, 3, 0), { ...ctx(3), positions });
        const out = y.arraySync();
        const gray = (i: number): string[] =>
          out[i].flatMap((row, r) => row.flatMap((p, c) => (p[0] === CUTOUT_FILL ? [`${c},${r}`] : [])));
        // Centre (5, 4), side 4: columns 3..6, rows 2..5.
        assert.equal(gray(0).length, 16);
        assert.ok(gray(0).includes('3,2') && gray(0).includes('6,5') && !gray(0).includes('7,5'));
        assert.ok(out[0][2][3].every((p) => p === CUTOUT_FILL));
        // Centre (0, 7), side 3: columns -1..1 -> 0..1, rows 6..8 -> 6..7.
        assert.deepEqual(gray(1).sort(), ['0,6', '0,7', '1,6', '1,7']);
        assert.equal(gray(2).length, 0);
        assert.ok(out[0][0][0].every((p) => p === 5));
        y.dispose();
        x.dispose();
      });

      it('leaks no tensors', () => {
        const x = texture(4, 9, 11, 3);
        const params = Float64Array.of(0.1, -0.2, 0.3, 0);
        const before = tf.memory().numTensors;
        for (const op of [flipLR, flipUD, rotate, shearX, shearY, translateX, translateY, cutout]) {
          for (const interpolation of ['nearest', 'bilinear'] as const) {
            op(x, params, ctx(4, { interpolation, positions: Float32Array.of(0.1, 0.2, 0.5, 0.5, 0.9, 0.9, 0, 0) })).dispose();
          }
        }
        assert.equal(tf.memory().numTensors, before);
        x.dispose();
      });
    });
  }

  it('agrees between the wasm and cpu backends', async () => {
    const results = new Map<BackendName, number[]>();
    for (const backend of BACKENDS) {
      await useBackend(backend);
      const all: number[] = [];
      for (const c of [1, 3]) {
        const x = texture(4, 28, 24, c);
        const params = {
          rotate: [7.5, -15, 22.5, -30],
          shear: [0.075, -0.15, 0.225, -0.3],
          translate: [3, -6, 9, -12],
        };
        for (const interpolation of ['nearest', 'bilinear'] as const) {
          const cases: [BatchOp, number[]][] = [
            [rotate, params.rotate],
            [shearX, params.shear],
            [shearY, params.shear],
            [translateX, params.translate],
            [translateY, params.translate],
          ];
          for (const [op, p] of cases) {
            const y = op(x, Float64Array.from(p), ctx(4, { interpolation, fill: 128 }));
            all.push(...y.dataSync());
            y.dispose();
          }
        }
        x.dispose();
      }
      results.set(backend, all);
    }
    assert.deepEqual(results.get('wasm'), results.get('cpu'));
  });
});

describe('geometric matrices', () => {
  it('builds torchvision\'s shear and translate inverses', () => {
    const [a0, a1, a2, a3, a4, a5] = shearMatrix('x', 0.3);
    assert.deepEqual([a0, a2, a3, a4, a5].map(Math.abs), [1, 0, 0, 1, 0]);
    assert.ok(Math.abs(a1 - 0.3) < 1e-15);
    const sy = shearMatrix('y', -0.2);
    assert.ok(Math.abs(sy[3] + 0.2) < 1e-15 && sy[1] === 0);
    assert.deepEqual(translateMatrix(3, -2, 28, 28).map((v) => v + 0), [1, 0, -3, 0, 1, 2]);
  });

});
