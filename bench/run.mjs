// Runs a benchmark on bundled code, the way the product runs: `node bench/run.mjs ops [args]`.
// Why not tsx: it loads every module separately and turns each imported binding into a
// getter call, which made the augmentation loops ~1.7x slower than in dist/engine.js.
// Bundled as scripts/build.mjs bundles the engine (with the DDAS gradient worker and the
// wasm binaries beside it), into bench/out/build/.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = path.dirname(fileURLToPath(import.meta.url));
const [name, ...args] = process.argv.slice(2);
const entry = name ? path.join(bench, `${name}.ts`) : '';
if (!name || !fs.existsSync(entry)) {
  const names = fs.readdirSync(bench).filter((f) => f.endsWith('.ts') && f !== 'common.ts').map((f) => f.slice(0, -3));
  console.error(`usage: node bench/run.mjs NAME [args]; NAME is one of: ${names.join(', ')}`);
  process.exit(2);
}
const root = path.dirname(bench);
const outdir = path.join(bench, 'out', 'build');
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, logLevel: 'warning', absWorkingDir: root };
const external = ['sharp', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];
await esbuild.build({ ...common, entryPoints: [entry], outfile: path.join(outdir, `${name}.js`), external });
await esbuild.build({ ...common, entryPoints: ['src/engine/ddas/worker.ts'], outfile: path.join(outdir, 'ddas-worker.js'), external });
const wasmDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
for (const f of fs.readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) fs.copyFileSync(path.join(wasmDir, f), path.join(outdir, f));
// The benchmarks find their peers and write their reports relative to bench/.
const env = { ...process.env, DDAS_BENCH_DIR: bench };
const run = spawnSync(process.execPath, ['--enable-source-maps', path.join(outdir, `${name}.js`), ...args], { stdio: 'inherit', env });
process.exit(run.status ?? 1);
