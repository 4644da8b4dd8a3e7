/**
 * Renders the panel's evaluation section in headless Chromium from a recorded evaluation
 * (a real `ddas evaluate` of the Fashion-MNIST sample: a policy and five baselines, 3
 * seeds x 8 epochs): replayed by `init` as on reopen, then live events; checks the charts,
 * their text alternatives, the table and the verdict, and writes screenshots to
 * test/webview/out/. Skips when Chromium is not installed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import type { EvaluateEvent } from '../../src/shared/evaluation';
import type { EvaluationInfo, PanelStatus, ToPanel } from '../../src/shared/webview-protocol';
import { bundleWebview, CHROMIUM, OUT, openPanel, waitFor, type PanelPage } from './harness';
import { DARK, HIGH_CONTRAST, LIGHT } from './themes';

interface Fixture {
  readonly info: EvaluationInfo;
  readonly events: readonly EvaluateEvent[];
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixture-evaluation.json'), 'utf8')) as Fixture;
const NO_SEARCH: PanelStatus = { running: false, canResume: false, canCommit: false };
const result = fixture.events.find((e): e is Extract<EvaluateEvent, { kind: 'evaluateResult' }> => e.kind === 'evaluateResult');

/** Replays the events before the `cut`-th finished run in `init`, the rest as live messages. */
function messages(cut: number): { init: ToPanel; live: ToPanel[] } {
  let runs = 0;
  const at = fixture.events.findIndex((e) => e.kind === 'evaluateRun' && runs++ === cut);
  return {
    init: { type: 'init', search: null, events: [], samples: [], status: NO_SEARCH, evaluation: { info: fixture.info, events: fixture.events.slice(0, at), status: { running: true } } },
    live: fixture.events.slice(at).map((event): ToPanel => ({ type: 'evaluationEvent', event })),
  };
}

async function section(panel: PanelPage): Promise<{ visible: boolean; canvases: number; painted: number; rows: string[][]; heads: string[]; verdict: string; labels: string[]; badge: string; emptyHidden: boolean }> {
  return panel.page.evaluate(() => {
    const root = document.querySelector<HTMLElement>('section.evaluation');
    const canvases = Array.from(root?.querySelectorAll('canvas') ?? []);
    const painted = canvases.filter((c) => {
      const ctx = c.getContext('2d');
      if (!ctx || !c.width || !c.height) return false;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      let opaque = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) opaque++;
      return opaque > 500;
    }).length;
    return {
      visible: Boolean(root && root.checkVisibility()),
      canvases: canvases.length,
      painted,
      rows: Array.from(root?.querySelectorAll('.eval-table tbody tr') ?? []).map((tr) => Array.from(tr.children).map((c) => (c.textContent ?? '').trim())),
      heads: Array.from(root?.querySelectorAll('.eval-table thead th') ?? []).map((th) => th.textContent ?? ''),
      verdict: root?.querySelector('.verdict')?.textContent ?? '',
      labels: canvases.map((c) => c.getAttribute('aria-label') ?? ''),
      badge: root?.querySelector('vscode-badge')?.textContent ?? '',
      emptyHidden: document.querySelector<HTMLElement>('.empty-state')?.hidden ?? false,
    };
  });
}

