/** Helpers shared by the extension-host suites (bundled into each; not a suite itself). */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DdasApi } from '../../../src/extension/extension';

export const EXTENSION_ID = 'ddas-tools.ddas-augment';

/** The harness workspace's folder. */
export function root(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the host tests need a workspace folder');
  return folder.uri.fsPath;
}

/** The extension's API (activating it if needed). */
export async function api(): Promise<DdasApi> {
  const ext = vscode.extensions.getExtension<DdasApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  return ext.isActive ? ext.exports : ext.activate();
}

/** Polls `fn` until it returns a truthy value, which it resolves to. */
export async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
