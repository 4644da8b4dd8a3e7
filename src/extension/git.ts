/**
 * The few parts of the built-in Git extension's API (vscode.git, API version 1) that
 * Commit Policy uses, typed here instead of copying its whole git.d.ts.
 */
import * as vscode from 'vscode';

export interface GitChange {
  readonly uri: vscode.Uri;
}

export interface GitRepositoryState {
  /** Staged changes. */
  readonly indexChanges: readonly GitChange[];
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: GitRepositoryState;
  add(paths: string[]): Promise<void>;
  commit(message: string, opts?: { readonly all?: boolean | 'tracked' }): Promise<void>;
}

export interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: readonly GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
  openRepository?(root: vscode.Uri): Promise<GitRepository | null>;
}

interface GitExtensionExports {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** The Git API, or undefined when the extension is missing or disabled (git.enabled: false). */
export async function gitApi(): Promise<GitApi | undefined> {
  const ext = vscode.extensions.getExtension<GitExtensionExports>('vscode.git');
  if (!ext) return undefined;
  try {
    const exports = ext.isActive ? ext.exports : await ext.activate();
    if (!exports?.enabled) return undefined;
    const api = exports.getAPI(1);
    if (api.state !== 'initialized') {
      // Repositories are opened asynchronously after activation.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 5000);
        const sub = api.onDidChangeState((s) => s === 'initialized' && done());
        function done(): void {
          clearTimeout(timer);
          sub.dispose();
          resolve();
        }
      });
    }
    return api;
  } catch {
    return undefined;
  }
}

/** The repository holding `file`, opening it if Git has not yet. */
export async function repositoryFor(api: GitApi, file: vscode.Uri): Promise<GitRepository | undefined> {
  const found = api.getRepository(file);
  if (found) return found;
  const folder = vscode.workspace.getWorkspaceFolder(file);
  if (folder && api.openRepository) return (await api.openRepository(folder.uri)) ?? undefined;
  return undefined;
}
