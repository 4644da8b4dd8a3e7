/**
 * Renders the search panel in headless Chromium from a recorded search (52 categories,
 * 5 epochs, Fashion-MNIST samples), checks what it drew and writes light, dark and
 * high-contrast screenshots to test/webview/out/ for a person to look at.
 * Skips when Chromium is not installed (CI installs the Debian package).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import type { EngineEvent } from '../../src/shared/protocol';
import type { PanelStatus, SampleRow, SearchSummary, ToPanel } from '../../src/shared/webview-protocol';
import { bundleWebview, CHROMIUM, OUT, openPanel, waitFor, type PanelPage } from './harness';
import { DARK, HIGH_CONTRAST, LIGHT } from './themes';

interface Fixture {
  readonly search: SearchSummary;
  readonly events: readonly EngineEvent[];
  readonly samples: readonly SampleRow[];
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixture-search.json'), 'utf8')) as Fixture;
const RUNNING: PanelStatus = { running: true, canResume: false, canCommit: false };
const DONE: PanelStatus = { running: false, canResume: false, canCommit: true };

/** The recorded search cut in two: an `init` replaying the first part, then live events (its start given a base). */
function messages(): { init: ToPanel; live: ToPanel[]; result: ToPanel } {
  const events = fixture.events.filter((e) => e.kind !== 'result').map((e): EngineEvent => (e.kind === 'started' ? { ...e, base: { cropPadding: 4, flipLR: false, cutout: 0 } } : e));
  const cut = events.findIndex((e) => e.kind === 'progress' && e.epoch === 2);
  const result = fixture.events.find((e) => e.kind === 'result');
  assert.ok(result && cut > 0);
  return {
    init: { type: 'init', search: fixture.search, events: events.slice(0, cut), samples: [], status: RUNNING },
    live: [...events.slice(cut).map((event): ToPanel => ({ type: 'event', event })), { type: 'samples', epoch: 3, rows: fixture.samples }],
    result: { type: 'event', event: result },
  };
}

async function drawn(panel: PanelPage): Promise<{ canvases: number; painted: number; cells: number; pSum: number; images: number; loaded: number }> {
  return panel.page.evaluate(() => {
    const canvases = Array.from(document.querySelectorAll('canvas'));
    const painted = canvases.filter((c) => {
      const ctx = c.getContext('2d');
      if (!ctx || !c.width || !c.height) return false;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      let opaque = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) opaque++;
      return opaque > 500;
    }).length;
    const cells = Array.from(document.querySelectorAll<HTMLElement>('.hm-cell'));
    const images = Array.from(document.querySelectorAll<HTMLImageElement>('img.sample'));
    return {
      canvases: canvases.length,
      painted,
      cells: cells.length,
      pSum: cells.reduce((s, c) => s + Number(c.dataset.p ?? 0), 0),
      images: images.length,
      loaded: images.filter((i) => i.complete && i.naturalWidth === 28).length,
    };
  });
}

async function buttons(panel: PanelPage): Promise<Record<string, boolean>> {
  return panel.page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll<HTMLElement & { disabled: boolean }>('vscode-button[data-command]')).map((b) => [b.dataset.command, !b.disabled && b.checkVisibility()])));
}

/** Waits until the coalesced render caught up with the newest event. */
async function settled(panel: PanelPage, epoch: string): Promise<void> {
  await waitFor(panel.page, (text) => document.querySelector('[data-stat="epoch"] .stat-value')?.textContent === text, epoch);
  await panel.page.waitForTimeout(350);
}

