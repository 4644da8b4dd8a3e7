/** Hover docs on a policy's `base` section (the text comes from src/shared/policy-text/base-docs.ts). */
import * as vscode from 'vscode';
import { baseDocAt } from '../../shared/policy-text/base-docs';
import { parsedOf, rangeOf } from './documents';

export class BaseHover implements vscode.HoverProvider {
  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const hit = baseDocAt(parsedOf(doc)?.root, doc.offsetAt(position));
    if (!hit) return undefined;
    const md = new vscode.MarkdownString(hit.markdown);
    md.isTrusted = false;
    return new vscode.Hover(md, rangeOf(doc, hit));
  }
}
