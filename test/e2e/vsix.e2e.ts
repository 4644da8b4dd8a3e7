/**
 * The packaged extension, as a user gets it: `npm run package` writes the .vsix,
 * `code-server --install-extension x.vsix --extensions-dir <fresh dir>` installs it, and
 * the workbench opens a workspace with no extensionDevelopmentPath. Then, through the
 * palette: "DDAS: Show Operation Catalog" (the extension activated from its installed
 * folder) and "DDAS: Select Engine Backend" -> wasm, which starts the engine from the
 * installed folder: dist/engine.js requires sharp (the shipped linux-x64 addon and
 * libvips) when it loads, and the wasm backend loads the shipped .wasm binaries.
 *
 * The build is skipped when DDAS_E2E_SKIP_BUILD=1 (run.sh sets it after building).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CODE_SERVER_BIN,
  EXTENSION_ID,
  REPO_ROOT,
  findWebviewFrame,
  makeWorkspace,
  openWorkbench,
  pickQuickItem,
  runCommand,
  screenshot,
  startCodeServer,
  waitUntil,
  type CodeServer,
  type Workbench,
  type Workspace,
} from './harness';

const KEEP = process.env.DDAS_E2E_KEEP === '1';

/** Command lines of this machine's processes (Linux /proc). */
function processCommandLines(): string[] {
  const lines: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      lines.push(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return lines;
}

describe('e2e: the packaged .vsix', function () {
  this.timeout(180_000);
  let vsixDir: string | undefined;
  let vsix = '';
  let server: CodeServer | undefined;
  let ws: Workspace | undefined;
  let wb: Workbench | undefined;
  let installedDir = '';

  before(async function () {
    // 1. Package (vsce, no network), into a temp folder so a user's out/*.vsix is untouched.
    vsixDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddas-e2e-vsix-'));
    vsix = path.join(vsixDir, 'ddas-augment.vsix');
    const pack = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'package.sh')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, DDAS_VSIX_OUT: vsix, DDAS_SKIP_BUILD: process.env.DDAS_E2E_SKIP_BUILD === '1' ? '1' : '0' },
      timeout: 150_000,
    });
    assert.equal(pack.status, 0, `npm run package failed:\n${pack.stdout}\n${pack.stderr}`);
    const kib = fs.statSync(vsix).size / 1024;
    console.log(`      packaged ${(kib / 1024).toFixed(1)} MiB`);

    // 2. A fresh code-server (fresh user-data and extensions dirs), and the vsix installed
    //    into its extensions dir with code-server's own CLI, before any workbench connects.
    server = await startCodeServer();
    const extensionsDir = path.join(server.dir, 'extensions');
    const xdg = path.join(server.dir, 'xdg');
    const install = spawnSync(CODE_SERVER_BIN, ['--install-extension', vsix, '--extensions-dir', extensionsDir, '--user-data-dir', server.userDataDir], {
      cwd: server.dir,
      encoding: 'utf8',
      env: { ...process.env, XDG_CONFIG_HOME: path.join(xdg, 'config'), XDG_DATA_HOME: path.join(xdg, 'data'), XDG_CACHE_HOME: path.join(xdg, 'cache'), TMPDIR: path.join(server.dir, 'tmp') },
      timeout: 60_000,
    });
    assert.equal(install.status, 0, `code-server --install-extension failed:\n${install.stdout}\n${install.stderr}`);
    assert.match(install.stdout, /successfully installed/i, install.stdout);
    const dirs = fs.readdirSync(extensionsDir).filter((d) => d.toLowerCase().startsWith(EXTENSION_ID.toLowerCase()));
    assert.equal(dirs.length, 1, `one installed folder for ${EXTENSION_ID} in ${extensionsDir}: ${fs.readdirSync(extensionsDir).join(', ')}`);
    installedDir = path.join(extensionsDir, dirs[0]!);
    ws = makeWorkspace();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      await screenshot(wb.page, `FAILED ${this.currentTest.title}`).catch(() => {});
      console.log(wb.consoleLog.slice(-15).join('\n'));
      console.log(server?.log().slice(-3000));
    }
  });

  after(async () => {
    await wb?.close();
    await server?.stop();
    ws?.cleanup();
    if (vsixDir && !KEEP) fs.rmSync(vsixDir, { recursive: true, force: true });
  });

  it('installs a self-contained extension (bundles, runtime modules, sample; no sources)', () => {
    const has = (rel: string) => fs.existsSync(path.join(installedDir, rel));
    for (const rel of [
      'package.json',
      'dist/extension.js',
      'dist/engine.js',
      'dist/webview.js',
      'dist/webview.css',
      'dist/codicons/codicon.css',
      'dist/tfjs-backend-wasm-simd.wasm',
      'bin/ddas.js',
      'schemas/policy.schema.json',
      'snippets/augpolicy.json',
      'media/ddas.svg',
      'sample/fashion-mnist/train-images-idx3-ubyte.gz',
      'sample/fashion-mnist/LICENSE',
      'node_modules/sharp/package.json',
      'node_modules/@img/sharp-linux-x64/package.json',
      'node_modules/@img/sharp-libvips-linux-x64/package.json',
      'node_modules/typescript/lib/typescript.js',
    ]) {
      assert.ok(has(rel), `the installed extension has ${rel}`);
    }
    for (const rel of ['src', 'test', 'webview', 'bench', 'dist/engine.js.map', 'node_modules/@tensorflow', 'node_modules/esbuild', 'node_modules/typescript/lib/tsc.js']) {
      assert.ok(!has(rel), `the installed extension leaves out ${rel}`);
    }
  });

  it('activates from the installed folder: the operation catalog from the palette', async () => {
    wb = await openWorkbench(server!, ws!, { extensionDevelopment: false });
    const { page } = wb;
    await runCommand(page, 'DDAS: Show Operation Catalog', 45_000);
    const frame = await findWebviewFrame(page, 'h1:has-text("DDAS operation catalog")');
    const rows = await frame.locator('table tbody tr').count();
    assert.ok(rows >= 20, `the catalog table has a row per operation (saw ${rows})`);
    assert.match(await frame.locator('table').innerText(), /Rotate/);
    assert.equal(await page.getByText('[Extension Development Host]').count(), 0, 'not in extension development mode');
    await screenshot(page, 'vsix-catalog');
  });

  it('starts the installed engine on the wasm backend (sharp and the .wasm binaries load)', async () => {
    const { page } = wb!;
    await runCommand(page, 'DDAS: Select Engine Backend');
    await pickQuickItem(page, /^\s*wasm/);
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: /DDAS engine backend: wasm/ });
    await toast.first().waitFor({ state: 'visible', timeout: 60_000 });
    const message = await toast.first().innerText();
    assert.match(message, /DDAS engine backend: wasm on /);
    // The engine process runs the installed launcher, not the repository's.
    const launcher = path.join(installedDir, 'bin', 'ddas.js');
    const engine = await waitUntil('the engine process', () => processCommandLines().find((l) => l.includes(`${launcher} serve`)), 10_000);
    assert.match(engine, /serve --backend wasm/);
    await screenshot(page, 'vsix-engine-wasm');
  });
});
