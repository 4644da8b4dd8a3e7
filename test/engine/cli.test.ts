import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { main } from '../../src/engine/cli/main';
import { exportPolicy } from '../../src/shared/export';
import { validatePolicy } from '../../src/shared/policy';

const root = path.join(__dirname, '..', '..');

interface Run {
  code: number;
  out: string;
  err: string;
}

async function ddas(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  let err = '';
  const code = await main(argv, { out: (l) => out.push(l), err: (t) => (err += t) });
  return { code, out: out.join('\n'), err };
}

async function raw(file: string): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  // sharp widens grayscale to RGB on raw output unless told to keep it.
  const gray = (await sharp(file).metadata()).channels === 1;
  const { data, info } = await sharp(file).toColourspace(gray ? 'b-w' : 'srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

describe('ddas CLI', function () {
  this.timeout(120000);
  let dir: string;
  let gray: string;
  let colour: string;
  const grayPixels = Buffer.from(Array.from({ length: 28 * 20 }, (_, i) => (i * 7) % 256));

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddas-cli-'));
    gray = path.join(dir, 'gray.png');
    colour = path.join(dir, 'colour.jpg');
    await sharp(grayPixels, { raw: { width: 28, height: 20, channels: 1 } }).toColourspace('b-w').png().toFile(gray);
    const rgb = Buffer.from(Array.from({ length: 33 * 31 * 3 }, (_, i) => (i * 13) % 256));
    await sharp(rgb, { raw: { width: 33, height: 31, channels: 3 } }).jpeg().toFile(colour);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('apply --op writes PNGs of the same size and channels with the op applied', async () => {
    const out = path.join(dir, 'invert');
    const r = await ddas('apply', '--op', 'Invert', '--out-dir', out, gray, colour);
    assert.equal(r.code, 0, r.err);
    const g = await raw(path.join(out, 'gray-Invert-1.png'));
    assert.deepEqual([g.width, g.height, g.channels], [28, 20, 1]);
    assert.deepEqual([...g.data], [...grayPixels].map((v) => 255 - v));
    const c = await raw(path.join(out, 'colour-Invert-1.png'));
    assert.deepEqual([c.width, c.height, c.channels], [33, 31, 3]);
  });

  it('apply --op with a fixed sign is deterministic and the sign matters', async () => {
    const a = path.join(dir, 'rot');
    assert.equal((await ddas('apply', '--op', 'TranslateX', '--magnitude', '0.25', '--sign', '+', '--out-dir', a, gray)).code, 0);
    assert.equal((await ddas('apply', '--op', 'TranslateX', '--magnitude', '0.25', '--sign', '-', '--out-dir', path.join(a, 'neg'), gray)).code, 0);
    const plus = await raw(path.join(a, 'gray-TranslateX-m0.25-1.png'));
    const minus = await raw(path.join(a, 'neg', 'gray-TranslateX-m0.25-1.png'));
    assert.notDeepEqual([...plus.data], [...minus.data]);
    // trunc(150/331 * 28 * 0.25) = 3 pixels to the right, fill 0 on the left.
    assert.equal(plus.data[3], grayPixels[0]);
    assert.equal(plus.data[0], 0);
  });

  it('apply --policy writes --count draws per image and a grid', async () => {
    const out = path.join(dir, 'policy');
    const grid = path.join(out, 'grid.png');
    const r = await ddas('apply', '--policy', path.join(root, 'examples', 'uniform.augpolicy.json'), '--count', '3', '--seed', '5', '--out-dir', out, '--grid', grid, gray, colour);
    assert.equal(r.code, 0, r.err);
    for (const k of [1, 2, 3]) {
      assert.ok(fs.existsSync(path.join(out, `gray-policy-${k}.png`)));
      assert.ok(fs.existsSync(path.join(out, `colour-policy-${k}.png`)));
    }
    const g = await raw(grid);
    assert.equal(g.channels, 3);
    assert.ok(g.width > 4 * 28 && g.height > 2 * 20);
    assert.match(r.out, /wrote 6 images/);
  });

  it('apply --from-dataset takes images from the embedded sample', async () => {
    const out = path.join(dir, 'sample');
    const r = await ddas('apply', '--op', 'FlipLR', '--from-dataset', path.join(root, 'sample', 'fashion-mnist'), '--take', '4', '--out-dir', out);
    assert.equal(r.code, 0, r.err);
    const files = fs.readdirSync(out).filter((f) => f.endsWith('.png'));
    assert.equal(files.length, 4);
    const img = await raw(path.join(out, files[0]));
    assert.deepEqual([img.width, img.height, img.channels], [28, 28, 1]);
  });

  it('exits 2 with a one-paragraph message for bad usage and bad input', async () => {
    const cases: [string[], RegExp][] = [
      [['apply', '--op', 'Rotate', '--out-dir', dir, gray], /Rotate needs --magnitude/],
      [['apply', '--op', 'Rotat', '--magnitude', '0.5', '--out-dir', dir, gray], /unknown operation "Rotat". Use one of: Identity/],
      [['apply', '--op', 'FlipLR', '--magnitude', '0.5', '--out-dir', dir, gray], /takes no magnitude/],
      [['apply', '--op', 'Rotate', '--magnitude', '1.5', '--out-dir', dir, gray], /--magnitude must be a number in \[0, 1\]/],
      [['apply', '--op', 'Invert', '--policy', 'x.json', '--out-dir', dir, gray], /exactly one of --op NAME or --policy FILE/],
      [['apply', '--op', 'Invert', '--out-dir', dir, path.join(dir, 'missing.png')], /missing\.png: no such file/],
      [['apply', '--op', 'Invert', '--out-dir', dir], /no images given/],
      [['apply', '--op', 'Invert', gray], /required option '--out-dir/],
      [['apply', '--policy', path.join(dir, 'nope.json'), '--out-dir', dir, gray], /nope\.json: cannot read the policy/],
      [['info', path.join(dir, 'no-such-dataset')], /no-such-dataset/],
      [['frobnicate'], /unknown command/],
      [['search', path.join(dir, 'nope'), '--base', 'crop'], /"crop" needs a size in pixels.*Allowed: "default" .*"none".*crop=PIXELS, flip, cutout=PIXELS/],
      [['search', path.join(dir, 'nope'), '--base', 'mirror'], /"mirror" is not a base transform item\. Allowed: "default"/],
      [['search', path.join(dir, 'nope'), '--base', 'crop=999'], /crop: Too big.*256\. Allowed: "default"/],
    ];
    for (const [argv, message] of cases) {
      const r = await ddas(...argv);
      assert.equal(r.code, 2, `${argv.join(' ')} -> ${r.code}: ${r.err}`);
      assert.match(r.err, message, argv.join(' '));
      assert.ok(!r.err.includes('    at '), `no stack trace for user errors: ${r.err}`);
    }
  });

  it('apply --policy reads a YAML policy too', async () => {
    const parsed = validatePolicy({ version: 1, opsPerImage: 1, applyProbability: 1, operations: [{ op: 'Invert', probability: 1 }] });
    assert.ok(parsed.ok);
    const file = path.join(dir, 'invert.augpolicy.yaml');
    fs.writeFileSync(file, exportPolicy(parsed.policy, 'yaml'));
    const out = path.join(dir, 'yaml');
    const r = await ddas('apply', '--policy', file, '--out-dir', out, gray);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual([...(await raw(path.join(out, 'gray-policy-1.png'))).data], [...grayPixels].map((v) => 255 - v));
  });

  it('names the field of an invalid policy file', async () => {
    const bad = path.join(dir, 'bad.augpolicy.json');
    fs.writeFileSync(bad, JSON.stringify({ version: 1, opsPerImage: 2, applyProbability: 0.5, operations: [{ op: 'Rotate', magnitude: 2, probability: 1 }] }));
    const r = await ddas('apply', '--policy', bad, '--out-dir', dir, gray);
    assert.equal(r.code, 2);
    assert.match(r.err, /bad\.augpolicy\.json: not a valid policy:\n\s+operations\[0\]\.magnitude: .*<=1 \(got 2\)/);
    fs.writeFileSync(bad, '{ "version": 1,');
    assert.match((await ddas('apply', '--policy', bad, '--out-dir', dir, gray)).err, /not valid JSON/);
  });

  it('info prints format, size, channels and per-class counts', async () => {
    const r = await ddas('info', path.join(root, 'sample', 'fashion-mnist'));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /format\s+idx/);
    assert.match(r.out, /images\s+4000/);
    assert.match(r.out, /size\s+28x28, 1 channel\b/);
    assert.equal((r.out.match(/\s400$/gm) ?? []).length, 10, r.out);
  });

  it('the built bin/ddas.js runs the bundled engine (wasm binaries found next to it)', function () {
    const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    const out = path.join(dir, 'bundle');
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'ddas.js'), 'apply', '--op', 'Solarize', '--magnitude', '0.5', '--out-dir', out, gray], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.existsSync(path.join(out, 'gray-Solarize-m0.5-1.png')));
    const bad = spawnSync(process.execPath, [path.join(root, 'bin', 'ddas.js'), 'apply', '--op', 'Nope', '--out-dir', out, gray], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown operation "Nope"/);
  });
});
