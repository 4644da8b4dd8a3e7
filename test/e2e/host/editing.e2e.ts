/**
 * Inside the real extension host: the "ddas" diagnostics of JSON, YAML and TypeScript
 * policy files (misspelt op, probability sum, duplicate entry, magnitude off the bins),
 * their quick fixes through the code-action provider applied with applyEdit until the
 * diagnostics clear, and the operation hover with engine-rendered thumbnails.
 *
 * The files live in an `editing/` folder of the harness workspace and are removed after;
 * documents are opened (not shown) and saved after edits, so nothing is left dirty.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse as parseYaml } from 'yaml';
import { EXTENSION_ID, root, until } from './support';

const dir = (): string => path.join(root(), 'editing');

async function open(name: string, text: string): Promise<vscode.TextDocument> {
  fs.mkdirSync(dir(), { recursive: true });
  const file = path.join(dir(), name);
  fs.writeFileSync(file, text);
  return vscode.workspace.openTextDocument(vscode.Uri.file(file));
}

const ddas = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ddas');

/** The ddas diagnostics once their codes are exactly `codes` (they refresh debounced after edits). */
async function diagnosticsWithCodes(uri: vscode.Uri, codes: string[]): Promise<vscode.Diagnostic[]> {
  const want = [...codes].sort().join(',');
  let last: vscode.Diagnostic[] = [];
  try {
    return await until(`ddas diagnostics [${want}]`, () => {
      last = ddas(uri);
      return last.map((d) => String(d.code)).sort().join(',') === want && last;
    });
  } catch (e) {
    throw new Error(`${(e as Error).message}; have ${JSON.stringify(last.map((d) => ({ code: d.code, message: d.message })))}`);
  }
}

function byCode(diags: vscode.Diagnostic[], code: string): vscode.Diagnostic {
  const d = diags.find((x) => x.code === code);
  assert.ok(d, `a ${code} diagnostic`);
  return d;
}

/** The quick fixes the code-action provider offers at a diagnostic, as VS Code's lightbulb gets them. */
async function quickFixes(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range)) ?? [];
  return actions.filter((a): a is vscode.CodeAction => 'edit' in a && a.edit !== undefined && (a.kind?.value ?? '').startsWith('quickfix'));
}

/**
 * Applies the quick fix titled like `title` at `diag` and saves the document. Asks again
 * for a few seconds when it is missing: VS Code drops the extension host's answers to a
 * code-action request when the model changes meanwhile (seen on the first request for a
 * freshly opened .ts file, and once right after a save), and the lightbulb asks again too.
 */
