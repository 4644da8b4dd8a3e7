import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { detectFormat, openDataset } from '../../src/engine/data';
import { cifarSplitFiles } from '../../src/engine/data/cifar';
import { cifarRecords, makeTempDir, randomBytes, rejectsDatasetError } from './data-fixtures';

/** Pixel (y, x) channel c of record k, read from CHW storage the slow, obvious way. */
function chwAt(chw: Uint8Array, k: number, y: number, x: number, c: number): number {
  return chw[k * 3072 + c * 1024 + y * 32 + x];
}

describe('data: CIFAR binary', () => {
  const { dir: tmp, cleanup } = makeTempDir('cifar');
  after(cleanup);

  it('CIFAR-10 batches round-trip: labels, CHW -> HWC, batch order, meta names', async () => {
    const dir = path.join(tmp, 'cifar-10-batches-bin');
    await fsp.mkdir(dir, { recursive: true });
    const sizes = [7, 5]; // data_batch_1, data_batch_2
    const chw = randomBytes(12 * 3072, 10);
    const labels = Array.from({ length: 12 }, (_, i) => (i * 3) % 10);
    // Written out of order: the loader orders batches by number.
    await fsp.writeFile(path.join(dir, 'data_batch_2.bin'), cifarRecords(labels.slice(7).map((l) => [l]), chw.subarray(7 * 3072)));
    await fsp.writeFile(path.join(dir, 'data_batch_1.bin'), cifarRecords(labels.slice(0, 7).map((l) => [l]), chw));
    await fsp.writeFile(path.join(dir, 'test_batch.bin'), cifarRecords([[9], [8], [7]], randomBytes(3 * 3072, 11)));
    const names = ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
    await fsp.writeFile(path.join(dir, 'batches.meta.txt'), names.join('\n') + '\n\n');

    // The archive unpacks into cifar-10-batches-bin/: the parent folder works too.
    assert.equal(await detectFormat(tmp), 'cifar10');
    const ds = await openDataset(tmp);
    try {
      assert.equal(ds.info.format, 'cifar10');
      assert.equal(ds.info.split, 'train');
      assert.deepEqual(ds.info.files.map((f) => path.basename(f)), ['data_batch_1.bin', 'data_batch_2.bin']);
      assert.deepEqual([ds.info.size, ds.info.width, ds.info.height, ds.info.channels], [sizes[0] + sizes[1], 32, 32, 3]);
      assert.deepEqual(ds.info.classNames, names);
      assert.deepEqual(Array.from(ds.labels), labels);
      const picks = [11, 0, 6, 7, 6];
      const batch = await ds.read(picks);
      assert.deepEqual(Array.from(batch.labels), picks.map((i) => labels[i]));
      picks.forEach((k, j) => {
        for (const [y, x] of [[0, 0], [0, 31], [31, 0], [13, 21], [31, 31]]) {
          for (let c = 0; c < 3; c++) {
            assert.equal(batch.pixels[j * 3072 + (y * 32 + x) * 3 + c], chwAt(chw, k, y, x, c), `image ${k} (${y},${x}) channel ${c}`);
          }
        }
      });
    } finally {
      await ds.close();
    }
    const test = await openDataset(dir, { split: 'test' });
    await test.close();
    assert.deepEqual([test.info.split, test.info.size, Array.from(test.labels)], ['test', 3, [9, 8, 7]]);
  });

  it('orders training batches by number, not by name', () => {
    const names = ['data_batch_10.bin', 'test_batch.bin', 'data_batch_2.bin', 'data_batch_1.bin', 'readme.html'];
    assert.deepEqual(cifarSplitFiles(names, 'cifar10', 'train'), ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_10.bin']);
    assert.deepEqual(cifarSplitFiles(names, 'cifar10', 'test'), ['test_batch.bin']);
  });

  it('labels are read correctly across the 1 MB read-chunk boundary', async () => {
    const dir = path.join(tmp, 'big');
    await fsp.mkdir(dir, { recursive: true });
    const n10 = 700;
    const l10 = Array.from({ length: n10 }, (_, i) => [(i * 7) % 10]);
    await fsp.writeFile(path.join(dir, 'test_batch.bin'), cifarRecords(l10, new Uint8Array(n10 * 3072)));
    const n100 = 700;
    const l100 = Array.from({ length: n100 }, (_, i) => [i % 20, (i * 13) % 100]);
    await fsp.writeFile(path.join(dir, 'test.bin'), cifarRecords(l100, new Uint8Array(n100 * 3072)));
    const a = await openDataset(path.join(dir, 'test_batch.bin'));
    const b = await openDataset(path.join(dir, 'test.bin'));
    await Promise.all([a.close(), b.close()]);
    assert.deepEqual(Array.from(a.labels), l10.map((l) => l[0]));
    assert.deepEqual(Array.from(b.labels), l100.map((l) => l[1]));
  });

  it('CIFAR-100 uses the fine label and fine_label_names.txt', async () => {
    const dir = path.join(tmp, 'c100');
    await fsp.mkdir(dir, { recursive: true });
    const labels = [
      [3, 99],
      [19, 0],
      [0, 42],
    ];
    const chw = randomBytes(3 * 3072, 12);
    await fsp.writeFile(path.join(dir, 'train.bin'), cifarRecords(labels, chw));
    const names = Array.from({ length: 100 }, (_, i) => `fine${i}`);
    await fsp.writeFile(path.join(dir, 'fine_label_names.txt'), names.join('\n'));
    assert.equal(await detectFormat(dir), 'cifar100');
    const ds = await openDataset(dir);
    try {
      assert.equal(ds.info.format, 'cifar100');
      assert.deepEqual(Array.from(ds.labels), [99, 0, 42]);
      assert.equal(ds.info.classNames[42], 'fine42');
      assert.equal(ds.info.classCounts.length, 100);
      const batch = await ds.read([2]);
      assert.equal(batch.pixels[(5 * 32 + 9) * 3 + 1], chwAt(chw, 2, 5, 9, 1));
    } finally {
      await ds.close();
    }
  });

  it('a .bin file of another name is recognised by its size', async () => {
    const file = path.join(tmp, 'mine.bin');
    await fsp.writeFile(file, cifarRecords([[1], [2]], randomBytes(2 * 3072, 13)));
    assert.equal(await detectFormat(file), 'cifar10');
    const ds = await openDataset(file);
    await ds.close();
    assert.deepEqual(Array.from(ds.labels), [1, 2]);
    assert.equal(ds.info.classNames[1], 'automobile');
  });

  describe('bad input', () => {
    it('a truncated batch names the file, expected and actual bytes', async () => {
      const dir = path.join(tmp, 'trunc');
      await fsp.mkdir(dir, { recursive: true });
      const file = path.join(dir, 'data_batch_1.bin');
      await fsp.writeFile(file, cifarRecords([[1], [2], [3]], randomBytes(3 * 3072, 14)).subarray(0, 3 * 3073 - 100));
      const err = await rejectsDatasetError(openDataset(dir), /is truncated: .*3073-byte records, 9219 bytes for 3 records, but the file has 9119 bytes/);
      assert.equal(err.file, file);
    });

    it('a CIFAR-10 label >= 10 names the file and record', async () => {
      const dir = path.join(tmp, 'range10');
      await fsp.mkdir(dir, { recursive: true });
      const file = path.join(dir, 'data_batch_3.bin');
      const labels = Array.from({ length: 400 }, (_, i) => [i % 10]);
      labels[380] = [10]; // past the first 1 MB read chunk
      await fsp.writeFile(file, cifarRecords(labels, new Uint8Array(400 * 3072)));
      const err = await rejectsDatasetError(openDataset(dir), /data_batch_3\.bin: label 10 at record 380 is out of range 0\.\.9/);
      assert.equal(err.file, file);
    });

    it('a CIFAR-100 fine label >= 100 names the file and record', async () => {
      const dir = path.join(tmp, 'range100');
      await fsp.mkdir(dir, { recursive: true });
      await fsp.writeFile(path.join(dir, 'test.bin'), cifarRecords([[0, 5], [1, 100]], randomBytes(2 * 3072, 16)));
      await rejectsDatasetError(openDataset(dir), /test\.bin: label 100 at record 1 is out of range 0\.\.99/);
    });

    it('a class names file with the wrong number of names', async () => {
      const dir = path.join(tmp, 'meta');
      await fsp.mkdir(dir, { recursive: true });
      await fsp.writeFile(path.join(dir, 'test_batch.bin'), cifarRecords([[0]], randomBytes(3072, 17)));
      await fsp.writeFile(path.join(dir, 'batches.meta.txt'), 'a\nb\n');
      await rejectsDatasetError(openDataset(dir), /batches\.meta\.txt: lists 2 class names, but the format has 10/);
    });
  });
});
