import assert from 'node:assert/strict';
import { tf, useBackend } from '../../src/engine/tf';
import { registerWasmTrainingKernels, trainingKernelsOn, unregisterTrainingKernels } from '../../src/engine/backend/kernels';
import { BackendUnavailableError, describeLoadError, selectBackend } from '../../src/engine/backend/select';
import { smokeTest } from '../../src/engine/backend/smoke';
import { UserError } from '../../src/engine/errors';

const GPU_NOT_INSTALLED = 'not installed (optional dependency; needs libtensorflow, CUDA 11.2 + cuDNN 8.1 for GPU)';

/** What require() throws for a package that is not there. */
function notFound(pkg: string): Error {
  return Object.assign(new Error(`Cannot find module '${pkg}'\nRequire stack:\n- x.js`), { code: 'MODULE_NOT_FOUND' });
}

const absent = (pkg: string): never => {
  throw notFound(pkg);
};

function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

describe('backend ladder', function () {
  this.timeout(20000);

  after(async () => {
    await useBackend('wasm');
  });

  it('auto picks wasm here and says why the native backends were skipped', async function () {
    if (installed('@tensorflow/tfjs-node-gpu') || installed('@tensorflow/tfjs-node')) this.skip();
    const sel = await selectBackend('auto');
    assert.equal(sel.name, 'wasm');
    assert.equal(sel.tfBackend, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.match(sel.device, /WebAssembly .*DDAS SIMD kernels/);
    assert.deepEqual(sel.reasons.map((r) => r.backend), ['tensorflow-gpu', 'tensorflow']);
    assert.equal(sel.reasons[0].skipped, GPU_NOT_INSTALLED);
    assert.match(sel.reasons[1].skipped, /^not installed \(optional dependency/);
  });

  it('auto with an injected loader reports a missing native binding', async () => {
    const brokenBinding = (pkg: string): never => {
      if (pkg === '@tensorflow/tfjs-node-gpu') throw notFound(pkg);
      throw new Error('The specified module could not be found.\n/x/lib/napi-v8/tfjs_binding.node');
    };
    const sel = await selectBackend('auto', { load: brokenBinding });
    assert.equal(sel.name, 'wasm');
    assert.equal(sel.reasons[0].skipped, GPU_NOT_INSTALLED);
    assert.match(sel.reasons[1].skipped, /native binding/);
  });

  it('a package that loads but registers no backend is skipped with the reason', async () => {
    const sel = await selectBackend('auto', { load: (pkg) => (pkg.endsWith('-gpu') ? {} : absent(pkg)) });
    assert.equal(sel.name, 'wasm');
    assert.match(sel.reasons[0].skipped, /'tensorflow' backend failed to initialise/);
  });

  it('forcing tensorflow when it cannot load throws a clear user error', async () => {
    await assert.rejects(selectBackend('tensorflow', { load: absent }), (e: unknown) => {
      assert.ok(e instanceof BackendUnavailableError);
      assert.ok(e instanceof UserError);
      assert.equal(e.backend, 'tensorflow');
      assert.match(e.message, /backend 'tensorflow' cannot be used: not installed \(optional dependency/);
      assert.match(e.message, /'auto'/);
      return true;
    });
    await assert.rejects(selectBackend('tensorflow-gpu', { load: absent }), /CUDA 11\.2 \+ cuDNN 8\.1/);
  });

  it('forcing the real tensorflow package fails clearly when it is not installed', async function () {
    if (installed('@tensorflow/tfjs-node')) this.skip();
    await assert.rejects(selectBackend('tensorflow'), BackendUnavailableError);
  });

  it('forcing cpu works and passes the smoke op', async () => {
    const sel = await selectBackend('cpu');
    assert.deepEqual({ name: sel.name, tfBackend: sel.tfBackend, reasons: sel.reasons }, { name: 'cpu', tfBackend: 'cpu', reasons: [] });
    assert.equal(tf.getBackend(), 'cpu');
    // The plain-JS filter gradient is far too slow for training; ours replaces it.
    assert.equal(trainingKernelsOn('cpu').length, 4);
    unregisterTrainingKernels('cpu');
  });

  it('forcing wasm registers the training kernels', async () => {
    unregisterTrainingKernels('wasm');
    const sel = await selectBackend('wasm');
    assert.equal(sel.name, 'wasm');
    assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm'));
  });

  it('the smoke op fails on stock wasm (no filter-gradient kernel)', async () => {
    await useBackend('wasm');
    unregisterTrainingKernels('wasm');
    try {
      await assert.rejects(smokeTest(), /Conv2DBackpropFilter/);
    } finally {
      registerWasmTrainingKernels();
    }
    await smokeTest();
  });

  it('explains CUDA and libtensorflow load failures', () => {
    const pkg = '@tensorflow/tfjs-node-gpu';
    const cuda = new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory');
    assert.match(describeLoadError(cuda, pkg, 'x'), /^CUDA libraries missing or of the wrong version \(needs CUDA 11\.2 \+ cuDNN 8\.1\): libcudart/);
    assert.match(describeLoadError(new Error('libtensorflow.so.2: cannot open'), pkg, 'x'), /^libtensorflow could not be loaded/);
    // A missing dependency of the package is not "the package is not installed".
    assert.match(describeLoadError(notFound('google-protobuf'), pkg, 'x'), /^failed to load: Cannot find module 'google-protobuf'$/);
  });
});
