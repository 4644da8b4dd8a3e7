// Builds the three bundles of the design (DESIGN.md section 2) and copies the wasm
// binaries next to the engine bundle. `node scripts/build.mjs --watch` rebuilds on change.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'info', absWorkingDir: root };

const builds = [
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // typescript is required lazily, only for *.augpolicy.ts files, and ships beside the bundle.
    external: ['vscode', 'typescript'],
    // jsonc-parser's UMD main build requires its parts dynamically; its ES module build bundles.
    mainFields: ['module', 'main'],
  },
  {
    ...common,
    entryPoints: ['src/engine/main.ts'],
    outfile: 'dist/engine.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Native addons are never bundled: sharp ships prebuilt binaries per platform; the
    // tfjs-node packages are optional and loaded only if they installed.
    external: ['sharp', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
    define: { DDAS_VERSION: JSON.stringify(pkg.version) },
  },
  // The DDAS step's gradient worker (worker_threads), loaded from beside dist/engine.js.
  {
    ...common,
    entryPoints: ['src/engine/ddas/worker.ts'],
    outfile: 'dist/ddas-worker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['sharp', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  },
  // The panel: webview/main.ts imports its CSS, which esbuild writes to dist/webview.css.
  { ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
];

fs.mkdirSync(dist, { recursive: true });
const wasmDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
for (const f of fs.readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) fs.copyFileSync(path.join(wasmDir, f), path.join(dist, f));
// The panel's icons: <vscode-icon> needs the codicon font stylesheet served from the
// webview's own resources (no remote content).
const codicons = path.join(root, 'node_modules', '@vscode', 'codicons', 'dist');
fs.mkdirSync(path.join(dist, 'codicons'), { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(codicons, f), path.join(dist, 'codicons', f));

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
