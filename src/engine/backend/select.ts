/**
 * The backend ladder (DESIGN.md section 7): the fastest TensorFlow.js backend that
 * loads AND passes the smoke op. Native packages are optional dependencies that are
 * usually absent, so they are required dynamically and every failure becomes a reason.
 */
import { createRequire } from 'node:module';
import { UserError } from '../errors';
import { tf, useBackend } from '../tf';
import { registerTrainingKernels, registerWasmTrainingKernels } from './kernels';
import { simdKernels } from './simd';
import { smokeTest } from './smoke';

export type BackendRequest = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = Exclude<BackendRequest, 'auto'>;

/** Fastest first. */
export const BACKEND_LADDER: readonly BackendChoice[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface SkippedBackend {
  backend: BackendChoice;
  skipped: string;
}

export interface BackendSelection {
  name: BackendChoice;
  /** The TensorFlow.js backend now active ('tensorflow' for both native packages). */
  tfBackend: string;
  /** Human-readable device, for `hello`, the panel and the status bar. */
  device: string;
  /** Why each faster rung was passed over (empty when forced or when the first rung won). */
  reasons: SkippedBackend[];
}

export interface SelectOptions {
  /** Loads a package by name; defaults to Node's require. Tests inject failures here. */
  load?: (pkg: string) => unknown;
}

/** A forced backend that cannot be used: the user can fix it (install, or pick another). */
export class BackendUnavailableError extends UserError {
  override readonly name: string = 'BackendUnavailableError';
  constructor(
    readonly backend: BackendChoice,
    readonly reason: string,
  ) {
    super(`TensorFlow.js backend '${backend}' cannot be used: ${reason}. Set the backend to 'auto' to fall back to the fastest one that works.`);
  }
}

const NATIVE = {
  'tensorflow-gpu': {
    pkg: '@tensorflow/tfjs-node-gpu',
    device: 'libtensorflow with CUDA (GPU)',
    notInstalled: 'not installed (optional dependency; needs libtensorflow, CUDA 11.2 + cuDNN 8.1 for GPU)',
  },
  tensorflow: {
    pkg: '@tensorflow/tfjs-node',
    device: 'libtensorflow (native CPU)',
    notInstalled: 'not installed (optional dependency; its install downloads libtensorflow, which needs network access)',
  },
} as const;

/** A rung that cannot be used; `message` is the reason shown to the user. */
class Skip extends Error {}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].trim();
}

/** Turns a require() failure of a native package into a reason a person can act on. */
export function describeLoadError(e: unknown, pkg: string, notInstalled: string): string {
  const code = (e as { code?: unknown } | null)?.code;
  const msg = e instanceof Error ? e.message : String(e);
  if (code === 'MODULE_NOT_FOUND' && msg.includes(`'${pkg}'`)) return notInstalled;
  if (msg.includes('tfjs_binding.node')) {
    return 'installed without its native binding (its install script could not download libtensorflow; reinstall with network access)';
  }
  if (/lib(cudart|cudnn|cublas|cufft|curand|cusolver|cusparse|cuda)\b/i.test(msg)) {
    return `CUDA libraries missing or of the wrong version (needs CUDA 11.2 + cuDNN 8.1): ${firstLine(e)}`;
  }
  if (/libtensorflow/i.test(msg)) return `libtensorflow could not be loaded: ${firstLine(e)}`;
  return `failed to load: ${firstLine(e)}`;
}

const defaultLoad = (pkg: string): unknown => createRequire(__filename)(pkg);

async function activate(choice: BackendChoice, load: (pkg: string) => unknown): Promise<{ tfBackend: string; device: string }> {
  if (choice === 'tensorflow-gpu' || choice === 'tensorflow') {
    const native = NATIVE[choice];
    try {
      load(native.pkg);
    } catch (e) {
      throw new Skip(describeLoadError(e, native.pkg, native.notInstalled));
    }
    try {
      if (!(await tf.setBackend('tensorflow'))) throw new Error('initialisation returned false');
      await tf.ready();
    } catch (e) {
      throw new Skip(`${native.pkg} loaded but its 'tensorflow' backend failed to initialise: ${firstLine(e)}`);
    }
    return { tfBackend: 'tensorflow', device: native.device };
  }
  if (choice === 'wasm') {
    registerWasmTrainingKernels();
    try {
      await useBackend('wasm');
    } catch (e) {
      throw new Skip(`failed to initialise: ${firstLine(e)}`);
    }
    let simd = false;
    try {
      simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    } catch {
      // Flag unknown: report without it.
    }
    const ours = simdKernels(tf.backend()) ? ' + DDAS SIMD kernels' : '';
    return { tfBackend: 'wasm', device: `WebAssembly (XNNPACK${simd ? ', SIMD' : ''}${ours}, 1 thread)` };
  }
  // The stock plain-JS filter gradient takes 30-60 s per batch-128 call; ours is
  // built on the forward Conv2D and turns a training step from minutes into ~40 s.
  registerTrainingKernels('cpu');
  try {
    await useBackend('cpu');
  } catch (e) {
    throw new Skip(`failed to initialise: ${firstLine(e)}`);
  }
  return { tfBackend: 'cpu', device: 'plain JavaScript (slow; tiny models only)' };
}

async function tryRung(choice: BackendChoice, load: (pkg: string) => unknown): Promise<{ tfBackend: string; device: string }> {
  const active = await activate(choice, load);
  try {
    await smokeTest();
  } catch (e) {
    throw new Skip(`failed the smoke test (tiny conv2d forward + gradient): ${firstLine(e)}`);
  }
  return active;
}

/**
 * Activates a backend. 'auto' walks the ladder and explains each skipped rung; a forced
 * choice that cannot load or fails the smoke op throws BackendUnavailableError.
 */
export async function selectBackend(requested: BackendRequest, opts: SelectOptions = {}): Promise<BackendSelection> {
  const load = opts.load ?? defaultLoad;
  if (requested !== 'auto') {
    try {
      return { name: requested, ...(await tryRung(requested, load)), reasons: [] };
    } catch (e) {
      throw new BackendUnavailableError(requested, e instanceof Skip ? e.message : firstLine(e));
    }
  }
  const reasons: SkippedBackend[] = [];
  for (const choice of BACKEND_LADDER) {
    try {
      return { name: choice, ...(await tryRung(choice, load)), reasons };
    } catch (e) {
      reasons.push({ backend: choice, skipped: e instanceof Skip ? e.message : `unexpected error: ${firstLine(e)}` });
    }
  }
  const summary = reasons.map((r) => `${r.backend}: ${r.skipped}`).join('; ');
  throw new Error(`No TensorFlow.js backend works here (${summary})`);
}
