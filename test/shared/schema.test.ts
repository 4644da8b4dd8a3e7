import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { policyJsonSchema, policyJsonSchemaText } from '../../src/shared/policy-json-schema';
import { OP_NAMES } from '../../src/shared/ops';

const committed = path.join(__dirname, '..', '..', 'schemas', 'policy.schema.json');

describe('schemas/policy.schema.json', () => {
  it('is up to date with src/shared/policy.ts (run `npm run schema` to regenerate)', () => {
    assert.equal(fs.readFileSync(committed, 'utf8'), policyJsonSchemaText(), 'schemas/policy.schema.json is stale: run `npm run schema` and commit the result');
  });

  it('lists every catalog op, each documented', () => {
    const text = JSON.stringify(policyJsonSchema());
    for (const op of OP_NAMES) {
      assert.ok(text.includes(`"${op}"`), `${op} missing from the schema's enums`);
      assert.ok(text.includes(`**${op}**`), `${op} has no markdownDescription`);
    }
  });

  it('is draft-07 with a stable $id', () => {
    const schema = policyJsonSchema();
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.match(String(schema.$id), /policy\.schema\.json$/);
  });
});
