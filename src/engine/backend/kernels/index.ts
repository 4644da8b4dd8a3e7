/**
 * Training kernels for backends that lack fast convolution gradients (wasm: three are
 * missing and Conv2DBackpropInput is a slow direct loop). Each one is composed from
 * the backend's own forward convolution (see conv2d-grad.ts and depthwise-grad.ts),
 * or on wasm is our SIMD kernel (../simd).
 */
import { tf } from '../../tf';
import { conv2dBackpropFilter, conv2dBackpropInput } from './conv2d-grad';
import { depthwiseBackpropFilter, depthwiseBackpropInput } from './depthwise-grad';
import { sharedCast, sharedIdentity } from './shared-buffers';
import { registerSimdBatchNormKernels } from '../simd';

const FACTORIES = {
  Conv2DBackpropFilter: conv2dBackpropFilter,
  Conv2DBackpropInput: conv2dBackpropInput,
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilter,
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInput,
} as const;

export type TrainingKernelName = keyof typeof FACTORIES;
export const TRAINING_KERNELS = Object.keys(FACTORIES) as TrainingKernelName[];

/** Stock kernels we replaced, so `unregisterTrainingKernels` can put them back. */
const replaced = new Map<string, tf.KernelConfig | null>();
const key = (backendName: string, kernel: string): string => `${backendName}/${kernel}`;

function registered(kernel: string, backendName: string): tf.KernelConfig | undefined {
  return tf.getKernelsForBackend(backendName).find((k) => k.kernelName === kernel);
}

/** Puts `make(stock)` in place of `kernel` on `backendName`, remembering the stock one. Idempotent. */
function replaceKernel(backendName: string, kernel: string, make: (stock: tf.KernelConfig | undefined) => tf.KernelFunc): void {
  const k = key(backendName, kernel);
  if (replaced.has(k)) return;
  const stock = registered(kernel, backendName);
  if (stock) tf.unregisterKernel(kernel, backendName);
  replaced.set(k, stock ?? null);
  tf.registerKernel({ kernelName: kernel, backendName, kernelFunc: make(stock) });
}

/**
 * Registers (or replaces) the composed gradient kernels on `backendName`. Idempotent.
 * Works before or after the backend is initialised: kernels are looked up per call.
 */
export function registerTrainingKernels(backendName: string, kernels: readonly TrainingKernelName[] = TRAINING_KERNELS): void {
  for (const kernel of kernels) replaceKernel(backendName, kernel, () => FACTORIES[kernel](backendName));
}

/**
 * The wasm backend's training kernels: what makes tf.grads of conv nets work and run
 * fast there; Identity and same-dtype Cast that share buffers instead of copying; and
 * the batch norm kernels of our SIMD module (new kernel names, which batchNormTrain
 * uses when they can run).
 */
export function registerWasmTrainingKernels(): void {
  registerTrainingKernels('wasm');
  replaceKernel('wasm', 'Identity', sharedIdentity);
  replaceKernel('wasm', 'Cast', sharedCast);
  registerSimdBatchNormKernels();
}

/** Removes our kernels from `backendName` and restores the stock ones (for benchmarks and tests). */
export function unregisterTrainingKernels(backendName: string): void {
  for (const [k, stock] of [...replaced]) {
    if (!k.startsWith(`${backendName}/`)) continue;
    const kernel = k.slice(backendName.length + 1);
    tf.unregisterKernel(kernel, backendName);
    if (stock) {
      tf.registerKernel(stock);
      // The engine runs setup functions only when a backend initialises; a stock kernel
      // we displaced before that never got its setup (e.g. its wasm function binding).
      const live = tf.engine().registry[backendName] as tf.KernelBackend | undefined;
      if (live && stock.setupFunc) stock.setupFunc(live);
    }
    replaced.delete(k);
  }
}

/** Which of our kernels are active on `backendName`. */
export function trainingKernelsOn(backendName: string): TrainingKernelName[] {
  return TRAINING_KERNELS.filter((kernel) => replaced.has(key(backendName, kernel)));
}
