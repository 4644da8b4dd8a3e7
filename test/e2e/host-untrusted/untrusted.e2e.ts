/**
 * Inside the real extension host of a workspace that is NOT trusted (workspace trust
 * enabled, the trust dialog left unanswered or answered "No"): the extension still
 * activates (capabilities.untrustedWorkspaces: limited), validation and the catalog work,
 * and nothing starts the engine process - not Start Search with complete arguments, not
 * Resume, not a hover's preview, not Select Engine Backend.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, api, root, until } from '../host/support';

/** Child processes of this extension host that run the engine bundle. */
function engineProcesses(): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }).stdout;
  return ps
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => {
      const [, ppid] = l.split(/\s+/);
      return Number(ppid) === process.pid && /engine\.js/.test(l);
    });
}

async function noEngineFor(ms: number): Promise<void> {
  const ddas = await api();
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    assert.equal(ddas.enginePid(), undefined, 'no engine process');
    assert.deepEqual(engineProcesses(), [], 'no engine child process');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('untrusted workspace (Restricted Mode)', function () {
  this.timeout(60_000);

  it('the workspace is not trusted and the extension is active', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    await api();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
  });

  it('ddas.startSearch with complete arguments returns false and starts no engine', async () => {
    const ddas = await api();
    const started = await vscode.commands.executeCommand<boolean>('ddas.startSearch', {
      dataset: 'fashion-mnist',
      preset: 'custom',
      budget: { epochs: 1, trainSize: 64, valSize: 32, batch: 16, valBatch: 16 },
      outFile: 'fashion-mnist.augpolicy.json',
    });
    assert.equal(started, false);
    assert.equal(ddas.isSearchRunning(), false);
    assert.deepEqual(ddas.searchEvents(), []);
    await noEngineFor(2_000);
  });

  it('ddas.resumeSearch and ddas.selectBackend start no engine either', async () => {
    assert.equal(await vscode.commands.executeCommand<boolean>('ddas.resumeSearch'), false);
    await vscode.commands.executeCommand('ddas.selectBackend', 'cpu');
    await noEngineFor(1_000);
  });

  it('policy files are still validated, and a hover says why there is no preview instead of starting the engine', async () => {
    const file = path.join(root(), 'untrusted.augpolicy.json');
    fs.writeFileSync(file, '{\n  "version": 1,\n  "opsPerImage": 1,\n  "applyProbability": 1,\n  "operations": [\n    { "op": "Rotate", "magnitude": 0.5, "probability": 0.5 },\n    { "op": "Identity", "probability": 0.4 }\n  ]\n}\n');
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      const diags = await until('ddas diagnostics', () => {
        const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source === 'ddas');
        return d.length > 0 && d;
      });
      assert.deepEqual(diags.map((d) => d.code), ['sum']);
      const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(doc.getText().indexOf('Rotate') + 2))) ?? [];
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.match(text, /\*\*Rotate/);
      // appendText writes the spaces of the message as &nbsp;
      assert.match(text, /Preview failed: .*untrusted(&nbsp;| )workspaces/s);
      assert.doesNotMatch(text, /data:image\/png/);
      await noEngineFor(1_000);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('the operation catalog still opens', async () => {
    await vscode.commands.executeCommand('ddas.showCatalog');
    const doc = await until('the catalog document', () =>
      vscode.workspace.textDocuments.find((d) => d.isUntitled && d.languageId === 'markdown' && d.getText().startsWith('# DDAS operation catalog')),
    );
    assert.match(doc.getText(), /\| Rotate \|/);
    await noEngineFor(500);
  });
});
