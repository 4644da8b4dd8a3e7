import assert from 'node:assert/strict';
import { buildSpace } from '../../src/shared/space';
import { registerWasmTrainingKernels } from '../../src/engine/backend/kernels';
import { DdasSearch, type DdasOptions } from '../../src/engine/ddas';
import { shares } from '../../src/engine/ddas/parallel';
import { cornerSearchData } from '../../src/engine/ddas/synthetic';
import { tf, useBackend } from '../../src/engine/tf';

const SPACE = buildSpace(['FlipLR', 'Rotate', 'Brightness', 'Cutout'], [0.5]);

function tiny(over: DdasOptions = {}): DdasOptions {
  return { model: { kind: 'resnet', widths: [3, 4, 4] }, space: SPACE, epochs: 1, batch: 8, valBatch: 8, base: { cropPadding: 1, flipLR: true, cutout: 2 }, evalEachEpoch: false, ...over };
}

describe('DDAS step on several threads; no leaks', function () {
  this.timeout(180000);

  before(async () => {
    registerWasmTrainingKernels();
    await useBackend('wasm');
  });

  it('splits J + 1 passes into contiguous shares, the main thread first', () => {
    assert.deepEqual(shares(4, 2), [2, 2]);
    assert.deepEqual(shares(5, 2), [2, 3]);
    assert.deepEqual(shares(4, 1), [4]);
    assert.deepEqual(shares(2, 3), [0, 1, 1]);
  });

  it('threads: 2 matches threads: 1 up to float rounding, and is deterministic', () => {
    // The training passes are computed whole by either instance (bit-identical); the val
    // pass is split in two halves with synchronised batch norm, whose sums add up in
    // another order than one instance's: the same gradient up to float rounding.
    const data = cornerSearchData(48, 24, 5, { size: 12 });
    const run = (threads: number): { d: number[][]; alpha: number[]; state: string; threadsUsed: number } => {
      const s = DdasSearch.create(data, tiny({ threads, seed: 9 }));
      try {
        const d: number[][] = [];
        while (!s.done) d.push(s.step().dRaw.slice());
        const st = s.state();
        return { d, alpha: Array.from(st.alpha), state: JSON.stringify([st.weights, st.buffers, st.alpha, st.beta]), threadsUsed: s.threads };
      } finally {
        s.dispose();
      }
    };
    const one = run(1);
    const two = run(2);
    const again = run(2);
    assert.equal(one.threadsUsed, 1);
    assert.equal(two.threadsUsed, 2, 'the gradient worker started');
    assert.deepEqual(again.d, two.d, 'threads: 2 is deterministic');
    assert.equal(again.state, two.state, 'threads: 2 is deterministic');
    assert.equal(two.d.length, one.d.length);
    two.d.forEach((dj, step) => {
      const scale = Math.max(1, ...one.d[step].map(Math.abs));
      dj.forEach((v, j) => assert.ok(Math.abs(v - one.d[step][j]) <= 1e-4 * scale, `step ${step}, d_${j + 1}: ${v} vs ${one.d[step][j]}`));
    });
    two.alpha.forEach((v, k) => assert.ok(Math.abs(v - one.alpha[k]) <= 1e-5, `alpha[${k}]: ${v} vs ${one.alpha[k]}`));
  });

  it('rejects a bad threads value', () => {
    assert.throws(() => DdasSearch.create(cornerSearchData(8, 8, 1, { size: 8 }), tiny({ threads: 0 })), /threads/);
  });

  // Whole DDAS steps of a tiny 8x8 net: tensor count and bytes must not grow. 250 steps
  // keep the suite quick; DDAS_LEAK_STEPS=1000 is the full check (175 s on 2 busy cores).
  const steps = Number(process.env.DDAS_LEAK_STEPS ?? 250);
  it(`tensor count and bytes stay flat over ${steps} steps (threads 1 and 2)`, () => {
    for (const threads of [1, 2]) {
      const data = cornerSearchData(8 * steps, 16, 3, { size: 8 });
      const s = DdasSearch.create(data, tiny({ threads, epochs: 1, progressEvery: 1000 }));
      try {
        for (let i = 0; i < 10; i++) s.step();
        const before = tf.memory();
        while (!s.done) s.step();
        const after = tf.memory();
        assert.ok(s.done);
        assert.equal(after.numTensors, before.numTensors, `threads ${threads}: tensors`);
        assert.equal(after.numBytes, before.numBytes, `threads ${threads}: bytes`);
      } finally {
        s.dispose();
      }
    }
  });
});
