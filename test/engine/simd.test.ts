import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tf, useBackend } from '../../src/engine/tf';
import { simdKernels } from '../../src/engine/backend/simd';
import { SIMD_KERNELS_WASM } from '../../src/engine/backend/simd/kernels.wasm';
import { compileSimdKernels, SIMD_MODULE, simdModuleText } from '../../scripts/simd-kernels';

describe('wasm SIMD kernels (src/engine/backend/simd)', function () {
  this.timeout(60000);

  it('the embedded binary is up to date with assembly/kernels.ts (run `npm run build:simd` to regenerate)', async () => {
    const text = simdModuleText(await compileSimdKernels());
    assert.equal(fs.readFileSync(SIMD_MODULE, 'utf8'), text, `${SIMD_MODULE} is stale: run \`npm run build:simd\` and commit the result`);
  });

  it('declares no data, globals or start function and imports only the memory (instantiating it writes nothing into the tfjs heap)', () => {
    const bytes = Buffer.from(SIMD_KERNELS_WASM, 'base64');
    const sections: number[] = [];
    let at = 8; // magic + version
    while (at < bytes.length) {
      const id = bytes[at++];
      let size = 0;
      for (let shift = 0; ; shift += 7) {
        const b = bytes[at++];
        size |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
      sections.push(id);
      at += size;
    }
    for (const [id, what] of [[6, 'global'], [8, 'start'], [11, 'data'], [12, 'data count']] as const) {
      assert.ok(!sections.includes(id), `the kernels module has a ${what} section`);
    }
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
    assert.deepEqual(imports, [{ module: 'env', name: 'memory', kind: 'memory' }]);
  });

  it('load on the wasm backend heap (so the fast paths are live, not silently composed)', async () => {
    await useBackend('wasm');
    assert.ok(simdKernels(tf.backend()), 'the tfjs wasm heap was not reachable: the SIMD kernels would never run');
  });

  it('interleavePhases puts phase (rh, rw) at rows s*q + rh, columns s*p + rw, cropped; a missing phase is zeros', async () => {
    await useBackend('wasm');
    const kernels = simdKernels(tf.backend());
    assert.ok(kernels);
    for (const [n, h, w, c, s] of [
      [2, 5, 4, 3, 2],
      [1, 7, 9, 2, 3],
    ]) {
      const hq = Math.ceil(h / s);
      const wq = Math.ceil(w / s);
      const value = (phase: number, img: number, q: number, p: number, ch: number): number => 1000 * phase + 100 * img + 10 * q + p + ch / 10;
      const missing = s + 1; // one phase no tap reaches
      const phases = Array.from({ length: s * s }, (_, k) =>
        k === missing
          ? undefined
          : tf.tensor4d(
              Float32Array.from({ length: n * hq * wq * c }, (_, i) => value(k, Math.floor(i / (hq * wq * c)), Math.floor(i / (wq * c)) % hq, Math.floor(i / c) % wq, i % c)),
              [n, hq, wq, c],
            ),
      );
      const out = tf.engine().makeTensorFromTensorInfo(kernels.interleavePhases(phases, s, [n, h, w, c]));
      const got = await out.data();
      const want = Float32Array.from({ length: n * h * w * c }, (_, i) => {
        const [img, y, x, ch] = [Math.floor(i / (h * w * c)), Math.floor(i / (w * c)) % h, Math.floor(i / c) % w, i % c];
        const k = (y % s) * s + (x % s);
        return k === missing ? 0 : value(k, img, Math.floor(y / s), Math.floor(x / s), ch);
      });
      assert.deepEqual(out.shape, [n, h, w, c]);
      assert.deepEqual(got, want, `[${n},${h},${w},${c}] stride ${s}`);
      tf.dispose([out, ...phases.filter((p): p is tf.Tensor4D => p !== undefined)]);
    }
  });
});