describe('evaluation section webview (Chromium)', function () {
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

  it('stays hidden without an evaluation', async () => {
    assert.ok(browser);
    const panel = await openPanel(browser, LIGHT, { width: 900, height: 400 });
    await panel.send({ type: 'init', search: null, events: [], samples: [], status: NO_SEARCH, evaluation: null });
    await panel.page.waitForTimeout(300);
    const s = await section(panel);
    assert.equal(s.visible, false);
    assert.equal(s.emptyHidden, false, 'the empty state speaks');
    assert.deepEqual(await panel.problems(), []);
    await panel.page.close();
  });

  for (const theme of [LIGHT, DARK]) {
    it(`replays an evaluation on reopen and follows it live to the verdict (${theme.name})`, async () => {
      assert.ok(browser && result);
      const panel = await openPanel(browser, theme, { width: 1280, height: 1000 });
      const { init, live } = messages(7);
      await panel.send(init);
      await waitFor(panel.page, () => document.querySelector('section.evaluation .verdict')?.textContent?.startsWith('So far (1 of 3 seeds)') === true, undefined);
      await panel.page.waitForTimeout(350);
      let s = await section(panel);
      assert.equal(s.visible, true);
      assert.equal(s.emptyHidden, true);
      assert.equal(s.badge, 'Running');
      assert.equal(s.canvases, 2);
      assert.equal(s.painted, 2, 'both charts have pixels');
      assert.deepEqual(s.rows.map((r) => [r[0], r[1]]), [['hand-tuned policy', '2'], ['none baseline', '1'], ['base baseline', '1'], ['randaugment baseline', '1'], ['trivialaugment baseline', '1'], ['uniform baseline', '1']]);
      assert.match(await panel.page.locator('section.evaluation .note').innerText(), /^Run 8 of 18: none, seed 1, epoch \d of 8/);
      await panel.page.screenshot({ path: path.join(OUT, `evaluation-${theme.name}-running.png`), fullPage: true });

      await panel.sendAll([...live, { type: 'evaluationStatus', status: { running: false } }]);
      await waitFor(panel.page, () => document.querySelector('section.evaluation vscode-badge')?.textContent === 'Done', undefined);
      await panel.page.waitForTimeout(350);
      s = await section(panel);
      assert.equal(s.verdict, result.report.verdict);
      assert.equal(s.painted, 2);
      assert.deepEqual(s.heads, ['Entry', 'Seeds', 'Mean', '95% CI', 'vs none (paired, points)']);
      assert.deepEqual(s.rows[0], ['hand-tuned policy', '3', '72.3%', '69.1%..75.4%', '-4.6 (-8.8..-0.4) worse']);
      assert.deepEqual(s.rows[1], ['none baseline', '3', '76.8%', '75.3%..78.4%', 'reference']);
      // Text alternatives of the charts name every entry with its numbers.
      assert.match(s.labels[0], /^Held-out accuracy per entry, mean over seeds: hand-tuned 72\.3% \(95% CI 69\.1%\.\.75\.4%\); none 76\.8%/);
      assert.match(s.labels[1], /^Held-out accuracy after each epoch, mean over finished runs: hand-tuned from \d+\.\d% to 72\.3%/);
      await panel.page.screenshot({ path: path.join(OUT, `evaluation-${theme.name}-done.png`), fullPage: true });
      await panel.page.setViewportSize({ width: 640, height: 1000 });
      await panel.page.waitForTimeout(300);
      await panel.page.screenshot({ path: path.join(OUT, `evaluation-${theme.name}-narrow.png`), fullPage: true });
      assert.deepEqual(await panel.problems(), []);
      await panel.page.close();
    });
  }

  it('shows a stopped and a failed evaluation, and follows a theme switch', async () => {
    assert.ok(browser);
    const panel = await openPanel(browser, LIGHT);
    const { init } = messages(3);
    await panel.send(init);
    await panel.send({ type: 'evaluationStatus', status: { running: false, cancelled: true } });
    await waitFor(panel.page, () => document.querySelector('section.evaluation vscode-badge')?.textContent === 'Stopped', undefined);
    assert.match(await panel.page.locator('section.evaluation .note').innerText(), /Stopped after 3 of 18 runs/);
    await panel.setTheme(HIGH_CONTRAST);
    await waitFor(panel.page, () => document.body.dataset.renderedTheme === 'high-contrast', undefined);
    await panel.send({ type: 'evaluationStatus', status: { running: false, problem: 'The DDAS engine stopped during the evaluation (killed by SIGKILL) after 3 finished runs.' } });
    await waitFor(panel.page, () => document.querySelector('section.evaluation vscode-badge')?.textContent === 'Failed', undefined);
    assert.match(await panel.page.locator('section.evaluation .eval-problem').innerText(), /SIGKILL/);
    assert.equal((await section(panel)).painted, 2);
    await panel.page.screenshot({ path: path.join(OUT, 'evaluation-high-contrast-failed.png'), fullPage: true });
    // A new evaluation replaces the section.
    await panel.send({ type: 'evaluation', evaluation: { info: { ...fixture.info, id: 'evaluate-2' }, events: [], status: { running: true } } });
    await waitFor(panel.page, () => document.querySelector('section.evaluation vscode-badge')?.textContent === 'Starting', undefined);
    assert.deepEqual((await section(panel)).rows.map((r) => r[1]), ['0', '0', '0', '0', '0', '0']);
    assert.deepEqual(await panel.problems(), []);
    await panel.page.close();
  });
});
