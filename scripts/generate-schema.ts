// Writes schemas/policy.schema.json from the zod definition; test/shared/schema.test.ts fails when it is stale.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { policyJsonSchemaText } from '../src/shared/policy-json-schema';

const target = path.join(__dirname, '..', 'schemas', 'policy.schema.json');
const tmp = `${target}.tmp-${process.pid}`;
fs.writeFileSync(tmp, policyJsonSchemaText());
fs.renameSync(tmp, target);
console.log(`wrote ${path.relative(process.cwd(), target)}`);
