import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OP_NAMES } from '../../src/shared/ops';
import { policyJsonSchema } from '../../src/shared/policy-json-schema';
import { validatePolicy } from '../../src/shared/policy';
import { opMarkdown } from '../../src/shared/policy-text/op-docs';
import { operationDefaultSnippets, policyDefaultSnippets, snippetFiles } from '../../src/shared/policy-text/snippets';
import { PolicyOperationSchema } from '../../src/shared/policy';

const dir = path.join(__dirname, '..', '..', 'snippets');

/** A snippet body with each placeholder replaced by its default (first choice). */
function expand(body: unknown): unknown {
  return JSON.parse(
    JSON.stringify(body)
      .replace(/"\^\$\{\d+\|([^,|]+)[^}]*\}"/g, '$1')
      .replace(/"\^\$\{\d+:([^}]+)\}"/g, '$1')
      .replace(/\$\{\d+\|([^,|]+)[^}]*\}/g, '$1')
      .replace(/\$\{\d+:([^}]+)\}/g, '$1'),
  );
}

describe('policy snippets and op docs', () => {
  it('snippet files are up to date (run `npx tsx scripts/generate-snippets.ts`)', () => {
    for (const [name, text] of Object.entries(snippetFiles())) {
      assert.equal(fs.readFileSync(path.join(dir, name), 'utf8'), text, `snippets/${name} is stale`);
    }
  });

  it('default snippets expand to valid policies and entries', () => {
    for (const s of policyDefaultSnippets()) {
      const r = validatePolicy(expand(s.body));
      assert.ok(r.ok, JSON.stringify(r));
    }
    for (const s of operationDefaultSnippets()) assert.ok(PolicyOperationSchema.safeParse(expand(s.body)).success, s.label);
  });

  it('JSON snippet bodies expand to valid JSON policies', () => {
    const snippets = JSON.parse(snippetFiles()['augpolicy.json']) as Record<string, { body: string[] }>;
    const policy = expand(JSON.parse(snippets['DDAS augmentation policy'].body.join('\n').replace(/\$\{(\d+)\|([^,|]+)[^}]*\}/g, '$2').replace(/\$\{\d+:([^}]+)\}/g, '$1')));
    assert.ok(validatePolicy(policy).ok);
  });

  it('the schema carries per-op markdown and both default snippets', () => {
    const text = JSON.stringify(policyJsonSchema());
    for (const op of OP_NAMES) assert.ok(text.includes(JSON.stringify(opMarkdown(op))), `${op} has no markdownEnumDescription`);
    assert.ok(text.includes('"New DDAS policy"'));
    assert.ok(text.includes('"Operation with magnitude"'));
  });

  it('documents range at m = 1 and sign', () => {
    assert.match(opMarkdown('Rotate'), /Range at magnitude 1: \+\/-30 degrees/);
    assert.match(opMarkdown('Rotate'), /Signed/);
    assert.match(opMarkdown('Posterize'), /Unsigned/);
    assert.match(opMarkdown('FlipLR'), /Takes no `magnitude`/);
  });
});
