/**
 * TensorFlow.js for the engine: the only module that loads backends. Everything in
 * src/engine imports `tf` from here so backend registration happens once.
 */
import * as tf from '@tensorflow/tfjs-core';
// Training needs the gradient registry; the core package alone does not fill it.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as fs from 'node:fs';
import * as path from 'node:path';

export { tf };

// A bare import of the cpu package is dropped by esbuild (its package.json marks the
// Node build side-effect free), leaving no 'cpu' backend in dist/engine.js. Using a
// value from it keeps the module (and its kernel registrations) in the bundle.
if (!tf.findBackendFactory('cpu')) tf.registerBackend('cpu', () => new MathBackendCPU(), 1);

export type BackendName = 'wasm' | 'cpu';

/** Where the bundled engine keeps the .wasm binaries (copied next to dist/engine.js). */
function bundledWasmDir(): string | undefined {
  const dir = __dirname;
  return fs.existsSync(path.join(dir, 'tfjs-backend-wasm-simd.wasm')) ? dir + path.sep : undefined;
}

let wasmPathsSet = false;

/** Selects and initialises a backend; resolves to the name actually in use. */
export async function useBackend(name: BackendName): Promise<BackendName> {
  if (name === 'wasm' && !wasmPathsSet) {
    const dir = bundledWasmDir();
    if (dir) setWasmPaths(dir);
    wasmPathsSet = true;
  }
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`TensorFlow.js backend '${name}' failed to initialise`);
  }
  await tf.ready();
  return name;
}
