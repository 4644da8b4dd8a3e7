/**
 * The "ddas" diagnostics: semantic problems of policy files (and, where no schema
 * tooling runs, structural ones), refreshed on open and, debounced, on change.
 */
import * as vscode from 'vscode';
import { checkPolicyText, type CheckOptions, type ProblemSeverity, type TextProblem } from '../../shared/policy-text/problems';
import type { PolicyFormat } from '../../shared/policy-text/tree';
import { formatOf, rangeOf } from './documents';

export const DIAGNOSTIC_SOURCE = 'ddas';
const YAML_EXTENSION = 'redhat.vscode-yaml';
const DEBOUNCE_MS = 300;

/** JSON has VS Code's schema validation; YAML has it only with the YAML extension; TypeScript never. */
export function checkOptionsFor(format: PolicyFormat): CheckOptions {
  if (format === 'ts') return { schema: true };
  if (format === 'yaml') {
    const yamlTooling = vscode.extensions.getExtension(YAML_EXTENSION) !== undefined;
    return { schema: !yamlTooling, syntax: !yamlTooling };
  }
  return {};
}

export function problemsOf(doc: vscode.TextDocument): TextProblem[] {
  const format = formatOf(doc);
  return format ? checkPolicyText(doc.getText(), format, checkOptionsFor(format)) : [];
}

const SEVERITY: Record<ProblemSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

export function toDiagnostic(doc: vscode.TextDocument, p: TextProblem): vscode.Diagnostic {
  const d = new vscode.Diagnostic(rangeOf(doc, p), p.message, SEVERITY[p.severity]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = p.code;
  return d;
}

export class PolicyDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((doc) => this.refresh(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc.uri)),
      // Installing or removing the YAML extension changes who validates YAML structure.
      vscode.extensions.onDidChange(() => vscode.workspace.textDocuments.forEach((doc) => this.refresh(doc))),
    );
    vscode.workspace.textDocuments.forEach((doc) => this.refresh(doc));
  }

  refresh(doc: vscode.TextDocument): void {
    if (!formatOf(doc)) return;
    this.cancel(doc.uri);
    this.collection.set(doc.uri, problemsOf(doc).map((p) => toDiagnostic(doc, p)));
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!formatOf(doc)) return;
    this.cancel(doc.uri);
    this.timers.set(doc.uri.toString(), setTimeout(() => this.refresh(doc), DEBOUNCE_MS));
  }

  private cancel(uri: vscode.Uri): void {
    const t = this.timers.get(uri.toString());
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(uri.toString());
  }

  private forget(uri: vscode.Uri): void {
    this.cancel(uri);
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.subscriptions.forEach((s) => s.dispose());
    this.collection.dispose();
  }
}
