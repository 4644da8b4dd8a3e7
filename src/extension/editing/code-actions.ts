/** Quick fixes for the "ddas" diagnostics: the text edits computed in src/shared/policy-text/problems.ts. */
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE, problemsOf, toDiagnostic } from './diagnostics';
import { rangeOf } from './documents';

export class PolicyCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const seen = new Set<string>();
    for (const problem of problemsOf(doc)) {
      const problemRange = rangeOf(doc, problem);
      if (!problemRange.intersection(range) || problem.fixes.length === 0) continue;
      const diagnostic =
        context.diagnostics.find((d) => d.source === DIAGNOSTIC_SOURCE && d.code === problem.code && d.range.isEqual(problemRange)) ?? toDiagnostic(doc, problem);
      for (const fix of problem.fixes) {
        // Several duplicates share one merge: offer it once.
        if (seen.has(fix.title)) continue;
        seen.add(fix.title);
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) action.edit.replace(doc.uri, rangeOf(doc, e), e.newText);
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.preferred;
        actions.push(action);
      }
    }
    return actions;
  }
}
