/**
 * End-to-end harness: the real VS Code workbench and extension host (code-server from
 * npm, installed by install-code-server.sh) driven by Playwright through Debian's
 * chromium. Recipe and measurements: shared/docs/E2E.md.
 *
 *   const server = await startCodeServer();             // fresh dirs, free port, /healthz
 *   const ws = await makeWorkspace();                   // sample dataset, git repo
 *   const wb = await openWorkbench(server, ws);         // extension in development mode
 *   await runCommand(wb.page, 'DDAS: Show Operation Catalog');
 *   await screenshot(wb.page, 'catalog');
 *   await wb.close(); await server.stop(); ws.cleanup();
 *
 * Every process started here is stopped by its PID (its process group) on stop(), and as
 * a last resort when this Node process exits.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import { chromium, type BrowserContext, type Frame, type FrameLocator, type Page } from 'playwright-core';

/** The repository root (this file lives in test/e2e/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const E2E_DIR = path.join(REPO_ROOT, 'test', 'e2e');
/** Screenshots and logs of failed runs (gitignored). */
export const OUT_DIR = path.join(E2E_DIR, 'out');
/** Extension-host test bundles (gitignored; under out/ so eslint and tsc skip them). */
export const CODE_SERVER_HOME = process.env.DDAS_E2E_HOME ?? path.join(E2E_DIR, '.code-server');
export const CODE_SERVER_BIN = path.join(CODE_SERVER_HOME, 'node_modules', '.bin', 'code-server');
export const CHROMIUM = process.env.DDAS_E2E_CHROMIUM ?? '/usr/bin/chromium';
/** The extension's id (publisher.name from package.json). */
export const EXTENSION_ID = (() => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string };
  return `${pkg.publisher}.${pkg.name}`;
})();

const KEEP = process.env.DDAS_E2E_KEEP === '1';

// ---------------------------------------------------------------------------------------
// Process bookkeeping: whatever happens, nothing outlives the test run.

const liveGroups = new Set<number>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

process.once('exit', () => {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
    process.exit(130);
  });
}

function mkTemp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function rmrf(p: string): void {
  if (!KEEP) fs.rmSync(p, { recursive: true, force: true });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(0);
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------
// code-server

export interface CodeServerOptions {
  /** Extra user settings (merged over the quiet defaults). */
  settings?: Record<string, unknown>;
  /** Workspace trust: false (default) starts with --disable-workspace-trust. */
  workspaceTrust?: boolean;
  /** Extra environment for code-server and so the extension host (e.g. DDAS_* test knobs). */
  env?: Record<string, string>;
}

export interface CodeServer {
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly pid: number;
  /** The temp dir holding everything of this instance. */
  readonly dir: string;
  readonly userDataDir: string;
  /** The code-server log (stdout + stderr). */
  readonly logFile: string;
  /** Rewrites User/settings.json (merged over the current settings); the workbench picks it up live. */
  updateSettings(patch: Record<string, unknown>): void;
  readSettings(): Record<string, unknown>;
  log(): string;
  /** SIGTERM to its process group, SIGKILL after 5 s; removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** The quiet defaults: no welcome page, telemetry, update checks, tips, extension gallery. */
export const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': true,
  'git.autofetch': false,
  'git.openRepositoryInParentFolders': 'never',
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'window.commandCenter': false,
};

export async function startCodeServer(opts: CodeServerOptions = {}): Promise<CodeServer> {
  if (!fs.existsSync(CODE_SERVER_BIN)) {
    throw new Error(`code-server is not installed at ${CODE_SERVER_BIN}: run test/e2e/install-code-server.sh`);
  }
  const dir = mkTemp('ddas-e2e-cs-');
  const userDataDir = path.join(dir, 'user-data');
  const extensionsDir = path.join(dir, 'extensions');
  const xdg = path.join(dir, 'xdg');
  const tmp = path.join(dir, 'tmp');
  for (const d of [userDataDir, extensionsDir, path.join(xdg, 'config'), path.join(xdg, 'data'), path.join(xdg, 'cache'), tmp]) {
    fs.mkdirSync(d, { recursive: true });
  }
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  const trust = opts.workspaceTrust ?? false;
  const settings = { ...DEFAULT_SETTINGS, 'security.workspace.trust.enabled': trust, ...opts.settings };
  fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));

  const port = await freePort();
  const args = [
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  if (!trust) args.push('--disable-workspace-trust');
  const logFile = path.join(dir, 'code-server.log');
  const logFd = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(CODE_SERVER_BIN, args, {
    cwd: dir,
    detached: true, // its own process group, so stop() reaches the extension host and engine too
    stdio: ['ignore', logFd, logFd],
    env: {
      ...process.env,
      XDG_CONFIG_HOME: path.join(xdg, 'config'),
      XDG_DATA_HOME: path.join(xdg, 'data'),
      XDG_CACHE_HOME: path.join(xdg, 'cache'),
      TMPDIR: tmp,
      ...opts.env,
    },
  });
  fs.closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');
  liveGroups.add(pid);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });

  let stopped = false;
  const server: CodeServer = {
    port,
    url: `http://127.0.0.1:${port}`,
    pid,
    dir,
    userDataDir,
    logFile,
    readSettings: () => JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>,
    updateSettings(patch) {
      fs.writeFileSync(settingsFile, JSON.stringify({ ...server.readSettings(), ...patch }, null, 2));
    },
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!exited) {
        killGroup(pid, 'SIGTERM');
        const deadline = Date.now() + 5000;
        while (!exited && Date.now() < deadline) await sleep(100);
        if (!exited) killGroup(pid, 'SIGKILL');
        // The group may hold children of an exited leader (extension host, engine).
      }
      killGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
      rmrf(dir);
    },
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      const log = server.log();
      await server.stop();
      throw new Error(`code-server exited before answering /healthz:\n${log.slice(-4000)}`);
    }
    if ((await httpStatus(`${server.url}/healthz`)) === 200) break;
    if (Date.now() > deadline) {
      const log = server.log();
      await server.stop();
      throw new Error(`code-server did not answer /healthz in 30 s:\n${log.slice(-4000)}`);
    }
    await sleep(200);
  }
  return server;
}