async function applyFix(doc: vscode.TextDocument, diag: vscode.Diagnostic, title: RegExp): Promise<vscode.CodeAction> {
  let offered: string[] = [];
  const deadline = Date.now() + 10_000;
  let fix: vscode.CodeAction | undefined;
  while (!fix) {
    const fixes = await quickFixes(doc.uri, diag.range);
    offered = fixes.map((a) => a.title);
    fix = fixes.find((a) => title.test(a.title));
    if (fix || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(fix?.edit, `a quick fix ${title} at "${diag.message}" (offered: ${JSON.stringify(offered)})`);
  assert.equal(await vscode.workspace.applyEdit(fix.edit), true, `applyEdit(${fix.title})`);
  await doc.save();
  return fix;
}

const sum = (ops: { probability: number }[]): number => ops.reduce((s, o) => s + o.probability, 0);

describe('policy editing: diagnostics, quick fixes, hovers', function () {
  this.timeout(120_000);

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
  });

  after(() => {
    fs.rmSync(dir(), { recursive: true, force: true });
  });

  it('JSON: misspelt op, sum, duplicate (errors) and off-bin magnitude (information); every fix clears them', async () => {
    const doc = await open(
      'all.augpolicy.json',
      `{
  "version": 1,
  "opsPerImage": 2,
  "applyProbability": 0.5,
  "operations": [
    { "op": "Rotat", "magnitude": 0.5, "probability": 0.3 },
    { "op": "Identity", "probability": 0.3 },
    { "op": "Identity", "probability": 0.2 },
    { "op": "ShearX", "magnitude": 0.3, "probability": 0.4 }
  ]
}
`,
    );
    let diags = await diagnosticsWithCodes(doc.uri, ['unknown-op', 'sum', 'duplicate', 'off-bin']);
    const severity = Object.fromEntries(diags.map((d) => [String(d.code), d.severity]));
    assert.deepEqual(severity, { 'unknown-op': vscode.DiagnosticSeverity.Error, sum: vscode.DiagnosticSeverity.Error, duplicate: vscode.DiagnosticSeverity.Error, 'off-bin': vscode.DiagnosticSeverity.Information });
    const unknown = byCode(diags, 'unknown-op');
    assert.match(unknown.message, /unknown operation "Rotat"; did you mean "Rotate"/);
    assert.equal(doc.getText(unknown.range), '"Rotat"');
    assert.match(byCode(diags, 'sum').message, /probabilities sum to 1\.2, not 1/);
    assert.equal(doc.getText(byCode(diags, 'sum').range), '"operations"');
    assert.match(byCode(diags, 'duplicate').message, /duplicates operations\[1\] \(Identity\)/);
    assert.match(byCode(diags, 'off-bin').message, /magnitude 0\.3 .* the nearest is 0\.25/);
    assert.equal(doc.getText(byCode(diags, 'off-bin').range), '0.3');

    await applyFix(doc, unknown, /^Change to Rotate$/);
    diags = await diagnosticsWithCodes(doc.uri, ['sum', 'duplicate', 'off-bin']);
    await applyFix(doc, byCode(diags, 'duplicate'), /^Merge the 2 Identity entries into operations\[1\]$/);
    diags = await diagnosticsWithCodes(doc.uri, ['sum', 'off-bin']);
    await applyFix(doc, byCode(diags, 'off-bin'), /^Snap magnitude to 0\.25$/);
    diags = await diagnosticsWithCodes(doc.uri, ['sum']);
    await applyFix(doc, byCode(diags, 'sum'), /^Normalise the probabilities of operations \(divide each by 1\.2\)$/);
    await diagnosticsWithCodes(doc.uri, []);

    const policy = JSON.parse(doc.getText()) as { operations: { op: string; magnitude?: number; probability: number }[] };
    assert.deepEqual(policy.operations.map((o) => [o.op, o.magnitude]), [['Rotate', 0.5], ['Identity', undefined], ['ShearX', 0.25]]);
    assert.ok(Math.abs(sum(policy.operations) - 1) < 1e-9, `probabilities sum to 1: ${JSON.stringify(policy.operations)}`);
    // Saved: the file on disk is the fixed policy, and the schema (json language server) is happy too.
    assert.equal(fs.readFileSync(doc.uri.fsPath, 'utf8'), doc.getText());
  });

  it('YAML: the same problems (no YAML extension: ddas checks structure too); the sum fix normalises', async () => {
    const doc = await open(
      'all.augpolicy.yaml',
      `version: 1
opsPerImage: 2
applyProbability: 0.5
operations:
  - op: Rotat
    magnitude: 0.5
    probability: 0.3
  - op: Identity
    probability: 0.3
  - op: Identity
    probability: 0.2
  - op: ShearX
    magnitude: 0.3
    probability: 0.4
`,
    );
    let diags = await diagnosticsWithCodes(doc.uri, ['unknown-op', 'sum', 'duplicate', 'off-bin']);
    assert.equal(doc.getText(byCode(diags, 'unknown-op').range), 'Rotat');
    assert.equal(byCode(diags, 'off-bin').severity, vscode.DiagnosticSeverity.Information);
    await applyFix(doc, byCode(diags, 'unknown-op'), /^Change to Rotate$/);
    diags = await diagnosticsWithCodes(doc.uri, ['sum', 'duplicate', 'off-bin']);
    await applyFix(doc, byCode(diags, 'sum'), /^Normalise the probabilities/);
    diags = await diagnosticsWithCodes(doc.uri, ['duplicate', 'off-bin']);
    const policy = parseYaml(doc.getText()) as { operations: { op: string; probability: number }[] };
    assert.equal(policy.operations[0].op, 'Rotate');
    assert.ok(Math.abs(sum(policy.operations) - 1) < 1e-9, `probabilities sum to 1: ${doc.getText()}`);

    // Structure: without the YAML extension nobody else validates it, so ddas does.
    const bad = await open('schema.augpolicy.yaml', 'version: 1\nopsPerImage: 2\napplyProbability: 2\noperations:\n  - op: Identity\n    probability: 1\n');
    const schema = await diagnosticsWithCodes(bad.uri, ['schema']);
    assert.equal(bad.getText(schema[0].range), '2', `at applyProbability's value: ${schema[0].message}`);
  });

  it('TypeScript: the same problems in `export const policy = {...}`, plus schema checks; fixes keep TS quoting', async () => {
    const doc = await open(
      'all.augpolicy.ts',
      `// A policy as TypeScript.
export const policy = {
  version: 1,
  opsPerImage: 2,
  applyProbability: 0.5,
  operations: [
    { op: 'Rotat', magnitude: 0.5, probability: 0.3 },
    { op: 'Identity', probability: 0.3 },
    { op: 'Identity', probability: 0.2 },
    { op: 'ShearX', magnitude: 0.3, probability: 0.4 },
  ],
} as const;
`,
    );
    let diags = await diagnosticsWithCodes(doc.uri, ['unknown-op', 'sum', 'duplicate', 'off-bin']);
    assert.equal(doc.getText(byCode(diags, 'unknown-op').range), `'Rotat'`);
    await applyFix(doc, byCode(diags, 'unknown-op'), /^Change to Rotate$/);
    assert.match(doc.getText(), /\{ op: 'Rotate', magnitude: 0\.5/);
    diags = await diagnosticsWithCodes(doc.uri, ['sum', 'duplicate', 'off-bin']);
    await applyFix(doc, byCode(diags, 'duplicate'), /^Merge the 2 Identity entries/);
    diags = await diagnosticsWithCodes(doc.uri, ['sum', 'off-bin']);
    await applyFix(doc, byCode(diags, 'off-bin'), /^Snap magnitude to 0\.25$/);
    diags = await diagnosticsWithCodes(doc.uri, ['sum']);
    await applyFix(doc, byCode(diags, 'sum'), /^Normalise/);
    await diagnosticsWithCodes(doc.uri, []);

    // No schema tooling reads TS: ddas reports structural problems itself.
    const bad = await open('schema.augpolicy.ts', `export const policy = { version: 1, opsPerImage: 0, applyProbability: 0.5, operations: [{ op: 'Identity', probability: 1 }] };\n`);
    const schema = await diagnosticsWithCodes(bad.uri, ['schema']);
    assert.equal(bad.getText(schema[0].range), '0', `at opsPerImage's value: ${schema[0].message}`);
  });

  it('hover over an operation shows engine-rendered thumbnails (data:image/png)', async function () {
    this.timeout(180_000);
    const doc = await open(
      'hover.augpolicy.json',
      `{
  "version": 1,
  "opsPerImage": 1,
  "applyProbability": 1,
  "operations": [
    { "op": "Rotate", "magnitude": 0.5, "probability": 0.5 },
    { "op": "Identity", "probability": 0.5 }
  ]
}
`,
    );
    const at = doc.positionAt(doc.getText().indexOf('Rotate') + 2);
    const t0 = Date.now();
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at)) ?? [];
    const ms = Date.now() - t0;
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*Rotate/, `a DDAS hover for Rotate: ${text.slice(0, 300)}`);
    assert.doesNotMatch(text, /Preview failed|No preview images/, text.slice(0, 500));
    const images = text.match(/data:image\/png;base64,/g) ?? [];
    assert.ok(images.length >= 4, `thumbnails in the hover (saw ${images.length})`);
    console.log(`    (hover: ${images.length} PNG thumbnails in ${ms} ms)`);

    // The second hover over the same op comes from the cache.
    const t1 = Date.now();
    const again = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at)) ?? [];
    assert.ok(again.some((h) => h.contents.some((c) => (typeof c === 'string' ? c : c.value).includes('data:image/png'))));
    assert.ok(Date.now() - t1 < 2_000, `cached hover in ${Date.now() - t1} ms`);
  });
});
