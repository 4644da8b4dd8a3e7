import * as assert from 'node:assert/strict';
import { stratifiedSplit } from '../../src/engine/data';
import { allocate } from '../../src/engine/data/split';
import { Rng } from '../../src/shared/rng';
import { rejectsDatasetError } from './data-fixtures';

function labelsWithCounts(counts: readonly number[], seed: number): Int32Array {
  const labels: number[] = [];
  counts.forEach((n, c) => labels.push(...new Array<number>(n).fill(c)));
  // Interleave classes so index order says nothing about class.
  const rng = Rng.seeded(seed);
  for (let i = labels.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [labels[i], labels[j]] = [labels[j], labels[i]];
  }
  return Int32Array.from(labels);
}

function perClass(labels: Int32Array, indices: Int32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const i of indices) counts[labels[i]]++;
  return counts;
}

describe('data: stratifiedSplit', () => {
  it('keeps class proportions exactly when they divide evenly', () => {
    const labels = labelsWithCounts([500, 300, 200], 1);
    const { train, val } = stratifiedSplit(labels, { train: 100, val: 50 }, 7);
    assert.deepEqual(perClass(labels, train, 3), [50, 30, 20]);
    assert.deepEqual(perClass(labels, val, 3), [25, 15, 10]);
  });

  it('parts are disjoint, ascending, exactly sized, and deterministic per seed', () => {
    const labels = labelsWithCounts([37, 101, 5, 0, 60], 2);
    const a = stratifiedSplit(labels, { train: 77, val: 55 }, 3);
    const b = stratifiedSplit(labels, { train: 77, val: 55 }, 3);
    const c = stratifiedSplit(labels, { train: 77, val: 55 }, 4);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.train, c.train);
    assert.equal(a.train.length, 77);
    assert.equal(a.val.length, 55);
    const seen = new Set([...a.train, ...a.val]);
    assert.equal(seen.size, 132);
    for (const part of [a.train, a.val]) for (let i = 1; i < part.length; i++) assert.ok(part[i - 1] < part[i]);
  });

  it('largest remainder: each class within one image of its exact share', () => {
    const rng = Rng.seeded(99);
    for (let trial = 0; trial < 200; trial++) {
      const classes = 1 + rng.int(12);
      const counts = Array.from({ length: classes }, () => rng.int(40));
      const total = counts.reduce((x, y) => x + y, 0);
      if (total === 0) continue;
      const labels = labelsWithCounts(counts, trial);
      const n = rng.int(total + 1);
      const m = rng.int(total - n + 1);
      const { train, val } = stratifiedSplit(labels, { train: n, val: m }, trial);
      assert.equal(train.length, n);
      assert.equal(val.length, m);
      assert.equal(new Set([...train, ...val]).size, n + m);
      perClass(labels, train, classes).forEach((got, k) => assert.ok(Math.abs(got - (n * counts[k]) / total) < 1, `trial ${trial} class ${k}`));
    }
  });

  it('may use every image; asking for more is an error', async () => {
    const labels = labelsWithCounts([3, 4], 5);
    const { train, val } = stratifiedSplit(labels, { train: 4, val: 3 }, 0);
    assert.equal(new Set([...train, ...val]).size, 7);
    await rejectsDatasetError(Promise.resolve().then(() => stratifiedSplit(labels, { train: 5, val: 3 }, 0)), /asked for 5 train \+ 3 val = 8 images but the dataset has 7/);
    await rejectsDatasetError(Promise.resolve().then(() => stratifiedSplit(labels, { train: -1 }, 0)), /the train size -1 is not a whole number/);
  });

  it('allocate respects per-class room', () => {
    assert.deepEqual(allocate([5, 5], 6, [5, 1]), [5, 1]);
    assert.deepEqual(allocate([1, 2], 2, [0, 2]), [0, 2]);
  });
});
