/**
 * Extension-host test entry: VS Code loads the bundled copy of this module (the payload's
 * extensionTestsPath) inside the real extension host and awaits run(). It runs mocha over
 * the *.e2e.js bundles next to it; output goes to the console, which VS Code web forwards
 * to the page's codeAutomationLog. A rejected promise means failures (exit code 1).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.DDAS_E2E_GREP;
  if (grep) mocha.grep(grep);
  for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith('.e2e.js')).sort()) mocha.addFile(path.join(__dirname, f));
  await new Promise<void>((resolve, reject) => {
    try {
      mocha.run((failures) => {
        console.log(`\n${mocha.suite.total()} host tests, ${failures} failed`);
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
        else resolve();
      });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