// ---------------------------------------------------------------------------------------
// Workspaces

export interface Workspace {
  /** The workspace folder (a git repository with one commit). */
  readonly path: string;
  /** The sample dataset inside it. */
  readonly datasetPath: string;
  git(...args: string[]): string;
  cleanup(): void;
}

export interface WorkspaceOptions {
  /** Folder name of the dataset copy inside the workspace (default fashion-mnist). */
  datasetFolder?: string;
  /** Extra files (relative path -> contents) added before the initial commit. */
  files?: Record<string, string>;
}

/** A temp folder holding a copy of sample/fashion-mnist, `git init` + an initial commit. */
export function makeWorkspace(opts: WorkspaceOptions = {}): Workspace {
  const root = mkTemp('ddas-e2e-ws-');
  const ws = path.join(root, 'workspace');
  const datasetPath = path.join(ws, opts.datasetFolder ?? 'fashion-mnist');
  fs.mkdirSync(ws, { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'sample', 'fashion-mnist'), datasetPath, { recursive: true });
  for (const [rel, text] of Object.entries(opts.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    fs.writeFileSync(path.join(ws, rel), text);
  }
  const git = (...args: string[]): string => {
    const r = spawnSync('git', args, {
      cwd: ws,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'DDAS e2e',
        GIT_AUTHOR_EMAIL: 'e2e@example.invalid',
        GIT_COMMITTER_NAME: 'DDAS e2e',
        GIT_COMMITTER_EMAIL: 'e2e@example.invalid',
      },
    });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  git('init', '-q', '-b', 'main');
  // Identity in the repo itself, so commits made from inside VS Code work too.
  git('config', 'user.name', 'DDAS e2e');
  git('config', 'user.email', 'e2e@example.invalid');
  git('config', 'commit.gpgsign', 'false');
  git('add', '-A');
  git('commit', '-q', '-m', 'Initial commit: sample dataset');
  return { path: ws, datasetPath, git, cleanup: () => rmrf(root) };
}

// ---------------------------------------------------------------------------------------
// Browser and workbench

export interface AutomationLogEntry {
  readonly type: string;
  readonly text: string;
}

export interface OpenOptions {
  /** Load the repo as an extension in development mode (default true). */
  extensionDevelopment?: boolean;
  /** Absolute path of an extension-host test module (exports run()). */
  extensionTestsPath?: string;
  /** Browser viewport (default 1400 x 900). */
  viewport?: { width: number; height: number };
  /** Wait for the explorer (default true). */
  waitForExplorer?: boolean;
}

export interface Workbench {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Lines VS Code web sent through codeAutomationLog (the extension host tests' output). */
  readonly automationLog: AutomationLogEntry[];
  /** Resolves with the code passed to codeAutomationExit. */
  readonly exitCode: Promise<number>;
  /** Browser console messages (errors and warnings), for diagnosing failures. */
  readonly consoleLog: string[];
  close(): Promise<void>;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The workbench URL for a workspace, with the development payload. */
export function workbenchUrl(server: CodeServer, ws: Workspace | string, opts: OpenOptions = {}): string {
  const folder = typeof ws === 'string' ? ws : ws.path;
  const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload: [string, string][] = [];
  if (opts.extensionDevelopment ?? true) payload.push(['extensionDevelopmentPath', remote(REPO_ROOT)]);
  if (opts.extensionTestsPath) payload.push(['extensionTestsPath', remote(opts.extensionTestsPath)]);
  let url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  if (payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

export async function openWorkbench(server: CodeServer, ws: Workspace | string, opts: OpenOptions = {}): Promise<Workbench> {
  const browserDir = mkTemp('ddas-e2e-browser-');
  const context = await chromium.launchPersistentContext(browserDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: opts.viewport ?? { width: 1400, height: 900 },
    env: { ...process.env, XDG_CONFIG_HOME: path.join(browserDir, 'xdg-config'), XDG_CACHE_HOME: path.join(browserDir, 'xdg-cache') } as Record<string, string>,
  });
  const automationLog: AutomationLogEntry[] = [];
  const consoleLog: string[] = [];
  let resolveExit: (code: number) => void = () => {};
  const exitCode = new Promise<number>((r) => (resolveExit = r));
  try {
    await context.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
      const list = Array.isArray(args) ? args : [args];
      automationLog.push({ type: String(type), text: util.format(...(list as unknown[])) });
    });
    await context.exposeFunction('codeAutomationExit', (code: unknown) => resolveExit(Number(code)));
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleLog.push(`[${m.type()}] ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleLog.push(`[pageerror] ${e.message}`));
    await page.goto(workbenchUrl(server, ws, opts));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    if (opts.waitForExplorer ?? true) await page.locator('.explorer-folders-view').waitFor({ timeout: 60_000 });
    return {
      page,
      context,
      automationLog,
      exitCode,
      consoleLog,
      async close() {
        await context.close().catch(() => {});
        rmrf(browserDir);
      },
    };
  } catch (e) {
    await context.close().catch(() => {});
    rmrf(browserDir);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------
// UI helpers

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;
const QUICK_ROW = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;

/**
 * Runs a command from the palette by its full title ("DDAS: Start Search"). Right after
 * load the palette can miss commands of a still-activating extension host and does not
 * refresh, so this closes and reopens it until the command shows (up to timeoutMs).
 */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator(QUICK_INPUT_BOX);
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = page.locator(QUICK_ROW).filter({ has: page.locator('.label-name', { hasText: exactText(title) }) });
    try {
      await row.first().waitFor({ state: 'visible', timeout: 2_500 });
      await row.first().click();
      return;
    } catch {
      if (Date.now() > deadline) {
        const shown = await page.locator(QUICK_ROW).allInnerTexts().catch(() => []);
        await page.keyboard.press('Escape');
        throw new Error(`command "${title}" not found in the palette; it shows: ${JSON.stringify(shown.slice(0, 10))}`);
      }
      await sleep(500);
    }
  }
}

function exactText(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

/** Waits for the open quick pick / input box, if any, to show. */
export async function quickInputVisible(page: Page, timeoutMs = 15_000): Promise<void> {
  await page.locator(QUICK_INPUT).waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Picks the item of the open quick pick whose text (label, description, detail) contains
 * `text` (a RegExp for anything fancier) and not `exclude`. Waits for it to show up
 * (items can arrive asynchronously).
 */
export async function pickQuickItem(page: Page, text: string | RegExp, opts: { exclude?: string | RegExp; timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  await quickInputVisible(page, timeoutMs);
  let row = page.locator(QUICK_ROW).filter({ hasText: text });
  if (opts.exclude) row = row.filter({ hasNotText: opts.exclude });
  await row.first().waitFor({ state: 'visible', timeout: timeoutMs });
  await row.first().click();
}

/** The labels of the open quick pick. */
export async function quickItems(page: Page): Promise<string[]> {
  await quickInputVisible(page);
  return page.locator(`${QUICK_ROW} .label-name`).allInnerTexts();
}

/** Types into the open input box (or quick pick filter) and accepts with Enter. */
export async function answerInputBox(page: Page, value?: string): Promise<void> {
  const input = page.locator(QUICK_INPUT_BOX);
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  if (value !== undefined) await input.fill(value);
  await input.press('Enter');
}

/** The current value shown in the open input box. */
export async function inputBoxValue(page: Page): Promise<string> {
  const input = page.locator(QUICK_INPUT_BOX);
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  return input.inputValue();
}

/**
 * The content frame of a webview (panel or markdown preview), as a FrameLocator chain.
 * `index` picks among several open webviews (in DOM order, hidden ones included).
 */
export function webviewFrame(page: Page, which: { index?: number } = {}): FrameLocator {
  return page
    .locator('iframe.webview.ready')
    .nth(which.index ?? 0)
    .contentFrame()
    .frameLocator('iframe#active-frame');
}

/**
 * The frame (of any webview) whose document contains `selector`, polling until one
 * shows. Use when several webviews are open or their order is unknown.
 */
export async function findWebviewFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      try {
        if ((await frame.locator(selector).count()) > 0) return frame;
      } catch {
        /* detached while we looked */
      }
    }
    if (Date.now() > deadline) throw new Error(`no webview frame contains ${selector}`);
    await sleep(300);
  }
}

/**
 * Switches the color theme the way a person does: "Preferences: Color Theme", then the
 * theme's label ("Light Modern", "Dark Modern"). Waits until the workbench shows it.
 * (Editing User/settings.json from outside is not picked up by code-server 4.100.3's
 * workbench, and its initial workbench.colorTheme is ignored: the picker is reliable.)
 */
export async function setColorTheme(page: Page, label: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Theme contributions arrive with the extension scan: until then the picker lists none.
  for (;;) {
    await runCommand(page, 'Preferences: Color Theme');
    const row = page.locator(QUICK_ROW).filter({ has: page.locator('.label-name', { hasText: exactText(label) }) });
    try {
      await row.first().waitFor({ state: 'visible', timeout: 3_000 });
      await row.first().click();
      break;
    } catch {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`color theme "${label}" not offered`);
    }
  }
  const kind = /light/i.test(label) ? 'vs' : /high contrast/i.test(label) ? 'hc' : 'vs-dark';
  await waitUntil(`theme ${label}`, async () => {
    const cls = (await page.locator('.monaco-workbench').getAttribute('class')) ?? '';
    return cls.split(/\s+/).some((c) => (kind === 'hc' ? c.startsWith('hc') : c === kind));
  }, 10_000);
  await page.waitForTimeout(500); // webviews re-read the theme's CSS variables
}

/** The title of the open quick pick / input box ("DDAS: Start Search (1/3) - dataset"). */
export async function quickInputTitle(page: Page): Promise<string> {
  await quickInputVisible(page);
  return (await page.locator(`${QUICK_INPUT} .quick-input-title`).innerText().catch(() => '')).trim();
}

/** Waits until the open quick input's title matches (wizards reuse the widget step by step). */
export async function waitForQuickInputTitle(page: Page, title: string | RegExp, timeoutMs = 30_000): Promise<void> {
  await waitUntil(`quick input titled ${String(title)}`, async () => {
    const t = await quickInputTitle(page);
    return typeof title === 'string' ? t.includes(title) : title.test(t);
  }, timeoutMs);
}

/**
 * Clicks a button of the notification toast whose message contains `message`, waiting
 * for the toast to show.
 */
export async function clickNotificationButton(page: Page, message: string | RegExp, button: string, timeoutMs = 30_000): Promise<void> {
  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: message });
  await toast.first().waitFor({ state: 'visible', timeout: timeoutMs });
  await toast.first().locator('a.monaco-button, .monaco-button').filter({ hasText: exactText(button) }).first().click();
}

/** Texts of the notification toasts on screen. */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-toast .notification-list-item-message').allInnerTexts();
}

/**
 * Answers the workspace trust dialog that opens with a folder when the server was started
 * with `workspaceTrust: true`: trust ("Yes, I trust the authors") or Restricted Mode.
 */
export async function answerTrustDialog(page: Page, trust: boolean, timeoutMs = 30_000): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box').filter({ hasText: /trust the authors/i });
  await dialog.first().waitFor({ state: 'visible', timeout: timeoutMs });
  const label = trust ? /Yes, I trust/i : /No, I don.t trust/i;
  await dialog.first().locator('.monaco-button, a.monaco-button, button').filter({ hasText: label }).first().click();
  await dialog.first().waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Closes notifications toasts (they cover the status bar and panel corners in screenshots). */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications').catch(() => {});
}

/** Writes test/e2e/out/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Polls `fn` until it returns a truthy value (returned) or the time runs out. */
export async function waitUntil<T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 30_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------
// Extension-host tests

/**
 * Bundles the runner test/e2e/host/index.ts and the suite's *.e2e.ts (test/e2e/<suite>/)
 * flat into out/e2e/<suite>/ as CommonJS (the extension host loads plain JS), with
 * `vscode` and `mocha` external. Returns the path of the built index.js.
 */
export async function buildHostTests(suite = 'host'): Promise<string> {
  const esbuild = await import('esbuild');
  const suiteDir = path.join(E2E_DIR, suite);
  const outDir = path.join(REPO_ROOT, 'out', 'e2e', suite);
  const entries = [
    { in: path.join(E2E_DIR, 'host', 'index.ts'), out: 'index' },
    ...fs.readdirSync(suiteDir).filter((f) => f.endsWith('.e2e.ts')).map((f) => ({ in: path.join(suiteDir, f), out: f.replace(/\.ts$/, '') })),
  ];
  fs.rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: entries,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    absWorkingDir: REPO_ROOT,
    logLevel: 'warning',
    // The bundles need to find mocha in the repo's node_modules at run time.
    nodePaths: [path.join(REPO_ROOT, 'node_modules')],
  });
  return path.join(outDir, 'index.js');
}

export interface HostTestResult {
  readonly code: number;
  /** The extension host's output (mocha's report), line by line. */
  readonly log: string[];
  readonly seconds: number;
}

/**
 * Runs the extension-host tests in a fresh code-server + workbench: builds them, opens
 * the workspace with extensionTestsPath in the payload and waits for codeAutomationExit.
 * `grep` (env DDAS_E2E_GREP inside the host) filters tests by title.
 */
export async function runHostTests(opts: { timeoutMs?: number; grep?: string; workspace?: Workspace; server?: CodeServerOptions; echo?: boolean } = {}): Promise<HostTestResult> {
  const t0 = Date.now();
  const index = await buildHostTests();
  const ws = opts.workspace ?? makeWorkspace();
  const env = { ...(opts.server?.env ?? {}), ...(opts.grep ? { DDAS_E2E_GREP: opts.grep } : {}) };
  const server = await startCodeServer({ ...opts.server, env });
  let wb: Workbench | undefined;
  try {
    wb = await openWorkbench(server, ws, { extensionTestsPath: index, waitForExplorer: false });
    const timeoutMs = opts.timeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([wb.exitCode, new Promise<number>((r) => (timer = setTimeout(() => r(-1), timeoutMs)))]);
    clearTimeout(timer);
    const log = wb.automationLog.map((e) => e.text);
    if (opts.echo) for (const line of log) process.stdout.write(`${line}\n`);
    if (code === -1) {
      await screenshot(wb.page, 'host-tests-timeout').catch(() => {});
      log.push(`host tests did not finish in ${timeoutMs} ms`, ...wb.consoleLog.slice(-20), server.log().slice(-3000));
    }
    return { code, log, seconds: (Date.now() - t0) / 1000 };
  } finally {
    await wb?.close();
    await server.stop();
    if (!opts.workspace) ws.cleanup();
  }
}