describe('search panel webview (Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      console.warn(`      skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set DDAS_CHROMIUM)`);
      this.skip();
    }
    fs.mkdirSync(OUT, { recursive: true });
    await bundleWebview();
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  });

  after(async () => {
    await browser?.close();
  });

  it('shows the empty state and asks for a search', async () => {
    assert.ok(browser);
    const panel = await openPanel(browser, LIGHT, { width: 900, height: 400 });
    await panel.send({ type: 'init', search: null, events: [], samples: [], status: { running: false, canResume: false, canCommit: false } });
    await panel.page.locator('.empty-state vscode-button').click();
    assert.deepEqual((await panel.posted()).map((m) => m.type), ['ready', 'start']);
    assert.equal(await panel.page.locator('main.cards').isHidden(), true);
    await panel.page.screenshot({ path: path.join(OUT, 'panel-light-empty.png') });
    assert.deepEqual(await panel.problems(), []);
    await panel.page.close();
  });

  for (const theme of [LIGHT, DARK]) {
    it(`draws a live search in the ${theme.name} theme`, async () => {
      assert.ok(browser);
      const panel = await openPanel(browser, theme);
      const { init, live, result } = messages();
      await panel.send(init);
      await settled(panel, '2 / 5');
      await panel.sendAll(live); // a burst, as a fast engine sends them
      await settled(panel, '5 / 5');

      const d = await drawn(panel);
      assert.equal(d.canvases, 3, 'three charts');
      assert.equal(d.painted, 3, 'every chart has pixels');
      assert.equal(d.cells, 52, 'one heatmap cell per category');
      assert.ok(Math.abs(d.pSum - 1) < 1e-3, `heatmap holds the current p (sum ${d.pSum})`);
      assert.equal(d.images, 4 * 7, '4 rows: original + 6 draws');
      await waitFor(panel.page, () => Array.from(document.querySelectorAll<HTMLImageElement>('img.sample')).every((i) => i.complete), undefined);
      assert.equal((await drawn(panel)).loaded, 28, 'sample images decode');
      assert.deepEqual(await buttons(panel), { start: false, stop: true, resume: false, commit: false, showLog: false });
      const header = await panel.page.locator('header').innerText();
      assert.match(header, /wasm/);
      assert.match(header, /resnet-small/);
      assert.match(header, /base: crop \(pad 4\)/);
      assert.match(header, /Running/);
      await panel.page.screenshot({ path: path.join(OUT, `panel-${theme.name}.png`), fullPage: true });

      await panel.page.locator('vscode-button[data-command="stop"]').click();
      await panel.sendAll([result, { type: 'status', status: DONE }]);
      await waitFor(panel.page, () => document.querySelector('vscode-badge')?.textContent === 'Done', undefined);
      assert.deepEqual(await buttons(panel), { start: true, stop: false, resume: false, commit: true, showLog: false });
      await panel.page.locator('vscode-button[data-command="commit"]').click();
      assert.deepEqual((await panel.posted()).map((m) => m.type), ['ready', 'stop', 'commit']);
      // A narrow editor group: one column of cards.
      await panel.page.setViewportSize({ width: 640, height: 900 });
      await panel.page.waitForTimeout(300);
      await panel.page.screenshot({ path: path.join(OUT, `panel-${theme.name}-narrow-done.png`), fullPage: true });
      assert.deepEqual(await panel.problems(), []);
      await panel.page.close();
    });
  }

  it('follows a theme switch and shows a failed search with its log link', async () => {
    assert.ok(browser);
    const panel = await openPanel(browser, LIGHT);
    const { init, live } = messages();
    await panel.send(init);
    await panel.sendAll(live);
    await settled(panel, '5 / 5');
    await panel.setTheme(HIGH_CONTRAST);
    await waitFor(panel.page, () => document.body.dataset.renderedTheme === 'high-contrast', undefined);
    await panel.send({ type: 'status', status: { running: false, canResume: true, canCommit: false, problem: 'The engine exited with code 134 (out of memory?).' } });
    await waitFor(panel.page, () => document.querySelector('vscode-badge')?.textContent === 'Failed', undefined);
    assert.equal(await panel.page.locator('.banner').isVisible(), true);
    assert.match(await panel.page.locator('.banner').innerText(), /code 134/);
    assert.deepEqual(await buttons(panel), { start: true, stop: false, resume: true, commit: false, showLog: true });
    await panel.page.locator('vscode-button[data-command="showLog"]').click();
    assert.deepEqual((await panel.posted()).map((m) => m.type), ['ready', 'showLog']);
    await panel.page.screenshot({ path: path.join(OUT, 'panel-high-contrast-failed.png'), fullPage: true });
    assert.deepEqual(await panel.problems(), []);
    await panel.page.close();
  });
});
