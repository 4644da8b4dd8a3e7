/** Builders for the dataset tests: small IDX, CIFAR and image files written to temp folders. */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DatasetError } from '../../src/engine/data';
import { Rng } from '../../src/shared/rng';

/** A fresh temp folder per test file; call the returned cleanup in after(). */
export function makeTempDir(tag: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ddas-${tag}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function randomBytes(n: number, seed: number): Uint8Array {
  const rng = Rng.seeded(seed);
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

export function idxFile(magic: number, dims: readonly number[], body: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, body]);
}

export interface IdxSpec {
  prefix?: string;
  n: number;
  height: number;
  width: number;
  pixels: Uint8Array;
  labels: Uint8Array;
  gz?: boolean;
}

/** Writes `<prefix>-images-idx3-ubyte[.gz]` and the labels file; returns their paths. */
export async function writeIdx(dir: string, spec: IdxSpec): Promise<{ images: string; labels: string }> {
  await fsp.mkdir(dir, { recursive: true });
  const prefix = spec.prefix ?? 'train';
  const ext = spec.gz ? '.gz' : '';
  const wrap = (b: Buffer): Buffer => (spec.gz ? gzipSync(b, { level: 1 }) : b);
  const images = path.join(dir, `${prefix}-images-idx3-ubyte${ext}`);
  const labels = path.join(dir, `${prefix}-labels-idx1-ubyte${ext}`);
  await fsp.writeFile(images, wrap(idxFile(0x803, [spec.n, spec.height, spec.width], spec.pixels)));
  await fsp.writeFile(labels, wrap(idxFile(0x801, [spec.n], spec.labels)));
  return { images, labels };
}

/** CIFAR records: label bytes then the CHW pixels. */
export function cifarRecords(labels: readonly (readonly number[])[], chwPixels: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  labels.forEach((l, k) => parts.push(Buffer.from(l), Buffer.from(chwPixels.subarray(k * 3072, (k + 1) * 3072))));
  return Buffer.concat(parts);
}

/** Asserts that `promise` rejects with a DatasetError whose message matches every pattern. */
export async function rejectsDatasetError(promise: Promise<unknown>, ...patterns: RegExp[]): Promise<DatasetError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof DatasetError, `expected a DatasetError, got ${String(caught)}`);
  for (const p of patterns) assert.match(caught.message, p);
  // "<file>: <what is wrong>. <what to do>"
  assert.match(caught.message, /^.+: .+\. .+$/s);
  return caught;
}
