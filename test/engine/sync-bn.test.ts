/**
 * Synchronised batch norm (layers.ts with a BatchSync): an instance holding part of a
 * batch must normalise with the whole batch's statistics and return its share of the
 * parameter gradients. Checked exactly with a peer holding an identical copy of the
 * part (allReduce doubles): the whole batch [x; x] has x's statistics, and each copy's
 * input gradient and parameter share equal one instance's on x alone.
 */
import assert from 'node:assert/strict';
import type { BatchSync } from '../../src/engine/nn';
import { registerWasmTrainingKernels } from '../../src/engine/backend/kernels';
import { batchNormTrain } from '../../src/engine/nn/layers';
import { tf, useBackend } from '../../src/engine/tf';
import { Rng } from '../../src/shared/rng';

function random(shape: number[], seed: number): tf.Tensor {
  const rng = Rng.seeded(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform() * 4 - 1), shape);
}

/** y, dL/dx, dL/dgamma, dL/dbeta of L = sum(BN(x) * w). */
function run(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, w: tf.Tensor, sync?: BatchSync): number[][] {
  return tf.tidy(() => {
    const f = (xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar => {
      const { y } = batchNormTrain(xi as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, sync);
      return tf.sum(tf.mul(y, w));
    };
    const y = batchNormTrain(x, gamma, beta, 1e-5, sync).y;
    const grads = tf.grads(f)([x, gamma, beta]);
    return [y, ...grads].map((t) => Array.from(t.dataSync()));
  });
}

describe('synchronised batch norm', function () {
  before(async function () {
    registerWasmTrainingKernels();
    await useBackend('wasm');
  });

  // 8 channels: our fused wasm kernels; 6: the stock-op form (see BnOps in layers.ts).
  for (const c of [6, 8]) {
    it(`uses the whole batch statistics and returns this part gradient share (${c} channels)`, function () {
      const x = random([3, 5, 4, c], 1) as tf.Tensor4D;
      const w = random([3, 5, 4, c], 2);
      const gamma = random([c], 3) as tf.Tensor1D;
      const beta = random([c], 4) as tf.Tensor1D;
      const exchanged: number[] = [];
      const twin: BatchSync = {
        batchTotal: 6,
        allReduce: (local) => {
          exchanged.push(local.length);
          return local.map((v) => 2 * v);
        },
      };
      const alone = run(x, gamma, beta, w);
      const part = run(x, gamma, beta, w, twin);
      assert.deepEqual(part, alone);
      // Forward: the sums for the mean and the variance; backward: dbeta and sum(dy x) in one.
      assert.deepEqual(exchanged.slice(-3), [c, c, 2 * c]);
      tf.dispose([x, w, gamma, beta]);
    });
  }

  it('differs from plain batch norm when the other part holds other images', function () {
    const x = random([2, 3, 3, 4], 5) as tf.Tensor4D;
    const w = random([2, 3, 3, 4], 6);
    const gamma = tf.ones([4]) as tf.Tensor1D;
    const beta = tf.zeros([4]) as tf.Tensor1D;
    const shifted: BatchSync = { batchTotal: 4, allReduce: (local) => local.map((v) => 2 * v + 1) };
    assert.notDeepEqual(run(x, gamma, beta, w, shifted)[0], run(x, gamma, beta, w)[0]);
    tf.dispose([x, w, gamma, beta]);
  });
});
