/**
 * Authoring policy files: "ddas" diagnostics with quick fixes, operation hovers with
 * engine-rendered thumbnails, hover docs on the base section, CodeLenses and the
 * preview commands. Schema completion and snippets come from package.json contributions
 * (jsonValidation, yamlValidation, snippets); the pure logic lives in src/shared/policy-text/.
 */
import * as vscode from 'vscode';
import { BaseHover } from './base-hover';
import { PolicyCodeActions } from './code-actions';
import type { PolicyEditingDeps } from './deps';
import { PolicyDiagnostics } from './diagnostics';
import { POLICY_SELECTOR } from './documents';
import { OperationDraws, OperationHover, PolicyCodeLenses, PreviewCommands, PreviewPanel } from './previews';

export type { PolicyEditingDeps, PreviewRequestBody, PreviewSources } from './deps';
export { PREVIEW_OPERATION_COMMAND, PREVIEW_POLICY_COMMAND, type PreviewOperationArgs } from './previews';

export function registerPolicyEditing(context: vscode.ExtensionContext, deps: PolicyEditingDeps): { diagnostics: vscode.DiagnosticCollection } {
  const diagnostics = new PolicyDiagnostics();
  const draws = new OperationDraws(deps);
  const panel = new PreviewPanel();
  context.subscriptions.push(
    diagnostics,
    panel,
    vscode.languages.registerCodeActionsProvider(POLICY_SELECTOR, new PolicyCodeActions(), PolicyCodeActions.metadata),
    vscode.languages.registerHoverProvider(POLICY_SELECTOR, new OperationHover(deps, draws)),
    vscode.languages.registerHoverProvider(POLICY_SELECTOR, new BaseHover()),
    vscode.languages.registerCodeLensProvider(POLICY_SELECTOR, new PolicyCodeLenses()),
    ...new PreviewCommands(deps, draws, panel).register(),
  );
  return { diagnostics: diagnostics.collection };
}
