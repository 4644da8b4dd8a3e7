/**
 * Held-out data (src/engine/data/holdout.ts): a dataset's own test split where it has
 * one (IDX t10k, CIFAR test_batch, ImageFolder train/ + test/ or val/), else a seeded
 * stratified share of the train split that training and searches never see - down to
 * a real search, whose split is drawn from the rest and whose policy records the share.
 */
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { registerWasmTrainingKernels } from '../../src/engine/backend/kernels';
import { openSplits, stratifiedSplitOf, type DatasetSplits } from '../../src/engine/data';
import { heldOutRecord } from '../../src/engine/data/holdout';
import { runInfo } from '../../src/engine/cli/info';
import { runSearchJob } from '../../src/engine/search/job';
import { useBackend } from '../../src/engine/tf';
import { validatePolicy } from '../../src/shared/policy';
import { SearchRequestSchema, type EngineEvent } from '../../src/shared/protocol';
import { cifarRecords, makeTempDir, randomBytes, rejectsDatasetError, writeIdx } from './data-fixtures';

const SAMPLE = path.join(__dirname, '..', '..', 'sample', 'fashion-mnist');
const DEBIAN = '/usr/share/datasets/fashion-mnist';

/** A PNG of one gray level (or colour) at `file`, folders made. */
async function png(file: string, width: number, height: number, level: number): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await sharp({ create: { width, height, channels: 3, background: { r: level, g: level, b: (level * 7) % 256 } } }).png().toFile(file);
}

/** `counts[c]` images of class folder `classes[c]` under `dir`. */
async function imageFolder(dir: string, classes: readonly string[], counts: readonly number[], size = 6): Promise<void> {
  for (const [c, name] of classes.entries()) {
    for (let i = 0; i < counts[c]; i++) await png(path.join(dir, name, `${i}.png`), size, size, (40 * c + i) % 256);
  }
}

function disjoint(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const set = new Set(Array.from(a));
  return Array.from(b).every((v) => !set.has(v));
}

function ascending(a: Int32Array): boolean {
  return a.every((v, i) => i === 0 || a[i - 1] < v);
}

async function withSplits<T>(target: string, opts: Parameters<typeof openSplits>[1], body: (s: DatasetSplits) => Promise<T> | T): Promise<T> {
  const splits = await openSplits(target, opts);
  try {
    return await body(splits);
  } finally {
    await splits.close();
  }
}

