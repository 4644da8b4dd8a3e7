/**
 * Issue 5: authoring a policy file in the real workbench, by keyboard, as a person does.
 * An empty `policy.augpolicy.json` opened with Quick Open; completion (Ctrl+Space) offers
 * the "New DDAS policy" and "Operation with magnitude" snippets and the op names; a
 * misspelt op and a probability sum that is not 1 show up in the Problems panel; the
 * quick fixes (Ctrl+.) repair them; the hover over the op (Ctrl+K Ctrl+I) shows
 * engine-rendered thumbnails. Screenshots: test/e2e/out/editing-*.png, hover-preview.png.
 *
 * Text is entered with page.keyboard: key presses for commands and short words, and
 * keyboard.insertText (one input event, like an IME or paste) for whole policies, so the
 * editor's auto-closing brackets and quotes do not double what is typed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import {
  makeWorkspace,
  openWorkbench,
  screenshot,
  startCodeServer,
  waitUntil,
  type CodeServer,
  type Workbench,
  type Workspace,
} from './harness';

const FILE = 'policy.augpolicy.json';
const EDITOR = '.part.editor .monaco-editor[data-uri$="policy.augpolicy.json"]';
const SUGGEST = '.editor-widget.suggest-widget.visible';
const QUICK_INPUT_BOX = '.quick-input-widget .quick-input-box input';

interface PolicyFile {
  operations: { op: string; magnitude?: number; probability: number }[];
}

/** Waits for the suggest widget and returns the labels of its (rendered) rows once they include `expected`. */
async function suggestions(page: Page, expected: string[], timeoutMs = 30_000): Promise<string[]> {
  await page.locator(SUGGEST).waitFor({ state: 'visible', timeout: timeoutMs });
  return waitUntil(`suggestions ${expected.join(', ')}`, async () => {
    const labels = (await page.locator(`${SUGGEST} .monaco-list-row .label-name`).allInnerTexts()).map((l) => l.trim());
    return expected.every((e) => labels.includes(e)) && labels;
  }, timeoutMs);
}

/** Ctrl+Space until the suggest widget shows `expected` (the JSON language server may still be loading the schema). */
async function triggerSuggest(page: Page, expected: string[], timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('Control+Space');
    try {
      return await suggestions(page, expected, 5_000);
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await page.keyboard.press('Escape');
    }
  }
}

