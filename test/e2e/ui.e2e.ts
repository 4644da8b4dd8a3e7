/**
 * What a person does, through the real workbench in chromium: the command palette, quick
 * picks and the content of webviews. Screenshots land in test/e2e/out/.
 */
import * as assert from 'node:assert/strict';
import {
  findWebviewFrame,
  makeWorkspace,
  openWorkbench,
  runCommand,
  screenshot,
  startCodeServer,
  type CodeServer,
  type Workbench,
  type Workspace,
} from './harness';

describe('e2e: the workbench', function () {
  this.timeout(120_000);
  let server: CodeServer | undefined;
  let ws: Workspace | undefined;
  let wb: Workbench | undefined;

  before(async () => {
    ws = makeWorkspace();
    server = await startCodeServer();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      await screenshot(wb.page, `FAILED ${this.currentTest.title}`).catch(() => {});
      console.log(wb.consoleLog.slice(-15).join('\n'));
    }
    await wb?.close();
    wb = undefined;
  });

  after(async () => {
    await server?.stop();
    ws?.cleanup();
  });

  it('shows the operation catalog from the command palette', async () => {
    wb = await openWorkbench(server!, ws!);
    const { page } = wb;
    await page.getByText('[Extension Development Host]').first().waitFor({ timeout: 30_000 });
    await runCommand(page, 'DDAS: Show Operation Catalog');
    const frame = await findWebviewFrame(page, 'h1:has-text("DDAS operation catalog")');
    const rows = await frame.locator('table tbody tr').count();
    assert.ok(rows >= 20, `the catalog table has a row per operation (saw ${rows})`);
    assert.match(await frame.locator('table').innerText(), /Rotate/);
    await screenshot(page, 'catalog');
  });
});
