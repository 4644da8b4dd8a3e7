/**
 * Runs test/e2e/host-untrusted/*.e2e.ts inside the extension host of a fresh code-server
 * with workspace trust ENABLED and the folder not trusted: the trust dialog is answered
 * "No, I don't trust the authors" (Restricted Mode), as a careful person would.
 * The suite is bundled like the main host suite (host/index.ts runs the *.e2e.js next to
 * it), into its own folder out/e2e/host-untrusted/.
 */
import * as assert from 'node:assert/strict';
import { answerTrustDialog, buildHostTests, makeWorkspace, openWorkbench, screenshot, startCodeServer, waitUntil, type Workbench } from './harness';

describe('e2e: untrusted workspace (Restricted Mode)', function () {
  this.timeout(240_000);

  it('the extension host suite passes with the folder not trusted', async () => {
    const t0 = Date.now();
    const index = await buildHostTests('host-untrusted');
    const ws = makeWorkspace();
    const server = await startCodeServer({ workspaceTrust: true, env: process.env.DDAS_E2E_HOST_GREP ? { DDAS_E2E_GREP: process.env.DDAS_E2E_HOST_GREP } : {} });
    let wb: Workbench | undefined;
    try {
      wb = await openWorkbench(server, ws, { extensionTestsPath: index, waitForExplorer: false });
      const page = wb.page;
      // The folder opens untrusted. In a test run (extensionTestsPath) the workbench refuses
      // to show the modal trust dialog ("DialogService: refused to show dialog in tests"),
      // so it stays unanswered; should it ever show, answer "No, I don't trust the authors".
      let dialog = 'not shown';
      void answerTrustDialog(page, false, 60_000).then(() => (dialog = 'answered "No"'), () => undefined);
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([wb.exitCode, new Promise<number>((r) => (timer = setTimeout(() => r(-1), 180_000)))]);
      clearTimeout(timer);
      // Restricted Mode shows in the status bar.
      await waitUntil('the Restricted Mode indicator', async () => (await page.locator('.statusbar').getByText('Restricted Mode').count()) > 0, 10_000);
      await screenshot(page, 'untrusted-restricted-mode');
      const log = wb.automationLog.map((e) => e.text);
      const mochaLine = /✔|✗|passing|failing|pending|^\s+\d+\) |host tests|^ {2,}\S.*$/;
      const lines = code === 0 ? log.flatMap((l) => l.split('\n')).filter((l) => mochaLine.test(l) && !/^\s+at /.test(l)) : [...log, ...wb.consoleLog.slice(-20)];
      console.log(`      untrusted extension host (${((Date.now() - t0) / 1000).toFixed(1)} s, trust dialog ${dialog}):\n${lines.map((l) => `      | ${l}`).join('\n')}`);
      assert.equal(code, 0, code === -1 ? 'the untrusted host suite did not finish' : 'the untrusted host suite reported failures (see its output above)');
    } finally {
      await wb?.close();
      await server.stop();
      ws.cleanup();
    }
  });
});
