/**
 * Workspace Trust: a search (and an engine preview) runs a local Node process with the
 * configured executable, so untrusted workspaces may not start one (package.json declares
 * `capabilities.untrustedWorkspaces.supported: "limited"`).
 */
import * as vscode from 'vscode';

export const UNTRUSTED_MESSAGE = 'DDAS runs searches and previews in a local engine process (Node.js with TensorFlow.js), which is disabled in untrusted workspaces. Trust this workspace to use it.';

/** True when trusted; otherwise says why not (with a way to change it) and returns false. */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`${action}: ${UNTRUSTED_MESSAGE}`, 'Manage Workspace Trust').then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}
