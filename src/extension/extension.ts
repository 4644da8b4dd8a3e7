/**
 * The VS Code extension (the only code importing `vscode`). For now it offers the op
 * catalog as a document and schema validation of policy files; search, the panel and
 * commit arrive with the extension issue.
 */
import * as vscode from 'vscode';
import { DEFAULT_MAGNITUDE_BINS, OPS, OP_NAMES, describeOp } from '../shared/ops';

function catalogMarkdown(): string {
  const lines = ['# DDAS operation catalog', '', '| operation | what it does | at the default bins |', '|---|---|---|'];
  for (const op of OP_NAMES) {
    const bins = OPS[op].magnitude ? DEFAULT_MAGNITUDE_BINS.map((m) => describeOp(op, m)).join('; ') : '-';
    lines.push(`| ${op} | ${OPS[op].summary} | ${bins} |`);
  }
  return lines.join('\n') + '\n';
}

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('ddas.showCatalog', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: catalogMarkdown() });
      await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
    }),
  );
}

export function deactivate(): void {}
