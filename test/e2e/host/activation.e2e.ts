/**
 * Inside the real extension host: the extension activates from its development path,
 * every command its manifest contributes is registered, and the catalog command runs.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import { EXTENSION_ID, until } from './support';

interface ManifestCommand {
  command: string;
  title: string;
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  return ext;
}

function manifestCommands(): ManifestCommand[] {
  const pkg = extension().packageJSON as { contributes?: { commands?: ManifestCommand[] } };
  return pkg.contributes?.commands ?? [];
}

describe('extension in the real extension host', () => {
  before(async function () {
    this.timeout(60_000);
    await extension().activate();
  });

  it('activates', () => {
    assert.equal(extension().isActive, true);
  });

  it('registers every command its manifest contributes', async () => {
    const contributed = manifestCommands().map((c) => c.command);
    assert.ok(contributed.includes('ddas.showCatalog'), 'the manifest lists ddas.showCatalog');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
    console.log(`    (${contributed.length} commands: ${contributed.join(', ')})`);
  });

  it('ddas.showCatalog opens the catalog with every operation', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('ddas.showCatalog');
    // The catalog is an untitled markdown document shown in a preview.
    const doc = await until('the catalog document', () =>
      vscode.workspace.textDocuments.find((d) => d.isUntitled && d.languageId === 'markdown' && d.getText().startsWith('# DDAS operation catalog')),
    );
    const text = doc.getText();
    for (const op of ['ShearX', 'Rotate', 'Equalize', 'Cutout']) assert.match(text, new RegExp(`\\| ${op} \\|`), `catalog lists ${op}`);
  });
});