/** Ctrl+G, "line:column", Enter: the cursor goes there. */
async function goTo(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator(QUICK_INPUT_BOX);
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${line}:${column}`);
  await input.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
  await waitUntil(`cursor at ${line}:${column}`, async () => /Ln (\d+), Col (\d+)/.exec(await cursorStatus(page))?.slice(1).join(':') === `${line}:${column}`, 10_000);
}

async function cursorStatus(page: Page): Promise<string> {
  return (await page.locator('#status\\.editor\\.selection').innerText().catch(() => '')).trim();
}

/** Replaces the whole text of the focused editor. */
async function replaceAll(page: Page, text: string): Promise<void> {
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
  await page.keyboard.press('Escape'); // a quick suggestion may have opened
}

/** Ctrl+S and the saved file, parsed (every save here follows an edit, so the file changes). */
async function save(page: Page, file: string): Promise<{ text: string; policy: PolicyFile }> {
  const before = fs.statSync(file).mtimeMs;
  await page.keyboard.press('Control+S');
  return waitUntil('the save', () => {
    if (fs.statSync(file).mtimeMs === before) return undefined;
    const text = fs.readFileSync(file, 'utf8');
    return { text, policy: JSON.parse(text) as PolicyFile };
  }, 10_000, 100);
}

/** The rows of the Problems panel (message, source, position), opened with Ctrl+Shift+M. */
async function problems(page: Page): Promise<string[]> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible().catch(() => false))) {
    await page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible', timeout: 10_000 });
  }
  return (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

async function focusEditor(page: Page): Promise<void> {
  await page.locator(`${EDITOR} .view-lines`).click();
}

/**
 * Ctrl+. at the cursor, then the action whose title matches, chosen with the arrow keys
 * and Enter (the widget's pointer block swallows synthetic clicks). Returns its title.
 */
async function quickFix(page: Page, title: RegExp): Promise<string> {
  const widget = page.locator('.action-widget');
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.keyboard.press('Control+.');
    try {
      await widget.locator('.monaco-list-row.action').filter({ hasText: title }).first().waitFor({ state: 'visible', timeout: 5_000 });
      for (let i = 0; i < 20; i++) {
        const focused = (await widget.locator('.monaco-list-row.action.focused').first().getAttribute('aria-label')) ?? '';
        if (title.test(focused)) {
          await page.keyboard.press('Enter');
          await widget.waitFor({ state: 'hidden', timeout: 10_000 });
          return focused;
        }
        await page.keyboard.press('ArrowDown');
      }
      throw new Error(`could not focus the action ${title}`);
    } catch (e) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw e;
    }
  }
}

/**
 * Typing aids off, so whole policies entered with keyboard.insertText arrive verbatim
 * (otherwise every newline is auto-indented again and an opening brace gets its closer).
 */
const EDITOR_SETTINGS = {
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoSurround': 'never',
  'editor.autoIndent': 'none',
  'editor.formatOnType': false,
  'editor.formatOnPaste': false,
};

describe('e2e: authoring a policy file (issue 5)', function () {
  this.timeout(240_000);
  let server: CodeServer | undefined;
  let ws: Workspace | undefined;
  let wb: Workbench | undefined;
  let file = '';

  before(async () => {
    ws = makeWorkspace({ files: { [FILE]: '' } });
    file = path.join(ws.path, FILE);
    server = await startCodeServer({ settings: EDITOR_SETTINGS });
    wb = await openWorkbench(server, ws);
    await wb.page.getByText('[Extension Development Host]').first().waitFor({ timeout: 30_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      await screenshot(wb.page, `FAILED editing ${this.currentTest.title}`).catch(() => {});
      console.log(`      browser console (last lines):\n${wb.consoleLog.slice(-15).join('\n')}`);
      if (fs.existsSync(file)) console.log(`      ${FILE} on disk:\n${fs.readFileSync(file, 'utf8')}`);
    }
  });

  after(async () => {
    await wb?.close();
    await server?.stop();
    ws?.cleanup();
  });

  it('completion: the "New DDAS policy" snippet in an empty file', async () => {
    const { page } = wb!;
    // Quick Open (Ctrl+P), the file name, Enter.
    await page.keyboard.press('Control+P');
    const input = page.locator(QUICK_INPUT_BOX);
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(FILE);
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: FILE }).first().waitFor({ timeout: 15_000 });
    await input.press('Enter');
    await page.locator(EDITOR).waitFor({ state: 'visible', timeout: 15_000 });
    await focusEditor(page);

    const labels = await triggerSuggest(page, ['New DDAS policy']);
    await screenshot(page, 'editing-completion-new-policy');
    await page.locator(`${SUGGEST} .monaco-list-row`).filter({ hasText: 'New DDAS policy' }).first().click();
    await page.locator(SUGGEST).waitFor({ state: 'hidden', timeout: 10_000 });
    await page.keyboard.press('Escape'); // the choice of the op placeholder
    await page.keyboard.press('Escape'); // snippet mode
    const { policy } = await save(page, file);
    assert.deepEqual(policy.operations.map((o) => o.op), ['Identity', 'Rotate'], `the snippet's operations (suggested: ${labels.join(', ')})`);
    assert.equal(policy.operations.reduce((s, o) => s + o.probability, 0), 1);
  });

  it('completion: the "Operation with magnitude" snippet in an empty operations array, and op names in "op": ""', async () => {
    const { page } = wb!;
    await replaceAll(page, '{\n  "version": 1,\n  "opsPerImage": 2,\n  "applyProbability": 0.5,\n  "operations": [\n    \n  ]\n}\n');
    await goTo(page, 6, 5);
    await triggerSuggest(page, ['Operation with magnitude']);
    await screenshot(page, 'editing-completion-operation');
    await page.locator(`${SUGGEST} .monaco-list-row`).filter({ hasText: 'Operation with magnitude' }).first().click();
    await page.locator(SUGGEST).waitFor({ state: 'hidden', timeout: 10_000 });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    let saved = await save(page, file);
    assert.deepEqual(saved.policy.operations, [{ op: 'Rotate', magnitude: 0.25, probability: 0.1 }], saved.text);

    // Op names inside "op": "|" (quoted, as JSON completion inserts them). The schema's
    // anyOf narrows them: an entry with a magnitude gets the ops that take one, an entry
    // without gets the others. Then a misspelt op and a sum of 0.8.
    await replaceAll(
      page,
      '{\n  "version": 1,\n  "opsPerImage": 2,\n  "applyProbability": 0.5,\n  "operations": [\n    { "op": "", "magnitude": 0.5, "probability": 0.3 },\n    { "op": "", "probability": 0.5 }\n  ]\n}\n',
    );
    await goTo(page, 6, 14);
    const withMagnitude = await triggerSuggest(page, ['"Rotate"', '"ShearX"']);
    await screenshot(page, 'editing-completion-ops');
    await page.keyboard.type('Rot');
    const filtered = await suggestions(page, ['"Rotate"']);
    assert.ok(filtered.length <= 2, `typing filters the op names (${filtered.join(', ')})`);
    await page.keyboard.type('at');
    await page.keyboard.press('Escape'); // close the suggestions without accepting: "Rotat" stays
    await page.locator(SUGGEST).waitFor({ state: 'hidden', timeout: 10_000 });

    await goTo(page, 7, 14);
    const plain = await triggerSuggest(page, ['"Identity"', '"FlipLR"']);
    await page.keyboard.type('Iden');
    await suggestions(page, ['"Identity"']);
    await page.keyboard.press('Enter'); // accept
    await page.locator(SUGGEST).waitFor({ state: 'hidden', timeout: 10_000 });
    saved = await save(page, file);
    assert.deepEqual(saved.policy.operations, [{ op: 'Rotat', magnitude: 0.5, probability: 0.3 }, { op: 'Identity', probability: 0.5 }], saved.text);
    const ops = [...withMagnitude, ...plain];
    console.log(`      (op names offered at first sight: ${ops.join(', ')})`);
  });

  it('diagnostics: the misspelt op and the sum show in the Problems panel', async () => {
    const { page } = wb!;
    let last: string[] = [];
    const rows = await waitUntil('the ddas problems', async () => {
      const r = (last = await problems(page));
      const ddas = r.filter((t) => / ddas [\w-]+ \[Ln /.test(t));
      // Rows read "message source code [Ln, Col]" (the parentheses are CSS). Exactly these two once the debounced refresh after the last edit has run.
      return ddas.length === 2 && ddas.some((t) => /unknown operation "Rotat"; did you mean "Rotate"\? ddas unknown-op \[Ln 6, Col 13\]/.test(t)) && ddas.some((t) => /probabilities sum to 0\.8, not 1.* ddas sum \[Ln 5, Col 3\]/.test(t)) && r;
    }, 30_000).catch((e: Error) => {
      throw new Error(`${e.message}; the Problems panel shows ${JSON.stringify(last)}`);
    });
    // The JSON schema (json language server) also flags the op.
    assert.ok(rows.some((t) => /Value is not accepted/.test(t)), `the schema's problem too: ${JSON.stringify(rows)}`);
    // Squiggles in the editor and the error count in the status bar.
    assert.ok((await page.locator(`${EDITOR} .squiggly-error`).count()) >= 2, 'error squiggles in the editor');
    const status = await page.locator('#status\\.problems').innerText();
    assert.match(status.replace(/\s+/g, ' '), /^\s*[2-9]/, `errors in the status bar: ${status}`);
    await screenshot(page, 'editing-problems');
  });

  it('quick fixes: Ctrl+. on the sum normalises it, on the op corrects it; the problems go away', async () => {
    const { page } = wb!;
    await focusEditor(page);
    await goTo(page, 5, 5); // on "operations", where the sum problem points
    const normalise = await quickFix(page, /Normalise the probabilities of operations/);
    assert.match(normalise, /divide each by 0\.8/);
    await goTo(page, 6, 15); // on "Rotat"
    await quickFix(page, /Change to Rotate/);
    const { text, policy } = await save(page, file);
    assert.deepEqual(policy.operations.map((o) => o.op), ['Rotate', 'Identity'], text);
    const sum = policy.operations.reduce((s, o) => s + o.probability, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9, `probabilities sum to 1: ${text}`);
    assert.deepEqual(policy.operations.map((o) => o.probability), [0.375, 0.625]);
    await waitUntil('no ddas problems', async () => !(await problems(page)).some((t) => / ddas [\w-]+ \[Ln /.test(t)), 15_000);
    await waitUntil('no error squiggles', async () => (await page.locator(`${EDITOR} .squiggly-error`).count()) === 0, 15_000);
    await screenshot(page, 'editing-fixed');
  });

  it('hover: the Rotate op shows engine-rendered thumbnails', async () => {
    const { page } = wb!;
    await page.keyboard.press('Control+Shift+M'); // close the Problems panel: more room for the hover
    await focusEditor(page);
    await goTo(page, 6, 16); // inside "Rotate"
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover').filter({ hasText: 'Rotate' });
    await hover.first().waitFor({ state: 'visible', timeout: 30_000 });
    const t0 = Date.now();
    const images = hover.first().locator('img[src^="data:image/png"]');
    await waitUntil('thumbnails in the hover', async () => (await images.count()) >= 4, 120_000, 500);
    const ms = Date.now() - t0;
    const count = await images.count();
    // Decoded, not broken: a real width.
    const widths = await images.evaluateAll((els) => els.map((e) => (e as HTMLImageElement).naturalWidth));
    assert.ok(widths.every((w) => w >= 28), `decoded thumbnails: ${widths.join(', ')}`);
    assert.match(await hover.first().innerText(), /Rotate/);
    await screenshot(page, 'hover-preview');
    console.log(`      (hover: ${count} PNG thumbnails, ${ms} ms after the hover showed)`);
  });
});
