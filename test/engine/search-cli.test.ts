import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validatePolicy } from '../../src/shared/policy';
import { ROOT } from './engine-process';

const DDAS = path.join(ROOT, 'bin', 'ddas.js');
const SAMPLE = path.join(ROOT, 'sample', 'fashion-mnist');
const TINY = ['--train-size', '64', '--val-size', '32', '--batch', '16', '--val-batch', '16'];

describe('ddas search (command line)', function () {
  this.timeout(180000);
  let dir: string;

  before(() => {
    const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddas-search-'));
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--json prints protocol events and writes a valid policy with metadata; never overwrites silently', () => {
    const out = path.join(dir, 'json.augpolicy.json');
    const r = spawnSync(process.execPath, [DDAS, 'search', SAMPLE, '--epochs', '1', ...TINY, '--base', 'crop=2,cutout=6', '--json', '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; backend?: { device: string }; base?: unknown });
    // The search ran under the --base given, said so when it started, and recorded it.
    const base = { cropPadding: 2, flipLR: false, cutout: 6 };
    assert.deepEqual(events.find((e) => e.kind === 'started')?.base, base);
    assert.deepEqual([...new Set(events.map((e) => e.kind))], ['started', 'log', 'progress', 'snapshot', 'checkpoint', 'result']);
    // The bundled engine carries our SIMD kernels and they load.
    assert.match(events[0].backend?.device ?? '', /DDAS SIMD kernels/);
    const policy = JSON.parse(fs.readFileSync(out, 'utf8'));
    const check = validatePolicy(policy);
    assert.ok(check.ok, JSON.stringify(check));
    assert.equal(policy.search.dataset.path, SAMPLE);
    assert.equal(policy.search.backend, 'wasm');
    assert.equal(policy.search.seed, 0);
    assert.deepEqual(policy.base, base);
    assert.ok(policy.search.seconds > 0 && policy.search.valAccuracy >= 0);
    assert.ok(!fs.existsSync(`${out}.checkpoint`), 'a finished search leaves no checkpoint (nor its empty folder)');
    const again = spawnSync(process.execPath, [DDAS, 'search', SAMPLE, '--epochs', '1', ...TINY, '--out', out], { encoding: 'utf8' });
    assert.equal(again.status, 2);
    assert.match(again.stderr, /already exists\. Pass --force/);
  });

  it('Ctrl-C leaves a resumable checkpoint and says how to resume; --resume completes it', async () => {
    const out = path.join(dir, 'interrupted.augpolicy.json');
    const child = spawn(process.execPath, [DDAS, 'search', SAMPLE, '--epochs', '3', ...TINY, '--out', out], { stdio: 'pipe' });
    let stderr = '';
    let interrupted = false;
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (!interrupted && /epoch 1 done/.test(stderr)) {
          interrupted = true;
          child.kill('SIGINT');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`exited before epoch 1: ${stderr}`)));
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /Stopped\. The search is saved in .*ddas-checkpoint\.json; continue it with:\n\s+ddas search .* --resume --checkpoint-dir/);
    assert.ok(!fs.existsSync(out));
    const resumed = spawnSync(process.execPath, [DDAS, 'search', SAMPLE, '--resume', '--checkpoint-dir', `${out}.checkpoint`, '--out', out], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /resumed at epoch 2/);
    // No --base: the default, a crop padded by 1/8 of the 28 px side, named before the search starts.
    assert.match(stderr, /^base: crop \(pad 4\)\nsearching with /m);
    const policy = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(policy.schedule.length, 3);
    assert.equal(policy.search.epochs, 3);
  });

  it('explains bad input: missing dataset, resume without a checkpoint, bad space file', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [DDAS, 'search', ...args], { encoding: 'utf8' });
    const missing = run(path.join(dir, 'nope'), '--out', path.join(dir, 'x.json'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope/);
    const noCkpt = run(SAMPLE, '--resume', '--checkpoint-dir', path.join(dir, 'empty'), '--out', path.join(dir, 'y.json'));
    assert.equal(noCkpt.status, 2);
    assert.match(noCkpt.stderr, /no checkpoint to resume from/);
    const space = path.join(dir, 'space.json');
    fs.writeFileSync(space, JSON.stringify({ ops: ['Rotat'], magnitudes: [0.5] }));
    const badSpace = run(SAMPLE, '--space', space, '--out', path.join(dir, 'z.json'));
    assert.equal(badSpace.status, 2);
    assert.match(badSpace.stderr, /space\.json: not a search space: ops\.0/);
    const tooBig = run(SAMPLE, '--train-size', '4000', '--val-size', '100', '--out', path.join(dir, 'w.json'));
    assert.equal(tooBig.status, 2);
    assert.match(tooBig.stderr, /needs 4000 \+ 100 images but the dataset has 4000/);
  });
});
