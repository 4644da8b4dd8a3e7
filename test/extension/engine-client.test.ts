/**
 * The extension's engine client (src/extension/engine/engine-client.ts) against a real
 * `ddas serve` process started the way the extension starts it (bin/ddas.js, no shell).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validatePolicy } from '../../src/shared/policy';
import type { EngineEvent } from '../../src/shared/protocol';
import { EngineClient, EngineRequestError, type EngineExit } from '../../src/extension/engine/engine-client';
import { engineLaunch } from '../../src/extension/engine/launch';

const ROOT = path.join(__dirname, '..', '..');
const SAMPLE = path.join(ROOT, 'sample', 'fashion-mnist');

describe('EngineClient (real ddas serve)', function () {
  this.timeout(180000);
  const clients: EngineClient[] = [];
  let dir: string;
  const start = async (): Promise<EngineClient> => {
    const c = await EngineClient.start(engineLaunch({ extensionPath: ROOT, nodePath: process.execPath, backend: 'wasm' }));
    clients.push(c);
    return c;
  };

  before(() => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'engine.js'))) {
      const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(build.status, 0, build.stderr);
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddas-client-'));
  });

  after(() => {
    for (const c of clients) c.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('waits for ready, answers hello by id, and shuts down cleanly', async () => {
    const c = await start();
    assert.equal(c.ready.protocol, 1);
    assert.equal(c.ready.backend.name, 'wasm');
    const hello = await c.request({ kind: 'hello', id: 'h1' }, ['ready'], 30000);
    assert.equal(hello.id, 'h1');
    const exits: EngineExit[] = [];
    c.onExit((x) => exits.push(x));
    await c.shutdown();
    assert.equal(c.alive, false);
    assert.deepEqual(exits.map((x) => [x.code, x.expected]), [[0, true]]);
    assert.throws(() => c.send({ kind: 'hello', id: 'late' }), EngineRequestError);
  });

  it('renders previews of dataset images (IDX has no image files) with originals and labels', async () => {
    const c = await start();
    const answer = await c.request(
      { kind: 'preview', id: 'p1', dataset: { path: SAMPLE, take: 3 }, policy: { version: 1, opsPerImage: 1, applyProbability: 1, operations: [{ op: 'Invert', probability: 1 }] }, count: 2, originals: true, minSize: 56 },
      ['preview'],
      60000,
    );
    assert.equal(answer.images.length, 3);
    for (const img of answer.images) {
      assert.equal(img.draws.length, 2);
      assert.ok(img.original && Buffer.from(img.original, 'base64').subarray(1, 4).toString() === 'PNG');
      assert.match(img.label ?? '', /^\S.* #\d+$/);
      assert.notEqual(img.original, img.draws[0], 'Invert changes the image');
    }
  });

  it('rejects a request the engine answers with an error, and keeps serving', async () => {
    const c = await start();
    await assert.rejects(
      c.request({ kind: 'preview', id: 'bad', images: [{ path: path.join(dir, 'missing.png') }], ops: [{ op: 'Invert' }] }, ['preview'], 30000),
      (e: unknown) => e instanceof EngineRequestError && e.code === 'bad-input' && /missing\.png/.test(e.message),
    );
    await assert.rejects(c.request({ kind: 'preview', id: 'both', images: [{ path: 'x.png' }], dataset: { path: SAMPLE }, ops: [{ op: 'Invert' }] }, ['preview'], 30000), /exactly one of "images" or "dataset"/);
    assert.equal((await c.request({ kind: 'hello', id: 'h2' }, ['ready'], 30000)).id, 'h2');
  });

  it('runs a tiny search: events by id, then the result', async () => {
    const c = await start();
    const seen: EngineEvent[] = [];
    c.onEvent((e) => e.id === 's1' && seen.push(e));
    const result = await c.request(
      { kind: 'search', id: 's1', dataset: SAMPLE, budget: { epochs: 1, trainSize: 32, valSize: 16, batch: 16, valBatch: 16 }, checkpointDir: path.join(dir, 's1') },
      ['result'],
      120000,
    );
    assert.ok(validatePolicy(result.policy).ok);
    assert.deepEqual([...new Set(seen.map((e) => e.kind))], ['started', 'log', 'progress', 'snapshot', 'checkpoint', 'result']);
  });

  it('reports a crash mid-search: the pending request rejects and the exit is unexpected', async () => {
    const c = await start();
    const exits: EngineExit[] = [];
    c.onExit((x) => exits.push(x));
    const pending = c.request({ kind: 'search', id: 'k1', dataset: SAMPLE, budget: { epochs: 50, trainSize: 64, valSize: 32, batch: 16, valBatch: 16 } }, ['result', 'cancelled']);
    await new Promise<void>((resolve) => {
      const sub = c.onEvent((e) => {
        if (e.kind === 'progress') {
          sub.dispose();
          resolve();
        }
      });
    });
    process.kill(c.pid as number, 'SIGKILL');
    await assert.rejects(pending, (e: unknown) => e instanceof EngineRequestError && e.code === 'exited');
    assert.equal(exits.length, 1);
    assert.equal(exits[0].expected, false);
    assert.equal(exits[0].signal, 'SIGKILL');
  });

  it('kills the process on dispose', async () => {
    const c = await start();
    const exited = new Promise<EngineExit>((resolve) => c.onExit(resolve));
    c.dispose();
    const x = await exited;
    assert.equal(x.expected, true);
    assert.equal(c.alive, false);
  });

  it('fails to start with a Node that does not exist, saying so', async () => {
    const launch = engineLaunch({ extensionPath: ROOT, nodePath: path.join(dir, 'no-such-node'), backend: 'wasm' });
    await assert.rejects(EngineClient.start(launch), /could not start .*no-such-node/);
  });

  it('fails to start when the engine exits before ready, with its stderr', async () => {
    const launch = engineLaunch({ extensionPath: ROOT, nodePath: process.execPath, backend: 'wasm' });
    // An unknown backend makes the CLI exit with a usage error before serving.
    const bad = { ...launch, args: [...launch.args.slice(0, -1), 'gpu-please'] };
    await assert.rejects(EngineClient.start(bad), /exited \(exit code 2\) before it was ready[\s\S]*gpu-please/);
  });
});
