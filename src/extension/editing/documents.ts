/** Which documents are policy files, and their parsed trees (memoised per version). */
import * as vscode from 'vscode';
import { parsePolicyText, policyFormatOf } from '../../shared/policy-text/parse';
import type { ParsedText, PolicyFormat } from '../../shared/policy-text/tree';

export const POLICY_SELECTOR: vscode.DocumentSelector = [{ pattern: '**/*.augpolicy.{json,jsonc,yaml,yml,ts}' }];

export function formatOf(doc: vscode.TextDocument): PolicyFormat | undefined {
  return policyFormatOf(doc.uri.path);
}

const memo = new WeakMap<vscode.TextDocument, { version: number; parsed: ParsedText }>();

export function parsedOf(doc: vscode.TextDocument): ParsedText | undefined {
  const format = formatOf(doc);
  if (!format) return undefined;
  const hit = memo.get(doc);
  if (hit && hit.version === doc.version) return hit.parsed;
  const parsed = parsePolicyText(doc.getText(), format);
  memo.set(doc, { version: doc.version, parsed });
  return parsed;
}

export function rangeOf(doc: vscode.TextDocument, span: { offset: number; length: number }): vscode.Range {
  return new vscode.Range(doc.positionAt(span.offset), doc.positionAt(span.offset + span.length));
}

export async function documentFor(uri: string | vscode.Uri | undefined): Promise<vscode.TextDocument | undefined> {
  if (uri === undefined) return vscode.window.activeTextEditor?.document;
  return vscode.workspace.openTextDocument(typeof uri === 'string' ? vscode.Uri.parse(uri) : uri);
}
