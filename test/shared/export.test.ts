import assert from 'node:assert/strict';
import {
  EXPORT_FORMATS,
  commitMessage,
  exportPolicy,
  fileNameFor,
  formatForFile,
  importPolicy,
  policyStem,
  pythonModuleName,
  siblingFile,
  type ExportFormat,
} from '../../src/shared/export';
import { parseLiteral } from '../../src/shared/export/literal';
import type { Policy } from '../../src/shared/policy';
import { FULL, MINIMAL } from './export-fixtures';

function withoutSchema(p: Policy): Policy {
  const { $schema: _, ...rest } = p;
  return rest;
}

function reread(text: string, format: ExportFormat): Policy {
  const r = importPolicy(text, format);
  assert.ok(r.ok, `${format}: ${JSON.stringify(!r.ok && r.problems)}\n${text}`);
  return r.policy;
}

describe('policy export formats', () => {
  for (const format of EXPORT_FORMATS) {
    it(`${format}: round-trips to the identical Policy and rewrites to the identical text`, () => {
      for (const p of [FULL, MINIMAL]) {
        const text = exportPolicy(p, format, { schemaRef: 'x.json' });
        const back = reread(text, format);
        assert.deepEqual(withoutSchema(back), withoutSchema(p));
        assert.equal(exportPolicy(back, format, { schemaRef: 'x.json' }), text, 'stable text');
        assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'), 'one final newline');
      }
    });
  }

  it('json: $schema first (given, else the policy\'s own), one operation per line', () => {
    const text = exportPolicy(FULL, 'json', { schemaRef: 'https://example.com/policy.schema.json' });
    const lines = text.split('\n');
    assert.equal(lines[0], '{');
    assert.equal(lines[1], '  "$schema": "https://example.com/policy.schema.json",');
    assert.equal(lines[2], '  "version": 1,');
    assert.ok(lines.includes('    { "op": "Rotate", "magnitude": 0.25, "probability": 1e-7 },'), text);
    assert.ok(lines.includes('  "options": { "fill": 128, "interpolation": "bilinear" },'), text);
    assert.ok(lines.includes('  "base": { "cropPadding": 3, "flipLR": true, "cutout": 5 },'), text);
    assert.equal(JSON.parse(exportPolicy(FULL, 'json')).$schema, '../schemas/policy.schema.json');
    assert.equal(JSON.parse(exportPolicy(MINIMAL, 'json')).$schema, undefined);
  });

  it('yaml: modeline on the first line, header and per-operation comments, no $schema key', () => {
    const text = exportPolicy(FULL, 'yaml', { schemaRef: '../schemas/policy.schema.json' });
    const lines = text.split('\n');
    assert.equal(lines[0], '# yaml-language-server: $schema=../schemas/policy.schema.json');
    assert.ok(lines.includes('# DDAS augmentation policy.'));
    assert.ok(lines.some((l) => l.startsWith('# Found by a DDAS search: dataset data/it\'s')), text);
    assert.ok(lines.includes('  - { op: Rotate, magnitude: 1, probability: 0.2 } # Rotate +/-30 degrees'), text);
    assert.ok(lines.includes('# Level 1: probability that an image is augmented at all.'));
    assert.ok(lines.includes('  cropPadding: 3') && lines.includes('  flipLR: true') && lines.includes('# Base transform, applied to every image after the operations: random crop from'), text);
    assert.ok(!/\$schema:/.test(text));
    assert.ok(exportPolicy(MINIMAL, 'yaml').startsWith('# DDAS augmentation policy.\n# Written by hand'));
  });

  it('ts: types from the catalog, then the typed value with bare keys and single quotes', () => {
    const text = exportPolicy(FULL, 'ts');
    assert.ok(text.startsWith('/**\n * DDAS augmentation policy'));
    assert.match(text, /export type MagnitudeOperationName =\n {2}\| 'Rotate'/);
    assert.ok(text.includes("\n    { op: 'Rotate', magnitude: 0.25, probability: 1e-7 },\n"), text);
    assert.ok(text.includes(`path: 'data/it\\'s "quoted" \\\\ \\\\u00e9 */ """ é 🎉/ffhq-128/',`), text);
    assert.ok(text.includes('u00e9 *\\/ """'), 'the doc comment cannot end early');
    assert.ok(text.includes('\nexport const policy: Policy = {\n  version: 1,\n'));
    assert.ok(text.includes('\n  base: { cropPadding: 3, flipLR: true, cutout: 5 },\n'), text);
    assert.ok(text.includes('  readonly base?: BaseTransform;\n'), text);
    assert.ok(text.endsWith('};\n\nexport default policy;\n'));
    assert.ok(!/^import /m.test(text), 'self-contained');
  });

  it('python: POLICY as a dict literal, catalog constants from ops.ts, usage docstring', () => {
    const text = exportPolicy(FULL, 'python', { moduleName: 'fashion_augpolicy' });
    assert.ok(text.startsWith('"""DDAS augmentation policy for PyTorch / torchvision'));
    assert.ok(text.includes('    from fashion_augpolicy import DdasAugment\n'));
    assert.ok(text.includes('\nPOLICY = {\n    "version": 1,\n'));
    assert.ok(text.includes('        {"op": "Rotate", "magnitude": 0.25, "probability": 1e-7},\n'), text);
    assert.ok(text.includes('    "TranslateX": 0.45317220543806647,\n'));
    assert.ok(text.includes('SIGNED_OPS = frozenset(("Rotate", "ShearX", "ShearY", "TranslateX", "TranslateY", "Color", "Contrast", "Brightness", "Sharpness"))'));
    assert.ok(text.includes('class DdasAugment:'));
  });

  it('readers report syntax and schema problems with a path', () => {
    const bad = (text: string, format: ExportFormat): string => {
      const r = importPolicy(text, format);
      assert.ok(!r.ok);
      return r.problems.map((p) => `${p.path}: ${p.message}`).join('\n');
    };
    assert.match(bad('{"version": 1,', 'json'), /^\(root\): not valid JSON/);
    assert.match(bad('version: 1\nversion: 2\n', 'yaml'), /not valid YAML/);
    assert.match(bad('version: 1\nopsPerImage: 2\napplyProbability: 1.5\noperations: [{op: Rotate, probability: 1}]\n', 'yaml'), /applyProbability: .*<=1/);
    assert.match(bad('const x = 1;\n', 'ts'), /no `export const policy: Policy = \{\.\.\.\}` found/);
    assert.match(bad('export const policy: Policy = { version: 1, opsPerImage: ', 'ts'), /cannot read the policy value: unexpected end of text/);
    assert.match(bad('POLICY = {"version": 1}\n', 'python'), /opsPerImage/);
  });

  it('the literal reader takes what people write by hand in TS and Python', () => {
    const text = `{
      // a comment
      version: 1, /* inline */ 'opsPerImage': 2, "x": [1, -2.5e-3, .5, 1_000, ], # python comment
      flags: [true, False, None, null], s: 'it\\'s \\u00e9\\n',
    }`;
    assert.deepEqual(parseLiteral(text).value, { version: 1, opsPerImage: 2, x: [1, -0.0025, 0.5, 1000], flags: [true, false, null, null], s: "it's é\n" });
    const proto = parseLiteral('{"__proto__": {"polluted": 1}}').value as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(proto), ['__proto__']);
  });

  it('file names: formatForFile, stems, python module names, siblings', () => {
    assert.equal(formatForFile('a/b.augpolicy.json'), 'json');
    assert.equal(formatForFile('B.AUGPOLICY.YML'), 'yaml');
    assert.equal(formatForFile('x.augpolicy.ts'), 'ts');
    assert.equal(formatForFile('x.d.ts'), undefined);
    assert.equal(formatForFile('fashion_augpolicy.py'), 'python');
    assert.equal(formatForFile('README.md'), undefined);
    assert.equal(policyStem('dir\\fashion-mnist.augpolicy.json'), 'fashion-mnist');
    assert.equal(policyStem('fashion_augpolicy.py'), 'fashion');
    assert.equal(pythonModuleName('fashion-mnist'), 'fashion_mnist_augpolicy');
    assert.equal(pythonModuleName('10-class'), 'p_10_class_augpolicy');
    assert.equal(fileNameFor('a', 'yaml'), 'a.augpolicy.yaml');
    assert.equal(siblingFile('policies/fashion-mnist.augpolicy.json', 'python'), 'policies/fashion_mnist_augpolicy.py');
    assert.equal(siblingFile('policies/fashion-mnist.augpolicy.json', 'ts'), 'policies/fashion-mnist.augpolicy.ts');
  });

  it('commit message: dataset, budget, seed, backend, final p_aug and the top 5 operations', () => {
    const msg = commitMessage(FULL, { files: ['policies/a.augpolicy.json'] });
    const lines = msg.split('\n');
    assert.equal(lines[0], 'Add DDAS augmentation policy for ffhq-128');
    assert.equal(lines[1], '');
    assert.ok(lines.includes(`Dataset: ${FULL.search?.dataset.path} (4000 images, sha256 aaaaaaaaaaaa)`));
    assert.ok(lines.includes('Budget: 20 epochs, model resnet-small, 1234.5 s'));
    assert.ok(lines.includes('Seed: 7'));
    assert.ok(lines.includes('Backend: wasm'));
    assert.ok(lines.includes('Base transform: crop (pad 3) + flip LR + Cutout 5 px'), msg);
    assert.ok(lines.includes('Final p_aug: 0.2235 (2 ops per augmented image)'));
    const gated = commitMessage({ ...FULL, applyProbability: 0.0532, search: FULL.search && { ...FULL.search, learnedApplyProbability: 0.2235, evidenceWeight: 0.238 } });
    assert.ok(gated.includes('\nFinal p_aug: 0.0532 (2 ops per augmented image) = learned 0.2235 x evidence 0.238\n'), gated);
    const top = lines.slice(lines.indexOf('Top 5 operations:') + 1, lines.indexOf('Top 5 operations:') + 6);
    assert.deepEqual(top.map((l) => l.trim().split(/\s+/)[1]), ['Sharpness@0.75', 'Identity', 'Rotate@1', 'Cutout@0.5', 'Rotate@0.25']);
    assert.ok(msg.endsWith('Files: policies/a.augpolicy.json\n'));
    assert.match(commitMessage(MINIMAL), /^Add augmentation policy\n\nWritten by hand/);
    assert.match(commitMessage(MINIMAL), /\nBase transform: none\n/);
  });
});
