import * as assert from 'node:assert/strict';
import { existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { detectFormat, openDataset } from '../../src/engine/data';
import { idxFile, makeTempDir, randomBytes, rejectsDatasetError, writeIdx } from './data-fixtures';

const SAMPLE = path.join(__dirname, '..', '..', 'sample', 'fashion-mnist');
const DEBIAN = '/usr/share/datasets/fashion-mnist';
const FASHION_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

describe('data: IDX', () => {
  const { dir: tmp, cleanup } = makeTempDir('idx');
  const cacheDir = path.join(tmp, 'cache');
  after(cleanup);

  it('loads the embedded Fashion-MNIST sample: 4000 images, 400 per class, 28x28x1', async () => {
    assert.equal(await detectFormat(SAMPLE), 'idx');
    const ds = await openDataset(SAMPLE, { cacheDir });
    try {
      const { info } = ds;
      assert.equal(info.format, 'idx');
      assert.equal(info.split, 'train');
      assert.deepEqual([info.size, info.width, info.height, info.channels], [4000, 28, 28, 1]);
      assert.deepEqual(info.classCounts, new Array(10).fill(400));
      assert.deepEqual(info.classNames, FASHION_NAMES);
      assert.equal(ds.labels.length, 4000);
      const batch = await ds.read([0, 3999, 17]);
      assert.equal(batch.pixels.length, 3 * 784);
      assert.deepEqual(Array.from(batch.labels), [ds.labels[0], ds.labels[3999], ds.labels[17]]);
      assert.ok(batch.pixels.some((v) => v > 0));
    } finally {
      await ds.close();
    }
  });

  it('the sample holds exactly the Debian training images listed in indices.txt', async function () {
    if (!existsSync(DEBIAN)) this.skip();
    const taken = (await fsp.readFile(path.join(SAMPLE, 'indices.txt'), 'utf8')).trim().split('\n').map(Number);
    assert.equal(taken.length, 4000);
    const sample = await openDataset(SAMPLE, { cacheDir });
    const full = await openDataset(DEBIAN, { split: 'train' });
    try {
      const picks = [0, 1, 1234, 3999];
      const a = await sample.read(picks);
      const b = await full.read(picks.map((k) => taken[k]));
      assert.deepEqual(a.pixels, b.pixels);
      assert.deepEqual(a.labels, b.labels);
    } finally {
      await Promise.all([sample.close(), full.close()]);
    }
  });

  it('loads the real Fashion-MNIST test set: 10000 images, 1000 per class', async function () {
    if (!existsSync(path.join(DEBIAN, 't10k-images-idx3-ubyte.gz'))) {
      console.log(`    (skipped: ${DEBIAN} missing; apt-get install dataset-fashion-mnist)`);
      this.skip();
    }
    const ds = await openDataset(DEBIAN, { split: 'test' });
    try {
      assert.equal(ds.info.split, 'test');
      assert.deepEqual([ds.info.size, ds.info.width, ds.info.height, ds.info.channels], [10000, 28, 28, 1]);
      assert.deepEqual(ds.info.classCounts, new Array(10).fill(1000));
      // No names in the files: recognised as Fashion-MNIST by its label sequence.
      assert.deepEqual(ds.info.classNames, FASHION_NAMES);
      assert.equal(ds.info.classNamesFrom, 'Fashion-MNIST t10k (recognised by its labels)');
      const batch = await ds.read([9999, 0]);
      assert.equal(batch.pixels.length, 2 * 784);
    } finally {
      await ds.close();
    }
  });

  it('raw and gzipped IDX give identical pixels, and the gz is decompressed once', async () => {
    const n = 300;
    const pixels = randomBytes(n * 12 * 10, 1);
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 4);
    await writeIdx(path.join(tmp, 'raw'), { n, height: 12, width: 10, pixels, labels });
    await writeIdx(path.join(tmp, 'gz'), { n, height: 12, width: 10, pixels, labels, gz: true });
    const gzCache = path.join(tmp, 'gzcache');
    const raw = await openDataset(path.join(tmp, 'raw'));
    const gz = await openDataset(path.join(tmp, 'gz'), { cacheDir: gzCache });
    try {
      assert.deepEqual([gz.info.width, gz.info.height, gz.info.size], [10, 12, n]);
      const all = Array.from({ length: n }, (_, i) => n - 1 - i);
      const [a, b] = await Promise.all([raw.read(all), gz.read(all)]);
      assert.deepEqual(a.pixels, b.pixels);
      assert.deepEqual(a.labels, b.labels);
      const expected = Buffer.concat(all.map((i) => Buffer.from(pixels.subarray(i * 120, (i + 1) * 120))));
      assert.deepEqual(Buffer.from(a.pixels), expected);
    } finally {
      await Promise.all([raw.close(), gz.close()]);
    }
    const cached = await fsp.readdir(gzCache);
    assert.equal(cached.length, 2);
    const again = await openDataset(path.join(tmp, 'gz'), { cacheDir: gzCache });
    await again.close();
    assert.deepEqual(await fsp.readdir(gzCache), cached);
  });

  it('pairs files from a folder, an images file or a labels file, and picks train or t10k', async () => {
    const d = path.join(tmp, 'pairs');
    const mk = (prefix: string, n: number): Promise<unknown> =>
      writeIdx(d, { prefix, n, height: 2, width: 2, pixels: randomBytes(n * 4, n), labels: Uint8Array.from({ length: n }, (_, i) => i % 2) });
    await mk('train', 6);
    await mk('t10k', 4);
    const sizes = async (p: string, split?: 'train' | 'test'): Promise<[number, string | undefined]> => {
      const ds = await openDataset(p, { split });
      await ds.close();
      return [ds.info.size, ds.info.split];
    };
    assert.deepEqual(await sizes(d), [6, 'train']);
    assert.deepEqual(await sizes(d, 'test'), [4, 'test']);
    assert.deepEqual(await sizes(path.join(d, 't10k-images-idx3-ubyte')), [4, 'test']);
    assert.deepEqual(await sizes(path.join(d, 't10k-labels-idx1-ubyte')), [4, 'test']);
    // A folder with only test files opens them without asking.
    const onlyTest = path.join(tmp, 'only-test');
    await writeIdx(onlyTest, { prefix: 't10k', n: 3, height: 2, width: 2, pixels: randomBytes(12, 3), labels: Uint8Array.from([0, 1, 0]) });
    assert.deepEqual(await sizes(onlyTest), [3, 'test']);
    await rejectsDatasetError(openDataset(onlyTest, { split: 'train' }), /no train IDX images file/);
  });

  it('reads RGB IDX files (4 dimensions: N x H x W x 3)', async () => {
    const dir = path.join(tmp, 'rgb');
    await fsp.mkdir(dir);
    const pixels = randomBytes(5 * 2 * 3 * 3, 9);
    await fsp.writeFile(path.join(dir, 'train-images-idx3-ubyte'), idxFile(0x804, [5, 2, 3, 3], pixels));
    await fsp.writeFile(path.join(dir, 'train-labels-idx1-ubyte'), idxFile(0x801, [5], Uint8Array.from([0, 1, 0, 1, 1])));
    const ds = await openDataset(dir);
    const batch = await ds.read([4]);
    await ds.close();
    assert.deepEqual([ds.info.height, ds.info.width, ds.info.channels], [2, 3, 3]);
    assert.deepEqual(batch.pixels, pixels.subarray(4 * 18));
  });

  describe('bad input', () => {
    const n = 20;
    const good = { n, height: 4, width: 3, pixels: randomBytes(n * 12, 7), labels: Uint8Array.from({ length: n }, (_, i) => i % 5) };
    const fresh = async (name: string): Promise<{ dir: string; images: string; labels: string }> => {
      const dir = path.join(tmp, 'bad', name);
      return { dir, ...(await writeIdx(dir, good)) };
    };

    it('a nonexistent path', async () => {
      await rejectsDatasetError(openDataset(path.join(tmp, 'nope')), /nope: does not exist\. Check the path/);
      await rejectsDatasetError(detectFormat(path.join(tmp, 'nope')), /does not exist/);
    });

    it('an empty folder', async () => {
      const dir = path.join(tmp, 'bad', 'empty');
      await fsp.mkdir(dir, { recursive: true });
      await rejectsDatasetError(openDataset(dir), /empty: holds no dataset/);
    });

    it('wrong magic number (labels file where the images file should be)', async () => {
      const { images, labels, dir } = await fresh('magic');
      await fsp.copyFile(labels, images);
      const err = await rejectsDatasetError(openDataset(dir), /wrong magic number 0x00000801; expected 0x00000803/);
      assert.equal(err.file, images);
    });

    it('a truncated images file names the file, expected and actual bytes', async () => {
      const { images, dir } = await fresh('trunc');
      await fsp.truncate(images, 16 + n * 12 - 5);
      const err = await rejectsDatasetError(openDataset(dir), /is truncated: .*20 images.* 256 bytes, but the file has 251 bytes/);
      assert.equal(err.file, images);
    });

    it('a truncated labels file', async () => {
      const { labels, dir } = await fresh('trunc-labels');
      await fsp.truncate(labels, 8 + n - 1);
      await rejectsDatasetError(openDataset(dir), /labels-idx1-ubyte: is truncated: .*28 bytes, but the file has 27 bytes/);
    });

    it('a truncated gzip file', async () => {
      const dir = path.join(tmp, 'bad', 'trunc-gz');
      const { images } = await writeIdx(dir, { ...good, gz: true });
      const bytes = await fsp.readFile(images);
      await fsp.writeFile(images, bytes.subarray(0, bytes.length - 20));
      await rejectsDatasetError(openDataset(dir, { cacheDir }), /images-idx3-ubyte\.gz: could not be decompressed \(unexpected end of file\)/);
    });

    it('a gzip file that is truncated inside the IDX data reports decompressed size', async () => {
      const dir = path.join(tmp, 'bad', 'short-gz');
      const { images } = await writeIdx(dir, { ...good, gz: true });
      await fsp.writeFile(images, gzipSync(idxFile(0x803, [n, 4, 3], good.pixels.subarray(0, 100))));
      await rejectsDatasetError(openDataset(dir, { cacheDir }), /is truncated: .* 256 bytes, but it decompresses to 116 bytes/);
    });

    it('image and label counts that differ', async () => {
      const { labels, dir } = await fresh('count');
      await fsp.writeFile(labels, idxFile(0x801, [n - 1], good.labels.subarray(0, n - 1)));
      await rejectsDatasetError(openDataset(dir), /labels-idx1-ubyte: holds 19 labels but train-images-idx3-ubyte holds 20 images/);
    });

    it('a label beyond classes.txt names the labels file and the record', async () => {
      const { labels, dir } = await fresh('range');
      await fsp.writeFile(path.join(dir, 'classes.txt'), 'a\nb\nc\nd\ne\n\n');
      const ok = await openDataset(dir);
      await ok.close();
      assert.deepEqual(ok.info.classNames, ['a', 'b', 'c', 'd', 'e']);
      const bad = Uint8Array.from(good.labels);
      bad[13] = 5;
      await fsp.writeFile(labels, idxFile(0x801, [n], bad));
      const err = await rejectsDatasetError(openDataset(dir), /label 5 at record 13 is out of range 0\.\.4/, /classes\.txt lists 5 classes/);
      assert.equal(err.file, labels);
    });

    it('a label far above the rest with no classes.txt is an error, not 200 classes', async () => {
      const { labels, dir } = await fresh('gap');
      const bad = Uint8Array.from(good.labels);
      bad[11] = 200;
      await fsp.writeFile(labels, idxFile(0x801, [n], bad));
      await rejectsDatasetError(openDataset(dir), /label 200 at record 11 is out of range: no image has labels 5\.\.199/);
    });

    it('a blank line inside classes.txt', async () => {
      const { dir } = await fresh('blank-names');
      await fsp.writeFile(path.join(dir, 'classes.txt'), 'a\n\nb\n');
      await rejectsDatasetError(openDataset(dir), /classes\.txt: line 2 is blank/);
    });

    it('an images file with no labels file', async () => {
      const { labels, dir } = await fresh('no-labels');
      await fsp.rm(labels);
      await rejectsDatasetError(openDataset(dir), /train-images-idx3-ubyte: has no labels file next to it/);
    });
  });
});
