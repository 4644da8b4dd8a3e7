/** What the benchmarks share: where they live, the Python peer, and small statistics. */
import * as path from 'node:path';

/** bench/, also when bench/run.mjs runs a benchmark bundled from bench/out/build. */
export const BENCH = process.env.DDAS_BENCH_DIR ?? __dirname;
export const ROOT = path.resolve(BENCH, '..');
/** Debian's interpreter, the one with torch and torchvision. */
export const PYTHON = '/usr/bin/python3';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** a / b as "1.23x". */
export function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}
