import assert from 'node:assert/strict';
import { parsePolicyText, policyFormatOf } from '../../src/shared/policy-text/parse';
import { nodeAtOffset, nodeAtPath, parsePath, toValue, formatSegments } from '../../src/shared/policy-text/tree';
import { editDistance, suggestOp } from '../../src/shared/policy-text/suggest';

const json = `{
  // a comment
  "version": 1,
  "operations": [
    { "op": "Rotate", "magnitude": 0.5, "probability": 0.5 },
    { "op": "Identity", "probability": 0.5 },
  ]
}`;

const yaml = `# yaml-language-server: $schema=../schemas/policy.schema.json
version: 1
operations:
  - op: Rotate
    magnitude: 0.5
    probability: 0.5 # half
  - {op: 'Identity', probability: 0.5}
`;

const ts = `import type { Policy } from './types';
export const other = { operations: [] };
export const policy = {
  version: 1,
  'operations': [
    { op: 'Rotate', magnitude: 0.5, probability: -0.5 },
    { op: "Identity", probability: .5 },
  ],
} as const satisfies Policy;
`;

function textOf(text: string, span: { offset: number; length: number } | undefined): string {
  assert.ok(span);
  return text.slice(span.offset, span.offset + span.length);
}

describe('policy text parsing', () => {
  it('knows policy files by name', () => {
    assert.equal(policyFormatOf('/a/b.augpolicy.json'), 'json');
    assert.equal(policyFormatOf('b.augpolicy.yaml'), 'yaml');
    assert.equal(policyFormatOf('b.augpolicy.yml'), 'yaml');
    assert.equal(policyFormatOf('b.augpolicy.ts'), 'ts');
    assert.equal(policyFormatOf('b.json'), undefined);
  });

  for (const [format, text] of [['json', json], ['yaml', yaml], ['ts', ts]] as const) {
    it(`locates nodes in ${format}`, () => {
      const { root, syntaxErrors } = parsePolicyText(text, format);
      assert.deepEqual(syntaxErrors, []);
      assert.ok(root);
      const op = nodeAtPath(root, ['operations', 1, 'op']);
      assert.match(textOf(text, op), /^["']?Identity["']?$/);
      assert.equal(textOf(text, nodeAtPath(root, ['operations', 0, 'magnitude'])), '0.5');
      const value = toValue(root);
      assert.equal(value.known, true);
      const ops = (value.value as { operations: { op: string; probability: number }[] }).operations;
      assert.equal(ops[1].op, 'Identity');
      assert.equal(Math.abs(ops[0].probability), 0.5);
      const at = text.indexOf('Identity') + 2;
      assert.deepEqual(nodeAtOffset(root, at)?.path, ['operations', 1, 'op']);
    });
  }

  it('ends YAML block entries at their last value, not at trailing comments', () => {
    const { root } = parsePolicyText(yaml, 'yaml');
    assert.equal(textOf(yaml, nodeAtPath(root, ['operations', 0])), 'op: Rotate\n    magnitude: 0.5\n    probability: 0.5');
  });

  it('reads only literals in TypeScript, never running code', () => {
    const { root } = parsePolicyText('export const policy = { version: 1, operations: makeOps(), ...extra };', 'ts');
    assert.equal(root?.kind, 'opaque');
    const r2 = parsePolicyText('export const policy = { version: 1, operations: makeOps() };', 'ts').root;
    assert.equal(nodeAtPath(r2, ['operations'])?.kind, 'opaque');
    assert.equal(toValue(r2 ?? { kind: 'opaque', offset: 0, length: 0, reason: '' }).known, false);
    assert.equal(parsePolicyText('export default { version: 1 };', 'ts').root?.kind, 'object');
    assert.equal(parsePolicyText('const policy = { version: 1 };', 'ts').root, undefined);
  });

  it('reports syntax errors', () => {
    assert.ok(parsePolicyText('{ "version": 1,, }', 'json').syntaxErrors.length > 0);
    assert.ok(parsePolicyText('a: [1, 2\nb: 1', 'yaml').syntaxErrors.length > 0);
    assert.ok(parsePolicyText('export const policy = { version: 1', 'ts').syntaxErrors.length > 0);
  });

  it('round-trips paths', () => {
    assert.deepEqual(parsePath('schedule[2].operations[0].op'), ['schedule', 2, 'operations', 0, 'op']);
    assert.deepEqual(parsePath('(root)'), []);
    assert.equal(formatSegments(['schedule', 2, 'operations']), 'schedule[2].operations');
  });
});

describe('op suggestions', () => {
  it('measures edits with transpositions', () => {
    assert.equal(editDistance('rotate', 'rotaet'), 1);
    assert.equal(editDistance('', 'abc'), 3);
  });

  it('suggests the closest op, preferring one that matches the entry', () => {
    assert.equal(suggestOp('Rotat'), 'Rotate');
    assert.equal(suggestOp('rotate'), 'Rotate');
    assert.equal(suggestOp('flip_lr'), 'FlipLR');
    assert.equal(suggestOp('Sheer_X'), 'ShearX');
    assert.equal(suggestOp('Solarise'), 'Solarize');
    assert.equal(suggestOp('Equalise'), 'Equalize');
    assert.equal(suggestOp('TotallyDifferent'), undefined);
    // FlipLR and FlipUD are both one edit from FlipXD; neither takes a magnitude.
    assert.ok(['FlipLR', 'FlipUD'].includes(suggestOp('FlipXD', false) ?? ''));
  });
});
