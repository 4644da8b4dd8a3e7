/**
 * Peak memory of a search vs dataset size (issue 6): the same short search (1 epoch,
 * 800 + 400 images) on Fashion-MNIST's 60,000-image train file and on its 10,000-image
 * t10k file, each in a fresh child process; reports peak RSS (VmHWM) and the ratio.
 * Target: 60k within 10% of 10k (memory must not grow with the dataset). The gz files are
 * decompressed once into the shared cache (os.tmpdir()/ddas-cache), read by position after.
 *
 *   npx tsx bench/memory.ts [--threads N]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SearchRequestSchema } from '../src/shared/protocol';

const DIR = '/usr/share/datasets/fashion-mnist';
const FILES = { '60k': 'train-images-idx3-ubyte.gz', '10k': 't10k-images-idx3-ubyte.gz' } as const;

function peakKiB(): { vmHWM: number; maxRSS: number } {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return { vmHWM: m ? Number(m[1]) : NaN, maxRSS: process.resourceUsage().maxRSS };
}

async function child(file: string, threads: number): Promise<void> {
  const { selectBackend } = await import('../src/engine/backend/select');
  const { runSearchJob } = await import('../src/engine/search/job');
  await selectBackend('wasm');
  const request = SearchRequestSchema.parse({ kind: 'search', id: 'mem', dataset: file, budget: { epochs: 1, trainSize: 800, valSize: 400, batch: 32, valBatch: 64 }, seed: 0 });
  const t0 = performance.now();
  await runSearchJob(request, () => undefined, new AbortController().signal, { name: 'wasm', device: 'wasm', skipped: [] }, { threads });
  process.stdout.write(JSON.stringify({ ...peakKiB(), seconds: (performance.now() - t0) / 1000 }) + '\n');
}

function main(): void {
  const at = process.argv.indexOf('--threads');
  const threads = at >= 0 ? Number(process.argv[at + 1]) : 1;
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) {
    void child(process.argv[childAt + 1], threads).catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
    return;
  }
  const rows: Record<string, { vmHWM: number; maxRSS: number; seconds: number }> = {};
  // 10k first and 60k second, then again in the other order: page cache effects even out.
  for (const size of ['10k', '60k', '60k', '10k'] as const) {
    const r = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', path.join(DIR, FILES[size]), '--threads', String(threads)], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`child ${size} failed: ${r.stderr}`);
    const line = r.stdout.trim().split('\n').pop() ?? '';
    const got = JSON.parse(line) as { vmHWM: number; maxRSS: number; seconds: number };
    console.log(`${size}: peak RSS ${(got.vmHWM / 1024).toFixed(1)} MiB (maxRSS ${(got.maxRSS / 1024).toFixed(1)} MiB), search ${got.seconds.toFixed(1)} s`);
    const prev = rows[size];
    rows[size] = prev && prev.vmHWM >= got.vmHWM ? prev : got;
  }
  const ratio = rows['60k'].vmHWM / rows['10k'].vmHWM;
  console.log(`max peak RSS: 60k ${(rows['60k'].vmHWM / 1024).toFixed(1)} MiB, 10k ${(rows['10k'].vmHWM / 1024).toFixed(1)} MiB, ratio ${ratio.toFixed(3)} (target <= 1.10; threads ${threads})`);
}

main();
