import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/engine/cli/main';
import { importPolicy } from '../../src/shared/export';
import { validatePolicy, type Policy } from '../../src/shared/policy';

const root = path.join(__dirname, '..', '..');
const EXAMPLE = path.join(root, 'examples', 'uniform.augpolicy.json');

async function ddas(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  let err = '';
  const code = await main(argv, { out: (l) => out.push(l), err: (t) => (err += t) });
  return { code, out: out.join('\n'), err };
}

function example(): Policy {
  const r = validatePolicy(JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')));
  assert.ok(r.ok);
  const { $schema: _, ...rest } = r.policy;
  return rest;
}

describe('ddas export', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddas-export-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints YAML with the input\'s schema modeline to stdout', async () => {
    const r = await ddas('export', EXAMPLE, '--format', 'yaml');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.split('\n')[0], '# yaml-language-server: $schema=../schemas/policy.schema.json');
    const back = importPolicy(r.out + '\n', 'yaml');
    assert.ok(back.ok);
    assert.deepEqual(back.policy, example());
  });

  it('writes --out in the format its extension names, re-basing a relative $schema', async () => {
    const out = path.join(dir, 'sub', 'uniform.augpolicy.json');
    const r = await ddas('export', EXAMPLE, '--out', out);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /wrote .*uniform\.augpolicy\.json \(json\)/);
    const written = JSON.parse(fs.readFileSync(out, 'utf8')) as { $schema: string };
    assert.equal(path.resolve(path.dirname(out), written.$schema), path.join(root, 'schemas', 'policy.schema.json'));
    assert.deepEqual(fs.readdirSync(path.dirname(out)), ['uniform.augpolicy.json'], 'no temp files left');
  });

  it('reads YAML, TypeScript and Python exports back as input (all formats chain)', async () => {
    const yaml = path.join(dir, 'chain.augpolicy.yaml');
    const ts = path.join(dir, 'chain.augpolicy.ts');
    const py = path.join(dir, 'chain_augpolicy.py');
    const json = path.join(dir, 'chain.augpolicy.json');
    assert.equal((await ddas('export', EXAMPLE, '--out', yaml, '--schema', 'https://example.com/s.json')).code, 0);
    assert.ok(fs.readFileSync(yaml, 'utf8').startsWith('# yaml-language-server: $schema=https://example.com/s.json\n'));
    assert.equal((await ddas('export', yaml, '--out', ts)).code, 0);
    assert.equal((await ddas('export', ts, '--format', 'python', '--out', py)).code, 0);
    assert.ok(fs.readFileSync(py, 'utf8').includes('from chain_augpolicy import DdasAugment'));
    assert.equal((await ddas('export', py, '--out', json)).code, 0);
    const r = importPolicy(fs.readFileSync(json, 'utf8'), 'json');
    assert.ok(r.ok);
    assert.deepEqual(r.policy, example());
  });

  it('refuses to overwrite without --force', async () => {
    const out = path.join(dir, 'keep.augpolicy.ts');
    fs.writeFileSync(out, 'mine');
    const r = await ddas('export', EXAMPLE, '--out', out);
    assert.equal(r.code, 2);
    assert.match(r.err, /keep\.augpolicy\.ts exists; pass --force to replace it/);
    assert.equal(fs.readFileSync(out, 'utf8'), 'mine');
    assert.equal((await ddas('export', EXAMPLE, '--out', out, '--force')).code, 0);
    assert.match(fs.readFileSync(out, 'utf8'), /export const policy: Policy = \{/);
  });

  it('exits 2 with a clear message on bad input', async () => {
    const bad = path.join(dir, 'bad.augpolicy.yaml');
    fs.writeFileSync(bad, 'version: 1\nopsPerImage: 2\napplyProbability: 0.5\noperations:\n  - { op: Rotate, probability: 1 }\n');
    let r = await ddas('export', bad, '--format', 'json');
    assert.equal(r.code, 2);
    assert.match(r.err, /bad\.augpolicy\.yaml: not a valid policy:\n {2}operations\[0\]: Rotate needs a "magnitude"/);
    r = await ddas('export', path.join(dir, 'missing.json'), '--format', 'json');
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read the policy \(ENOENT\)/);
    r = await ddas('export', EXAMPLE);
    assert.equal(r.code, 2);
    assert.match(r.err, /give --format json\|yaml\|ts\|python/);
    r = await ddas('export', EXAMPLE, '--out', path.join(dir, 'x.txt'));
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot tell the format from/);
    r = await ddas('export', EXAMPLE, '--format', 'toml');
    assert.equal(r.code, 2);
    assert.match(r.err, /Allowed choices are json, yaml, ts, python/);
  });
});
