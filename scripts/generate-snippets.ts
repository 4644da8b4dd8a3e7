// Writes snippets/*.json from the catalog; test/shared/policy-snippets.test.ts fails when they are stale.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { snippetFiles } from '../src/shared/policy-text/snippets';

const dir = path.join(__dirname, '..', 'snippets');
fs.mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(snippetFiles())) {
  const target = path.join(dir, name);
  const tmp = `${target}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, target);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
