/**
 * Runs the extension-host suite (test/e2e/host/*.e2e.ts, bundled) inside the real
 * extension host of a fresh code-server, and reports its mocha output here.
 */
import * as assert from 'node:assert/strict';
import { runHostTests } from './harness';

describe('e2e: extension-host tests', function () {
  this.timeout(360_000);

  it('pass inside the real VS Code extension host', async () => {
    const result = await runHostTests({ timeoutMs: 300_000, grep: process.env.DDAS_E2E_HOST_GREP });
    // On success only mocha's report; on failure everything the workbench logged.
    const mochaLine = /✔|✗|passing|failing|pending|^\s+\d+\) |host tests|^ {2,}\S.*$/;
    const lines = result.code === 0 ? result.log.flatMap((l) => l.split('\n')).filter((l) => mochaLine.test(l) && !/^\s+at /.test(l)) : result.log;
    const report = lines.map((l) => `      | ${l}`).join('\n');
    console.log(`      extension host (${result.seconds.toFixed(1)} s):\n${report}`);
    assert.equal(result.code, 0, 'extension-host mocha reported failures (see its output above)');
  });
});
