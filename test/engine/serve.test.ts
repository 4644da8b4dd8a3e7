import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validatePolicy } from '../../src/shared/policy';
import { EngineProcess, ROOT } from './engine-process';

const SAMPLE = path.join(ROOT, 'sample', 'fashion-mnist');

/** A search small enough for tests: 4 steps an epoch on the embedded sample. */
function tinySearch(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { kind: 'search', id, dataset: SAMPLE, budget: { epochs: 2, trainSize: 64, valSize: 32, batch: 16, valBatch: 16 }, seed: 1, ...extra };
}

describe('ddas serve (engine process)', function () {
  this.timeout(180000);
  let dir: string;
  const engines: EngineProcess[] = [];
  const start = (): EngineProcess => {
    const e = new EngineProcess();
    engines.push(e);
    return e;
  };

  before(() => {
    const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddas-serve-'));
  });

  after(() => {
    for (const e of engines) e.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says ready with the backend and why faster ones were skipped, and answers hello', async () => {
    const e = start();
    const ready = await e.waitFor('ready');
    assert.equal(ready.protocol, 1);
    assert.equal(ready.backend.name, 'wasm');
    assert.ok(ready.backend.skipped.some((s) => s.backend === 'tensorflow-gpu' && /not installed/.test(s.reason)));
    e.send({ kind: 'hello', id: 'h1' });
    await e.waitFor('ready', (r) => r.id === 'h1');
    e.closeInput();
    assert.equal(await e.exited, 0);
  });

  it('answers garbage with error events and keeps serving', async () => {
    const e = start();
    await e.waitFor('ready');
    e.send('this is not json');
    e.send('{"kind": "frobnicate", "id": "g1"}');
    e.send('{"kind": "search", "id": "g2"}');
    e.send('[1, 2, 3]');
    e.sendRaw(Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x0a, 0x7b, 0x0a]));
    e.send({ kind: 'cancel', id: 'g3' });
    e.send({ kind: 'hello', id: 'after' });
    await e.waitFor('ready', (r) => r.id === 'after');
    const errors = e.events.filter((x) => x.kind === 'error');
    assert.ok(errors.length >= 6, `errors: ${JSON.stringify(errors)}`);
    assert.ok(errors.every((x) => x.kind === 'error' && x.message.length > 10));
    assert.ok(errors.some((x) => x.kind === 'error' && x.id === 'g1' && x.code === 'bad-request'));
    assert.ok(errors.some((x) => x.kind === 'error' && x.id === 'g2' && /budget/.test(x.message)));
    assert.ok(errors.some((x) => x.kind === 'error' && x.id === 'g3' && x.code === 'not-found'));
    e.closeInput();
    assert.equal(await e.exited, 0);
  });

  it('renders previews as PNG bytes', async () => {
    const e = start();
    await e.waitFor('ready');
    const image = path.join(ROOT, 'test', 'fixtures', 'ops', 'sources', 'astronaut.png');
    e.send({ kind: 'preview', id: 'p1', images: [{ path: image }, { base64: fs.readFileSync(image).toString('base64') }], ops: [{ op: 'Rotate', magnitude: 1, sign: 1 }], count: 2 });
    const preview = await e.waitFor('preview', (p) => p.id === 'p1');
    assert.equal(preview.images.length, 2);
    for (const img of preview.images) {
      assert.equal(img.draws.length, 2);
      assert.equal(Buffer.from(img.draws[0], 'base64').subarray(1, 4).toString(), 'PNG');
    }
    assert.equal(preview.images[0].draws[0], preview.images[1].draws[0], 'same image, same op, same sign: same output');
    e.send({ kind: 'preview', id: 'p2', images: [{ path: path.join(dir, 'missing.png') }], ops: [{ op: 'Invert' }] });
    const err = await e.waitFor('error', (x) => x.id === 'p2');
    assert.equal(err.code, 'bad-input');
    assert.match(err.message, /missing\.png: no such file/);
    e.closeInput();
  });

  it('runs a tiny search to a valid policy, with progress, snapshots and checkpoints', async () => {
    const e = start();
    await e.waitFor('ready');
    const ckpt = path.join(dir, 'full');
    e.send(tinySearch('s1', { checkpointDir: ckpt }));
    const result = await e.waitFor('result', (r) => r.id === 's1', 120000);
    const check = validatePolicy(result.policy);
    assert.ok(check.ok, JSON.stringify(check));
    assert.equal(result.policy.schedule?.length, 2);
    assert.equal(result.policy.search?.dataset.images, 96);
    assert.match(result.policy.search?.dataset.sha256 ?? '', /^[0-9a-f]{64}$/);
    const kinds = e.events.map((x) => x.kind);
    assert.ok(kinds.includes('started') && kinds.includes('progress') && kinds.filter((k) => k === 'snapshot').length === 2);
    assert.equal(e.events.filter((x) => x.kind === 'checkpoint').length, 2);
    assert.ok(fs.existsSync(path.join(ckpt, 'ddas-checkpoint.json')));
    const progress = e.events.find((x) => x.kind === 'progress');
    assert.ok(progress && progress.kind === 'progress' && progress.p.length === 51 && progress.imagesPerSecond > 0);
    e.closeInput();
  });

  it('stops a search within one step on cancel and leaves a checkpoint', async () => {
    const e = start();
    await e.waitFor('ready');
    const ckpt = path.join(dir, 'cancel');
    e.send(tinySearch('c1', { checkpointDir: ckpt, budget: { epochs: 50, trainSize: 64, valSize: 32, batch: 16, valBatch: 16 } }));
    await e.waitFor('progress', (p) => p.id === 'c1');
    e.send({ kind: 'cancel', id: 'x', target: 'c1' });
    const sentAt = e.events.length;
    const cancelled = await e.waitFor('cancelled', (c) => c.id === 'c1', 30000);
    assert.ok(cancelled.checkpoint && fs.existsSync(cancelled.checkpoint));
    const stepsAfter = e.events.slice(sentAt).filter((x) => x.kind === 'progress').length;
    assert.ok(stepsAfter <= 1, `ran ${stepsAfter} steps after cancel`);
    e.closeInput();
    assert.equal(await e.exited, 0);
  });

  it('resumes after kill -9 mid-epoch and completes', async () => {
    const ckpt = path.join(dir, 'killed');
    const first = start();
    await first.waitFor('ready');
    first.send(tinySearch('k1', { checkpointDir: ckpt, budget: { epochs: 3, trainSize: 64, valSize: 32, batch: 16, valBatch: 16 } }));
    await first.waitFor('checkpoint', (c) => c.epoch === 0);
    await first.waitFor('progress', (p) => p.epoch === 1 && p.step >= 1);
    first.kill('SIGKILL');
    await first.exited;
    const second = start();
    await second.waitFor('ready');
    second.send({ kind: 'search', id: 'k2', dataset: SAMPLE, budget: { epochs: 1, trainSize: 2, valSize: 2, batch: 1 }, checkpointDir: ckpt, resume: true });
    const started = await second.waitFor('started', (s) => s.id === 'k2');
    assert.equal(started.resumedFromEpoch, 1, 'resumes at the start of the epoch after the last checkpoint');
    const result = await second.waitFor('result', (r) => r.id === 'k2', 120000);
    assert.equal(result.policy.search?.epochs, 3, 'the resumed search keeps its original budget');
    assert.equal(result.policy.schedule?.length, 3);
    second.closeInput();
  });

  it('reports a missing or corrupt dataset as a clear error and keeps serving', async () => {
    const e = start();
    await e.waitFor('ready');
    e.send(tinySearch('m1', { dataset: path.join(dir, 'nowhere') }));
    const missing = await e.waitFor('error', (x) => x.id === 'm1');
    assert.equal(missing.code, 'bad-input');
    assert.match(missing.message, /nowhere/);
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    const images = fs.readFileSync(path.join(ROOT, 'sample', 'fashion-mnist', 'train-images-idx3-ubyte.gz'));
    fs.writeFileSync(path.join(bad, 'train-images-idx3-ubyte.gz'), images.subarray(0, images.length / 2));
    fs.copyFileSync(path.join(ROOT, 'sample', 'fashion-mnist', 'train-labels-idx1-ubyte.gz'), path.join(bad, 'train-labels-idx1-ubyte.gz'));
    e.send(tinySearch('m2', { dataset: bad }));
    const corrupt = await e.waitFor('error', (x) => x.id === 'm2');
    assert.equal(corrupt.code, 'bad-input', corrupt.message);
    assert.match(corrupt.message, /train-images-idx3-ubyte/);
    e.send({ kind: 'hello', id: 'still' });
    await e.waitFor('ready', (r) => r.id === 'still');
    e.closeInput();
    assert.equal(await e.exited, 0);
  });
});
