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

  it('threads: 2 gives the same d, p, p_aug and weights as threads: 1, bit for bit', () => {
    const data = cornerSearchData(48, 24, 5, { size: 12 });
    const run = (threads: number): { d: number[][]; state: string; threadsUsed: number } => {
      const s = DdasSearch.create(data, tiny({ threads, seed: 9 }));
      try {
        const d: number[][] = [];
        while (!s.done) d.push(s.step().dRaw.slice());
        const st = s.state();
        return { d, state: JSON.stringify([st.weights, st.buffers, st.alpha, st.beta]), threadsUsed: s.threads };
      } finally {
        s.dispose();
      }
    };
    const one = run(1);
    const two = run(2);
    assert.equal(one.threadsUsed, 1);
    assert.equal(two.threadsUsed, 2, 'the gradient worker started');
    assert.deepEqual(two.d, one.d);
    assert.equal(two.state, one.state);
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
