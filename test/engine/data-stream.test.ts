/**
 * Streaming: the loaders never hold a whole file. A 110 MB sparse IDX file (written
 * in milliseconds, mostly holes) is sampled in random batches and a 110 MB gzipped one
 * is decompressed, while the growth of ArrayBuffer memory is watched.
 */
import * as assert from 'node:assert/strict';
import { createWriteStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { createGzip } from 'node:zlib';
import { batches, openDataset } from '../../src/engine/data';
import { Rng } from '../../src/shared/rng';
import { idxFile, makeTempDir, randomBytes, writeIdx } from './data-fixtures';

const MB = 1024 * 1024;
const N = 140_000; // x 784 bytes = 110 MB

/**
 * Without collections, freed stream chunks pile up as garbage until V8 decides to
 * collect (~30 MB here), which says nothing about what the loader holds; so the
 * sampler collects before it measures.
 */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/**
 * Peak growth of live ArrayBuffer memory while `work` runs: sampled every 250 ms (a full
 * collection each time: more often starves the work when the heap is large) and
 * whenever `work` calls the sampler it is given.
 */
async function peakArrayBufferGrowth(work: (sample: () => void) => Promise<void>): Promise<number> {
  const gc = collector();
  gc();
  const base = process.memoryUsage().arrayBuffers;
  let peak = base;
  const sample = (): void => {
    gc();
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  };
  const timer = setInterval(sample, 250);
  try {
    await work(sample);
  } finally {
    clearInterval(timer);
    sample();
  }
  return peak - base;
}

describe('data: streaming and batches', function () {
  this.timeout(180000); // a 110 MB file on a busy 2-core machine
  const { dir: tmp, cleanup } = makeTempDir('stream');
  after(cleanup);

  it('random batches from a 110 MB raw IDX file read only what they need', async () => {
    const dir = path.join(tmp, 'sparse');
    await fsp.mkdir(dir);
    const images = path.join(dir, 'train-images-idx3-ubyte');
    await fsp.writeFile(images, idxFile(0x803, [N, 28, 28], new Uint8Array(0)));
    await fsp.truncate(images, 16 + N * 784); // a hole: no disk, no time
    // Mark a few images so the reads can be checked.
    const handle = await fsp.open(images, 'r+');
    for (const i of [0, 77_777, N - 1]) await handle.write(Buffer.alloc(784, (i % 250) + 1), 0, 784, 16 + i * 784);
    await handle.close();
    await fsp.writeFile(path.join(dir, 'train-labels-idx1-ubyte'), idxFile(0x801, [N], Uint8Array.from({ length: N }, (_, i) => i % 10)));

    const ds = await openDataset(dir);
    assert.equal(ds.info.size, N);
    const rng = Rng.seeded(1);
    let checked = 0;
    const growth = await peakArrayBufferGrowth(async (sample) => {
      for (let b = 0; b < 16; b++) {
        const idx = Array.from({ length: 256 }, () => rng.int(N));
        idx[0] = [0, 77_777, N - 1][b % 3];
        const batch = await ds.read(idx);
        assert.equal(batch.pixels[0], (idx[0] % 250) + 1);
        assert.equal(batch.labels[5], idx[5] % 10);
        checked += batch.labels.length;
        sample();
      }
    });
    await ds.close();
    assert.equal(checked, 16 * 256);
    if (process.env.DDAS_DATA_VERBOSE) console.log(`      raw: ArrayBuffer growth ${(growth / MB).toFixed(2)} MB`);
    assert.ok(growth < 8 * MB, `ArrayBuffer memory grew ${(growth / MB).toFixed(1)} MB reading a ${((N * 784) / MB).toFixed(0)} MB file`);
  });

  it('a 110 MB gzipped IDX file is decompressed as a stream', async () => {
    const dir = path.join(tmp, 'gz');
    await fsp.mkdir(dir);
    const header = idxFile(0x803, [N, 28, 28], new Uint8Array(0));
    const chunk = Buffer.alloc(784 * 1000, 3);
    async function* body(): AsyncGenerator<Buffer> {
      yield header;
      for (let i = 0; i < N / 1000; i++) yield chunk;
    }
    await pipeline(Readable.from(body()), createGzip({ level: 1 }), createWriteStream(path.join(dir, 'train-images-idx3-ubyte.gz')));
    await fsp.writeFile(path.join(dir, 'train-labels-idx1-ubyte'), idxFile(0x801, [N], Uint8Array.from({ length: N }, (_, i) => i % 2)));

    let ds: Awaited<ReturnType<typeof openDataset>> | undefined;
    const growth = await peakArrayBufferGrowth(async () => {
      ds = await openDataset(dir, { cacheDir: path.join(tmp, 'cache') });
    });
    assert.ok(ds);
    const batch = await ds.read([N - 1]);
    await ds.close();
    assert.equal(batch.pixels[783], 3);
    if (process.env.DDAS_DATA_VERBOSE) console.log(`      gz: ArrayBuffer growth ${(growth / MB).toFixed(2)} MB`);
    // Holding the file would grow by ~105 MB; stream chunks awaiting collection stay well under half.
    assert.ok(growth < 48 * MB, `ArrayBuffer memory grew ${(growth / MB).toFixed(1)} MB decompressing ${((N * 784) / MB).toFixed(0)} MB`);
  });

  it('batches() covers every index once, shuffles by seed, honours dropLast', async () => {
    const dir = path.join(tmp, 'small');
    const n = 103;
    const pixels = randomBytes(n * 4, 5);
    await writeIdx(dir, { n, height: 2, width: 2, pixels, labels: Uint8Array.from({ length: n }, (_, i) => i % 3) });
    const ds = await openDataset(dir);
    try {
      const indices = Array.from({ length: n }, (_, i) => i);
      const collect = async (opts: Parameters<typeof batches>[3]): Promise<number[][]> => {
        const out: number[][] = [];
        for await (const b of batches(ds, indices, 10, opts)) {
          assert.equal(b.pixels.length, b.indices.length * 4);
          b.indices.forEach((i, k) => {
            assert.equal(b.labels[k], i % 3);
            assert.deepEqual(b.pixels.subarray(k * 4, k * 4 + 4), pixels.subarray(i * 4, i * 4 + 4));
          });
          out.push(Array.from(b.indices));
        }
        return out;
      };
      const plain = await collect({});
      assert.deepEqual(plain.flat(), indices);
      assert.deepEqual(plain.map((b) => b.length), [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
      const s1 = await collect({ shuffle: Rng.seeded(4) });
      const s2 = await collect({ shuffle: Rng.seeded(4) });
      assert.deepEqual(s1, s2);
      assert.notDeepEqual(s1.flat(), indices);
      assert.deepEqual([...s1.flat()].sort((a, b) => a - b), indices);
      const dropped = await collect({ dropLast: true });
      assert.equal(dropped.length, 10);
      // Stopping early leaves no unhandled read-ahead behind.
      for await (const b of batches(ds, indices, 10)) {
        assert.equal(b.indices.length, 10);
        break;
      }
    } finally {
      await ds.close();
    }
  });
});
