#!/usr/bin/env node
'use strict';
// The `ddas` command: a thin launcher for the bundled engine (dist/engine.js).
const path = require('node:path');
const fs = require('node:fs');

const engine = path.join(__dirname, '..', 'dist', 'engine.js');
if (!fs.existsSync(engine)) {
  process.stderr.write(`ddas: ${engine} is missing. Build it first with \`npm run build\` in ${path.dirname(__dirname)}.\n`);
  process.exit(2);
}
require(engine)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
