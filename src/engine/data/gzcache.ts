/**
 * Gzipped files are decompressed once, streaming, to a cache file that is then read
 * with random access like a raw file. The cache name hashes the source's path, size and
 * modification time, so an edited source gets a fresh copy; the copy is written to a
 * temporary name and renamed, so a crash never leaves a half-written cache entry.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { DatasetError, describeError } from './errors';

export function defaultCacheDir(): string {
  return path.join(os.tmpdir(), 'ddas-cache');
}

/** Path of the decompressed copy of `gzFile`, creating it on first use. */
export async function gunzipToCache(gzFile: string, cacheDir = defaultCacheDir()): Promise<string> {
  const abs = path.resolve(gzFile);
  const stat = await fsp.stat(abs);
  const key = createHash('sha256').update(`${abs}\0${stat.size}\0${stat.mtimeMs}`).digest('hex').slice(0, 32);
  const base = path.basename(abs).replace(/\.gz$/i, '');
  const target = path.join(cacheDir, `${key}-${base}`);
  try {
    await fsp.access(target);
    return target;
  } catch {
    // Not cached yet.
  }
  await fsp.mkdir(cacheDir, { recursive: true });
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await pipeline(createReadStream(abs), createGunzip(), createWriteStream(temp));
    await fsp.rename(temp, target);
  } catch (err) {
    await fsp.rm(temp, { force: true });
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_')) {
      throw new DatasetError(
        gzFile,
        `could not be decompressed (${describeError(err)})`,
        'The file is not valid gzip or is truncated; download it again or use the uncompressed file',
      );
    }
    throw new DatasetError(
      gzFile,
      `could not be decompressed into ${cacheDir} (${describeError(err)})`,
      'Free disk space there, choose another cache folder, or decompress the file yourself',
    );
  }
  return target;
}
