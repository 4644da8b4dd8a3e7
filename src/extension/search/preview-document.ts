/**
 * Preview Augmentations: a grid (one row per image: the original, then draws) written as
 * a Markdown file with PNGs beside it in the extension's storage, shown in the Markdown
 * preview. Files rather than data: URIs keep the document small.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SampleRow } from '../../shared/webview-protocol';

export async function showPreviewDocument(storage: vscode.Uri, title: string, rows: readonly SampleRow[]): Promise<vscode.Uri> {
  const dir = path.join(storage.fsPath, 'previews', new Date().toISOString().replace(/[:.]/g, '-'));
  await fsp.mkdir(dir, { recursive: true });
  const draws = Math.max(0, ...rows.map((r) => r.draws.length));
  const lines = [`# ${title}`, '', `| image | original | ${Array.from({ length: draws }, (_, i) => `draw ${i + 1}`).join(' | ')} |`, `|---|---|${'---|'.repeat(draws)}`];
  for (const [i, row] of rows.entries()) {
    const cells: string[] = [];
    for (const [j, png] of [row.original, ...row.draws].entries()) {
      const name = `r${i}-${j}.png`;
      await fsp.writeFile(path.join(dir, name), Buffer.from(png, 'base64'));
      cells.push(`![](${name})`);
    }
    lines.push(`| ${row.label.replace(/\|/g, '\\|')} | ${cells.join(' | ')} |`);
  }
  const file = vscode.Uri.file(path.join(dir, 'preview.md'));
  await fsp.writeFile(file.fsPath, lines.join('\n') + '\n');
  await vscode.commands.executeCommand('markdown.showPreview', file);
  return file;
}
