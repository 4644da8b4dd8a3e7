/**
 * Identity and same-dtype Cast that share the input's buffer (one more reference)
 * instead of copying it, as the cpu backend's do. On wasm both copy: tfjs clones every
 * tensor a gradient saves (Identity), and the ReLU gradient casts float32 to float32,
 * about 4% of a DDAS step. Sharing is safe because tensors are never written in place.
 */
import { tf } from '../../tf';

type Stock = tf.KernelConfig | undefined;

function share(x: tf.TensorInfo, backend: tf.KernelBackend): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function delegate(stock: Stock, kernel: string, args: Parameters<tf.KernelFunc>[0]): ReturnType<tf.KernelFunc> {
  if (!stock) throw new Error(`${kernel}: no stock kernel to fall back to`);
  return stock.kernelFunc(args);
}

export function sharedIdentity(stock: Stock): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x;
    if (!x || x.dtype === 'string') return delegate(stock, 'Identity', args);
    return share(x, args.backend as tf.KernelBackend);
  };
}

export function sharedCast(stock: Stock): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x;
    if (!x || x.dtype === 'string' || x.dtype !== args.attrs?.dtype) return delegate(stock, 'Cast', args);
    return share(x, args.backend as tf.KernelBackend);
  };
}
