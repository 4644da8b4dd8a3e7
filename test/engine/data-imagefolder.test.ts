import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { detectFormat, openDataset } from '../../src/engine/data';
import { Lru } from '../../src/shared/lru';
import { makeTempDir, rejectsDatasetError } from './data-fixtures';

type Rgb = [number, number, number];

/** A solid-colour image file; the format follows the extension. */
async function solid(file: string, width: number, height: number, rgb: Rgb, opts: { gray?: boolean; alpha?: boolean } = {}): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const channels = opts.alpha ? 4 : 3;
  let img = sharp({ create: { width, height, channels, background: { r: rgb[0], g: rgb[1], b: rgb[2], alpha: 1 } } });
  if (opts.gray) img = img.toColourspace('b-w');
  const ext = path.extname(file).toLowerCase();
  if (ext === '.png') img = img.png();
  else if (ext === '.webp') img = img.webp({ lossless: true });
  else img = img.jpeg({ quality: 95 });
  await img.toFile(file);
}

const CLASS_COLOURS: Record<string, Rgb> = { dog: [200, 30, 40], cat: [20, 180, 60], bird: [10, 40, 220] };

describe('data: ImageFolder', () => {
  const { dir: tmp, cleanup } = makeTempDir('imagefolder');
  after(cleanup);

  it('reads PNG/JPEG/WebP class folders: sorted class order, counts, labels, pixels', async () => {
    const root = path.join(tmp, 'tree');
    // dog 3, cat 2, bird 4 images; one cat image is larger and gets resized.
    const files: [string, number, number][] = [
      ['dog/a.png', 8, 6],
      ['dog/b.jpg', 8, 6],
      ['dog/nested/c.webp', 8, 6],
      ['cat/x.webp', 8, 6],
      ['cat/y.PNG', 16, 12],
      ['bird/1.jpeg', 8, 6],
      ['bird/2.png', 8, 6],
      ['bird/3.webp', 8, 6],
      ['bird/4.png', 8, 6],
    ];
    for (const [rel, w, h] of files) await solid(path.join(root, rel), w, h, CLASS_COLOURS[rel.split('/')[0]]);
    await fsp.writeFile(path.join(root, 'cat', 'notes.txt'), 'not an image');
    await fsp.symlink('..', path.join(root, 'dog', 'nested', 'loop')); // must not recurse forever
    await fsp.mkdir(path.join(root, '.hidden'));

    assert.equal(await detectFormat(root), 'imagefolder');
    const ds = await openDataset(root);
    try {
      const { info } = ds;
      assert.equal(info.format, 'imagefolder');
      assert.deepEqual(info.classNames, ['bird', 'cat', 'dog']);
      assert.deepEqual(info.classCounts, [4, 2, 3]);
      assert.deepEqual([info.size, info.width, info.height, info.channels], [9, 8, 6, 3]);
      assert.deepEqual(Array.from(ds.labels), [0, 0, 0, 0, 1, 1, 2, 2, 2]);
      assert.deepEqual(info.skipped, []);
      assert.ok(info.warnings.some((w) => /1 image not 8x6 are resized/.test(w)), info.warnings.join('; '));
      assert.ok(info.warnings.some((w) => /1 file that are not PNG, JPEG or WebP were ignored/.test(w)), info.warnings.join('; '));
      const all = Array.from({ length: 9 }, (_, i) => i);
      const batch = await ds.read(all);
      assert.equal(batch.pixels.length, 9 * 8 * 6 * 3);
      for (const i of all) {
        const want = CLASS_COLOURS[info.classNames[ds.labels[i]]];
        for (let c = 0; c < 3; c++) {
          // JPEG is lossy; PNG and lossless WebP are exact.
          const got = batch.pixels[i * 144 + 3 * 20 + c];
          assert.ok(Math.abs(got - want[c]) <= 3, `image ${i} channel ${c}: ${got} vs ${want[c]}`);
        }
      }
    } finally {
      await ds.close();
    }
  });

  it('all-grayscale folders give one channel; mixed ones give RGB with a warning', async () => {
    const gray = path.join(tmp, 'gray');
    await solid(path.join(gray, 'a', '1.png'), 4, 4, [90, 90, 90], { gray: true });
    await solid(path.join(gray, 'b', '1.jpg'), 4, 4, [160, 160, 160], { gray: true });
    const g = await openDataset(gray);
    const gb = await g.read([0, 1]);
    await g.close();
    assert.equal(g.info.channels, 1);
    assert.equal(gb.pixels.length, 2 * 16);
    assert.equal(gb.pixels[0], 90);
    assert.ok(Math.abs(gb.pixels[16] - 160) <= 2);

    const mixed = path.join(tmp, 'mixed');
    await solid(path.join(mixed, 'a', '1.png'), 4, 4, [90, 90, 90], { gray: true });
    await solid(path.join(mixed, 'b', '1.png'), 4, 4, [10, 20, 30], { alpha: true });
    const m = await openDataset(mixed);
    const mb = await m.read([0, 1]);
    await m.close();
    assert.equal(m.info.channels, 3);
    assert.deepEqual(Array.from(mb.pixels.subarray(0, 3)), [90, 90, 90]);
    assert.deepEqual(Array.from(mb.pixels.subarray(48, 51)), [10, 20, 30]);
    assert.ok(m.info.warnings.some((w) => /mixed channel counts: 1 grayscale image converted to RGB/.test(w)));
    assert.ok(m.info.warnings.some((w) => /alpha dropped/.test(w)));

    // Forced grayscale uses PIL's luma weights.
    const forced = await openDataset(mixed, { channels: 1, size: { width: 2, height: 3 } });
    const fb = await forced.read([1]);
    await forced.close();
    assert.deepEqual([forced.info.width, forced.info.height, forced.info.channels], [2, 3, 1]);
    assert.equal(fb.pixels[0], Math.round(10 * 0.299 + 20 * 0.587 + 30 * 0.114));
  });

  it('corrupt images are skipped and listed; labels of the others stay right', async () => {
    const root = path.join(tmp, 'corrupt');
    await solid(path.join(root, 'a', 'ok1.png'), 5, 5, [1, 2, 3]);
    await solid(path.join(root, 'b', 'ok2.png'), 5, 5, [4, 5, 6]);
    await solid(path.join(root, 'b', 'ok3.png'), 5, 5, [7, 8, 9]);
    await fsp.writeFile(path.join(root, 'a', 'garbage.png'), Buffer.from('this is not a png at all'));
    const full = await fsp.readFile(path.join(root, 'b', 'ok3.png'));
    await fsp.writeFile(path.join(root, 'b', 'cut.png'), full.subarray(0, full.length - 30)); // header fine, data cut
    const ds = await openDataset(root);
    const batch = await ds.read([0, 1, 2]);
    await ds.close();
    assert.equal(ds.info.size, 3);
    assert.deepEqual(ds.info.skipped.map((s) => path.basename(s.file)), ['garbage.png', 'cut.png']);
    for (const s of ds.info.skipped) assert.ok(s.reason.length > 0);
    assert.deepEqual(Array.from(ds.labels), [0, 1, 1]);
    assert.deepEqual(Array.from(batch.pixels.subarray(0, 3)), [1, 2, 3]);
    assert.deepEqual(Array.from(batch.pixels.subarray(75, 78)), [4, 5, 6]);
    assert.deepEqual(Array.from(batch.pixels.subarray(150, 153)), [7, 8, 9]);
  });

  it('without verification a corrupt image fails at read time, naming the file', async () => {
    const root = path.join(tmp, 'corrupt');
    const ds = await openDataset(root, { verify: false });
    try {
      assert.equal(ds.info.size, 4); // the header check skips garbage.png but not cut.png
      assert.deepEqual(ds.info.skipped.map((s) => path.basename(s.file)), ['garbage.png']);
      let caught = 0;
      for (let i = 0; i < ds.info.size; i++) {
        try {
          await ds.read([i]);
        } catch (err) {
          caught++;
          assert.match((err as Error).message, /cut\.png: could not be decoded \(.+\)\. Replace or delete the file/);
        }
      }
      assert.equal(caught, 1);
    } finally {
      await ds.close();
    }
  });

  it('an empty class folder keeps its index with a warning', async () => {
    const root = path.join(tmp, 'empty-class');
    await solid(path.join(root, 'a', '1.png'), 3, 3, [1, 1, 1]);
    await fsp.mkdir(path.join(root, 'b'), { recursive: true });
    await solid(path.join(root, 'c', '1.png'), 3, 3, [2, 2, 2]);
    const ds = await openDataset(root);
    await ds.close();
    assert.deepEqual(ds.info.classNames, ['a', 'b', 'c']);
    assert.deepEqual(ds.info.classCounts, [1, 0, 1]);
    assert.deepEqual(Array.from(ds.labels), [0, 2]);
    assert.ok(ds.info.warnings.some((w) => /class 1 'b' has no usable images; it keeps index 1/.test(w)));
  });

  it('errors: every image corrupt, no images, no class folders, a single image', async () => {
    const allBad = path.join(tmp, 'all-bad');
    await fsp.mkdir(path.join(allBad, 'a'), { recursive: true });
    await fsp.writeFile(path.join(allBad, 'a', 'x.jpg'), Buffer.from('nope'));
    await rejectsDatasetError(openDataset(allBad), /all-bad: none of its 1 image could be read \(first: .*x\.jpg: /);

    const noImages = path.join(tmp, 'no-images');
    await fsp.mkdir(path.join(noImages, 'a'), { recursive: true });
    await fsp.writeFile(path.join(noImages, 'a', 'readme.txt'), 'hi');
    await rejectsDatasetError(openDataset(noImages), /no-images: has no PNG, JPEG or WebP images in its 1 class subfolder/);

    const flat = path.join(tmp, 'flat');
    await solid(path.join(flat, '1.png'), 3, 3, [0, 0, 0]);
    await rejectsDatasetError(openDataset(flat), /flat: holds images but no class subfolders/);
    await rejectsDatasetError(openDataset(path.join(flat, '1.png')), /1\.png: is a single image/);
    await rejectsDatasetError(openDataset(flat, { format: 'imagefolder' }), /flat: has no class subfolders/);
  });

  it('a tiny cache still reads every image correctly (decoded on demand)', async () => {
    const root = path.join(tmp, 'tree');
    const big = await openDataset(root);
    const small = await openDataset(root, { cacheMB: 0.0002, verify: false }); // ~200 bytes: one 144-byte image
    try {
      const order = [8, 0, 3, 3, 5, 1, 8];
      assert.deepEqual((await small.read(order)).pixels, (await big.read(order)).pixels);
    } finally {
      await Promise.all([big.close(), small.close()]);
    }
  });

  it('the LRU cache stays within its byte bound and evicts least recently used', () => {
    const lru = new Lru<number, Uint8Array>(100, (v) => v.byteLength);
    lru.set(1, new Uint8Array(40));
    lru.set(2, new Uint8Array(40));
    lru.get(1);
    lru.set(3, new Uint8Array(40)); // evicts 2, the least recently used
    assert.ok(lru.get(2) === undefined && lru.get(1) !== undefined && lru.get(3) !== undefined);
    assert.equal(lru.total, 80);
    lru.set(4, new Uint8Array(101)); // larger than the whole cache: not kept
    assert.equal(lru.get(4), undefined);
    assert.ok(lru.total <= 100);
  });
});
