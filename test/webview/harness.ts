/**
 * Loads the panel's real page (src/extension/panel/html.ts, strict CSP and all) in
 * headless Chromium under a fake webview origin, with a fake `acquireVsCodeApi` and a
 * VS Code theme's variables, so tests can feed it messages and read what it drew.
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PageFunction } from 'playwright-core/types/structs';
import type { FromPanel, ToPanel } from '../../src/shared/webview-protocol';
import { panelHtml } from '../../src/extension/panel/html';
import type { TestTheme } from './themes';

export const ROOT = path.resolve(__dirname, '..', '..');
export const OUT = path.join(ROOT, 'test', 'webview', 'out');
export const CHROMIUM = process.env.DDAS_CHROMIUM ?? '/usr/bin/chromium';
const ORIGIN = 'https://webview.ddas.test';
// In the repo's out/ (ignored by git and eslint), not beside the screenshots.
const BUNDLE = path.join(ROOT, 'out', 'webview-test');

/** Bundles webview/ like scripts/build.mjs does, so the test sees the current sources. */
export async function bundleWebview(): Promise<void> {
  await esbuild.build({ absWorkingDir: ROOT, entryPoints: ['webview/main.ts'], outfile: path.join(BUNDLE, 'webview.js'), bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning' });
}

declare global {
  interface Window {
    __posted: FromPanel[];
    __problems: string[];
    __state: unknown;
  }
}

/**
 * Polls a predicate in the page. Playwright's waitForFunction compiles its predicate with
 * `new Function`, which the panel's CSP (rightly) forbids; evaluate is not subject to it.
 */
export async function waitFor<A>(page: Page, predicate: PageFunction<A, boolean>, arg: A, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(predicate, arg)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${predicate.toString()}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

export interface PanelPage {
  readonly page: Page;
  send(message: ToPanel): Promise<void>;
  sendAll(messages: readonly ToPanel[]): Promise<void>;
  posted(): Promise<FromPanel[]>;
  /** CSP violations, uncaught errors and console errors seen so far. */
  problems(): Promise<string[]>;
  setTheme(theme: TestTheme): Promise<void>;
}

const FILES: Record<string, { file: string; type: string }> = {
  '/webview.js': { file: path.join(BUNDLE, 'webview.js'), type: 'text/javascript' },
  '/webview.css': { file: path.join(BUNDLE, 'webview.css'), type: 'text/css' },
  '/codicons/codicon.css': { file: path.join(ROOT, 'node_modules', '@vscode', 'codicons', 'dist', 'codicon.css'), type: 'text/css' },
  '/codicons/codicon.ttf': { file: path.join(ROOT, 'node_modules', '@vscode', 'codicons', 'dist', 'codicon.ttf'), type: 'font/ttf' },
};

/**
 * The fake webview host, as source text: functions compiled by tsx call its `__name`
 * helper, which does not exist in the page (the shim lets page.evaluate callbacks run too).
 */
const INIT_SCRIPT = `function (vars, bodyClass) {
  globalThis.__name = globalThis.__name || function (f) { return f; };
  window.__posted = [];
  window.__problems = [];
  window.__state = undefined;
  window.acquireVsCodeApi = function () {
    return {
      postMessage: function (m) { window.__posted.push(m); },
      getState: function () { return window.__state; },
      setState: function (s) { window.__state = s; },
    };
  };
  document.addEventListener('securitypolicyviolation', function (e) {
    window.__problems.push('CSP ' + e.violatedDirective + ': ' + e.blockedURI);
  });
  // The document is still empty here: theme its elements as the parser creates them.
  var styled = false;
  function apply() {
    if (!styled && document.documentElement) {
      for (var k in vars) document.documentElement.style.setProperty(k, vars[k]);
      styled = true;
    }
    if (document.body) document.body.className = bodyClass;
    return Boolean(document.body);
  }
  if (!apply()) new MutationObserver(function (_, obs) { if (apply()) obs.disconnect(); }).observe(document, { childList: true, subtree: true });
}`;

export async function openPanel(browser: Browser, theme: TestTheme, size = { width: 1280, height: 900 }): Promise<PanelPage> {
  const page = await browser.newPage({ viewport: size });
  const html = panelHtml({ cspSource: ORIGIN, script: `${ORIGIN}/webview.js`, style: `${ORIGIN}/webview.css`, codicons: `${ORIGIN}/codicons/codicon.css` }, 'test-nonce-0123456789');
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/') return route.fulfill({ status: 200, contentType: 'text/html', body: html });
    const f = FILES[url.pathname];
    if (!f) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ status: 200, contentType: f.type, body: fs.readFileSync(f.file) });
  });
  const errors: string[] = [];
  if (process.env.DDAS_DEBUG) page.on('console', (m) => console.log('[page]', m.type(), m.text())).on('pageerror', (e) => console.log('[pageerror]', e.message)).on('requestfinished', (r) => console.log('[req]', r.url())).on('requestfailed', (r) => console.log('[failed]', r.url(), r.failure()?.errorText));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  // Runs before the page's own scripts, as VS Code's webview host does.
  await page.addInitScript({ content: `(${INIT_SCRIPT})(${JSON.stringify(theme.vars)}, ${JSON.stringify(theme.bodyClass)});` });
  await page.goto(`${ORIGIN}/`);
  await waitFor(page, () => window.__posted.some((m) => m.type === 'ready'), undefined);
  return {
    page,
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    sendAll: (messages) => page.evaluate((ms) => ms.forEach((m) => window.postMessage(m, '*')), messages),
    posted: () => page.evaluate(() => window.__posted),
    problems: async () => [...errors, ...(await page.evaluate(() => window.__problems))],
    setTheme: async (t) => {
      await page.evaluate(({ vars, bodyClass }) => {
        for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
        document.body.className = bodyClass;
      }, t);
    },
  };
}