describe('held-out data (openSplits)', function () {
  const { dir: tmp, cleanup } = makeTempDir('holdout');
  after(cleanup);

  it('IDX: the t10k pair beside the train files is the held-out split; training may use every train image', async () => {
    const dir = path.join(tmp, 'idx');
    await writeIdx(dir, { n: 40, height: 5, width: 4, pixels: randomBytes(40 * 20, 1), labels: Uint8Array.from({ length: 40 }, (_, i) => i % 4) });
    // The test set lacks class 3: it keeps the train split's 4 classes.
    await writeIdx(dir, { prefix: 't10k', n: 12, height: 5, width: 4, pixels: randomBytes(12 * 20, 2), labels: Uint8Array.from({ length: 12 }, (_, i) => i % 3), gz: true });
    await withSplits(dir, { cacheDir: path.join(tmp, 'cache') }, async (s) => {
      assert.equal(s.train.info.split, 'train');
      assert.deepEqual(Array.from(s.trainIndices), Array.from({ length: 40 }, (_, i) => i));
      assert.notEqual(s.heldOut.dataset, s.train);
      assert.equal(s.heldOut.name, 't10k');
      assert.equal(s.heldOut.indices.length, 12);
      assert.deepEqual(s.heldOut.dataset.info.classNames, s.train.info.classNames);
      assert.deepEqual(s.heldOut.dataset.info.classCounts, [4, 4, 4, 0]);
      assert.deepEqual(s.splits, [
        { name: 'train', images: 40, use: 'search+train' },
        { name: 't10k', images: 12, use: 'held-out' },
      ]);
      assert.deepEqual(heldOutRecord(s), { name: 't10k', images: 12 });
      const batch = await s.heldOut.dataset.read([11, 0]);
      assert.deepEqual(Array.from(batch.labels), [2, 0]);
    });
    // Opened on purpose, the test split has no test split beside it: a share of it is held out.
    await withSplits(dir, { split: 'test', cacheDir: path.join(tmp, 'cache') }, (s) => {
      assert.equal(s.heldOut.dataset, s.train);
      assert.equal(s.heldOut.indices.length, 1);
      assert.equal(s.heldOut.name, 'held-out 10% (stratified, seed 0)');
    });
  });

  it('ddas info lists every split with its use, and --json includes them', async () => {
    const dir = path.join(tmp, 'idx'); // written by the test above
    const lines: string[] = [];
    await runInfo(dir, false, (l) => lines.push(l));
    const text = lines.join('\n');
    assert.match(text, /^splits\s+train\s+40 images\s+search and evaluation train on it$/m);
    assert.match(text, /^\s+t10k\s+12 images\s+held out: evaluation scores on it, searches never see it$/m);
    assert.match(text, /^classes\s+4 \(no names in the files: shown by index/m);
    const json: string[] = [];
    await runInfo(dir, true, (l) => json.push(l));
    const parsed = JSON.parse(json.join('\n')) as { size: number; splits: unknown; heldOut: unknown };
    assert.equal(parsed.size, 40);
    assert.deepEqual(parsed.splits, [
      { name: 'train', images: 40, use: 'search+train' },
      { name: 't10k', images: 12, use: 'held-out' },
    ]);
    assert.deepEqual(parsed.heldOut, { name: 't10k', images: 12 });
  });

  it('IDX: a t10k split of another image size is refused with what to do', async () => {
    const dir = path.join(tmp, 'idx-mismatch');
    await writeIdx(dir, { n: 10, height: 5, width: 4, pixels: randomBytes(200, 3), labels: Uint8Array.from({ length: 10 }, (_, i) => i % 2) });
    await writeIdx(dir, { prefix: 't10k', n: 4, height: 4, width: 4, pixels: randomBytes(64, 4), labels: Uint8Array.of(0, 1, 0, 1) });
    await rejectsDatasetError(openSplits(dir), /t10k-images-idx3-ubyte/, /4x4x1 images but the train split 4x5x1/, /same image size/);
  });

  it('Debian\'s Fashion-MNIST: train 60,000 for search and training, t10k 10,000 held out, with its class names', async function () {
    if (!fs.existsSync(path.join(DEBIAN, 't10k-images-idx3-ubyte.gz'))) {
      console.log(`    (skipped: ${DEBIAN} missing; apt-get install dataset-fashion-mnist)`);
      this.skip();
    }
    await withSplits(DEBIAN, {}, (s) => {
      assert.deepEqual(s.splits.map((x) => [x.name, x.images, x.use]), [['train', 60000, 'search+train'], ['t10k', 10000, 'held-out']]);
      assert.equal(s.train.info.classNames[9], 'Ankle boot');
      assert.equal(s.heldOut.dataset.info.classNames[0], 'T-shirt/top');
    });
  });

  it('CIFAR-10: test_batch.bin beside the data batches is the held-out split, names from batches.meta.txt', async () => {
    const dir = path.join(tmp, 'cifar');
    await fsp.mkdir(dir, { recursive: true });
    await fsp.writeFile(path.join(dir, 'data_batch_1.bin'), cifarRecords([0, 1, 2, 3, 4, 5].map((l) => [l]), randomBytes(6 * 3072, 5)));
    await fsp.writeFile(path.join(dir, 'data_batch_2.bin'), cifarRecords([6, 7, 8, 9].map((l) => [l]), randomBytes(4 * 3072, 6)));
    await fsp.writeFile(path.join(dir, 'test_batch.bin'), cifarRecords([[9], [8], [7]], randomBytes(3 * 3072, 7)));
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    await fsp.writeFile(path.join(dir, 'batches.meta.txt'), names.join('\n') + '\n');
    await withSplits(dir, {}, async (s) => {
      assert.equal(s.heldOut.name, 'test_batch');
      assert.equal(s.trainIndices.length, 10);
      assert.deepEqual(s.splits, [
        { name: 'data_batch_1..2', images: 10, use: 'search+train' },
        { name: 'test_batch', images: 3, use: 'held-out' },
      ]);
      assert.deepEqual(s.heldOut.dataset.info.classNames, names);
      assert.equal(s.train.info.classNamesFrom, 'batches.meta.txt');
      assert.deepEqual(Array.from((await s.heldOut.dataset.read([0, 2])).labels), [9, 7]);
    });
    // A single batch file opened on its own still finds the test batch beside it.
    await withSplits(path.join(dir, 'data_batch_2.bin'), {}, (s) => {
      assert.equal(s.train.info.size, 4);
      assert.equal(s.heldOut.name, 'test_batch');
    });
  });

  it('ImageFolder: train/ test/ val/ subfolders: test/ held out (classes matched by name, resized to train\'s size), val/ unused', async () => {
    const root = path.join(tmp, 'folders');
    await imageFolder(path.join(root, 'train'), ['cat', 'dog', 'fox'], [4, 3, 2]);
    // test/ has no 'cat' folder: by position 'dog' would become class 0.
    await imageFolder(path.join(root, 'test'), ['dog', 'fox'], [2, 1], 9);
    await imageFolder(path.join(root, 'val'), ['cat', 'dog', 'fox'], [1, 1, 1]);
    await withSplits(root, {}, async (s) => {
      assert.deepEqual(s.train.info.classNames, ['cat', 'dog', 'fox']);
      assert.equal(s.heldOut.name, 'test/');
      assert.deepEqual(s.splits, [
        { name: 'train/', images: 9, use: 'search+train' },
        { name: 'test/', images: 3, use: 'held-out' },
        { name: 'val/', images: 3, use: 'unused' },
      ]);
      const h = s.heldOut.dataset;
      assert.deepEqual(h.info.classNames, ['cat', 'dog', 'fox']);
      assert.deepEqual(Array.from(h.labels), [1, 1, 2]);
      assert.deepEqual(h.info.classCounts, [0, 2, 1]);
      assert.deepEqual([h.info.width, h.info.height, h.info.channels], [6, 6, 3]);
      const batch = await h.read([2, 0]);
      assert.deepEqual(Array.from(batch.labels), [2, 1]);
      assert.equal(batch.pixels.length, 2 * 6 * 6 * 3);
    });
    // Without test/, val/ is the held-out split.
    await fsp.rm(path.join(root, 'test'), { recursive: true });
    await withSplits(root, {}, (s) => {
      assert.equal(s.heldOut.name, 'val/');
      assert.deepEqual(s.splits.map((x) => x.use), ['search+train', 'held-out']);
    });
    // A held-out class train/ lacks is an error naming the folder.
    await imageFolder(path.join(root, 'val'), ['wolf'], [1]);
    await rejectsDatasetError(openSplits(root), /val[/\\]wolf: is a class folder of the held-out split that train\/ does not have/, /Rename it/);
  });

  it('ImageFolder with only train/: a share of train/ is held out', async () => {
    const root = path.join(tmp, 'only-train');
    await imageFolder(path.join(root, 'train'), ['a', 'b'], [10, 10]);
    await withSplits(root, {}, (s) => {
      assert.equal(s.train.info.path, path.resolve(root, 'train'));
      assert.deepEqual(s.splits, [
        { name: 'train/', images: 18, use: 'search+train' },
        { name: 'held-out 10% (stratified, seed 0)', images: 2, use: 'held-out' },
      ]);
    });
  });

  describe('a plain ImageFolder: a stratified held-out share', function () {
    const root = path.join(tmp, 'plain');
    before(async () => {
      // 30 + 20 images: 10% is 3 + 2; a class called "test" does not make it a split layout.
      await imageFolder(root, ['a', 'test'], [30, 20], 4);
    });

    it('holds out 10% per class, disjoint from trainIndices, together all images', async () => {
      await withSplits(root, {}, (s) => {
        assert.equal(s.heldOut.dataset, s.train);
        assert.deepEqual(s.train.info.classNames, ['a', 'test']);
        assert.equal(s.heldOut.name, 'held-out 10% (stratified, seed 0)');
        const labels = s.train.labels;
        assert.deepEqual([0, 1].map((c) => Array.from(s.heldOut.indices).filter((i) => labels[i] === c).length), [3, 2]);
        assert.ok(disjoint(s.heldOut.indices, s.trainIndices));
        assert.equal(s.heldOut.indices.length + s.trainIndices.length, 50);
        assert.ok(ascending(s.trainIndices) && ascending(s.heldOut.indices));
        assert.deepEqual(heldOutRecord(s), { name: 'held-out 10% (stratified, seed 0)', images: 5, share: 0.1, seed: 0 });
        assert.deepEqual(s.splits, [
          { name: 'plain/', images: 45, use: 'search+train' },
          { name: 'held-out 10% (stratified, seed 0)', images: 5, use: 'held-out' },
        ]);
      });
    });

    it('is deterministic per seed; another seed or share holds out other images', async () => {
      const held = (opts: Parameters<typeof openSplits>[1]): Promise<number[]> => withSplits(root, opts, (s) => Array.from(s.heldOut.indices));
      const first = await held({});
      assert.deepEqual(await held({ seed: 0 }), first);
      assert.notDeepEqual(await held({ seed: 1 }), first);
      const fifth = await withSplits(root, { heldOutShare: 0.2, seed: 3 }, (s) => {
        assert.equal(s.heldOut.name, 'held-out 20% (stratified, seed 3)');
        return s.heldOut.indices.length;
      });
      assert.equal(fifth, 10);
    });

    it('draws a search split only from trainIndices', async () => {
      await withSplits(root, {}, (s) => {
        const split = stratifiedSplitOf(s.train.labels, s.trainIndices, { train: 25, val: 20 }, 7);
        assert.ok(disjoint(split.train, split.val));
        assert.ok(disjoint(s.heldOut.indices, split.train) && disjoint(s.heldOut.indices, split.val));
        assert.equal(split.train.length + split.val.length, 45);
      });
    });

    it('rejects a bad share, and a dataset too small to hold out from', async () => {
      await rejectsDatasetError(openSplits(root, { heldOutShare: 1.5 }), /held-out share 1.5 is not between 0 and 1/);
      await rejectsDatasetError(openSplits(root, { seed: 0.5 }), /seed 0.5 is not an integer/);
      const one = path.join(tmp, 'one');
      await imageFolder(one, ['a'], [1]);
      await rejectsDatasetError(openSplits(one), /has 1 image: too few to hold out 10%/, /held-out split/);
    });
  });

  it('a real search never draws held-out images, and its policy records them', async function () {
    this.timeout(120_000);
    registerWasmTrainingKernels();
    await useBackend('wasm');
    const ckpt = path.join(tmp, 'ckpt');
    const req = SearchRequestSchema.parse({ kind: 'search', id: 's', dataset: SAMPLE, budget: { epochs: 1, trainSize: 32, valSize: 16, batch: 16, valBatch: 16 }, seed: 5, checkpointDir: ckpt });
    const events: EngineEvent[] = [];
    const backend = { name: 'wasm', device: 'cpu', skipped: [] };
    const policy = await runSearchJob(req, (e) => events.push(e), new AbortController().signal, backend, { threads: 1 });
    assert.ok(policy, JSON.stringify(events.filter((e) => e.kind === 'error')));
    assert.ok(validatePolicy(JSON.parse(JSON.stringify(policy))).ok, 'the policy with its held-out record is valid');
    assert.deepEqual(policy.search?.dataset.heldOut, { name: 'held-out 10% (stratified, seed 0)', images: 400, share: 0.1, seed: 0 });
    const saved = JSON.parse(fs.readFileSync(path.join(ckpt, 'ddas-checkpoint.json'), 'utf8')) as { search: { split?: { train: number[]; val: number[] } } };
    const split = saved.search.split;
    assert.ok(split, 'the checkpoint records the split');
    assert.equal(split.train.length + split.val.length, 48);
    await withSplits(SAMPLE, {}, (s) => {
      assert.ok(disjoint(s.heldOut.indices, split.train) && disjoint(s.heldOut.indices, split.val), 'the search drew held-out images');
    });
  });
});
