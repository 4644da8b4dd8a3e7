/**
 * Finds the value of a TypeScript policy file (`export const policy = { ... }`, or
 * `export default { ... }`) and reads it as a literal tree. Nothing is executed: only
 * literal syntax is understood; anything else becomes an opaque node.
 */
import type * as TS from 'typescript';
import type { ObjectNode, ParsedText, PropertyNode, TextNode } from './tree';

let api: typeof TS | undefined;

/** The compiler (9 MB) loads on the first TypeScript policy, not when the extension starts. */
function typescript(): typeof TS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy require keeps it out of activation
  api ??= require('typescript') as typeof TS;
  return api;
}

export const POLICY_EXPORT_NAME = 'policy';

export function parseTsPolicy(text: string): ParsedText {
  const ts = typescript();
  const sf = ts.createSourceFile('policy.augpolicy.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const diagnostics = (sf as unknown as { parseDiagnostics?: readonly TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const syntaxErrors = diagnostics.map((d) => ({ offset: d.start, length: Math.max(1, d.length), message: `TypeScript: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}` }));
  const expr = findPolicyExpression(ts, sf);
  return { format: 'ts', root: expr ? convert(ts, expr, sf) : undefined, syntaxErrors };
}

function hasExport(ts: typeof TS, node: TS.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function findPolicyExpression(ts: typeof TS, sf: TS.SourceFile): TS.Expression | undefined {
  let fallback: TS.Expression | undefined;
  for (const stmt of sf.statements) {
    if (ts.isVariableStatement(stmt) && hasExport(ts, stmt)) {
      for (const decl of stmt.declarationList.declarations) {
        if (ts.isIdentifier(decl.name) && decl.name.text === POLICY_EXPORT_NAME && decl.initializer) return decl.initializer;
      }
    }
    if (ts.isExportAssignment(stmt) && !stmt.isExportEquals) fallback = stmt.expression;
  }
  return fallback;
}

/** Peels `as const`, `satisfies T`, `<T>x`, `x!` and parentheses, which do not change the value. */
function unwrap(ts: typeof TS, e: TS.Expression): TS.Expression {
  for (;;) {
    if (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e) || ts.isTypeAssertionExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
    else return e;
  }
}

function convert(ts: typeof TS, expr: TS.Expression, sf: TS.SourceFile): TextNode {
  const e = unwrap(ts, expr);
  const offset = e.getStart(sf);
  const span = { offset, length: e.end - offset };
  const opaque = (reason: string): TextNode => ({ kind: 'opaque', ...span, reason });
  if (ts.isObjectLiteralExpression(e)) {
    const properties: PropertyNode[] = [];
    for (const p of e.properties) {
      if (!ts.isPropertyAssignment(p)) return opaque('an object with spreads, shorthand properties or methods');
      const key = propertyKey(ts, p.name);
      if (key === undefined) return opaque('an object with computed keys');
      const keyOffset = p.name.getStart(sf);
      properties.push({ key, keyOffset, keyLength: p.name.end - keyOffset, value: convert(ts, p.initializer, sf) });
    }
    return { kind: 'object', ...span, properties } satisfies ObjectNode;
  }
  if (ts.isArrayLiteralExpression(e)) {
    if (e.elements.some((el) => ts.isSpreadElement(el) || ts.isOmittedExpression(el))) return opaque('an array with spreads or holes');
    return { kind: 'array', ...span, items: e.elements.map((el) => convert(ts, el, sf)), block: false };
  }
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) {
    const q = sf.text[offset];
    return { kind: 'scalar', ...span, value: e.text, quote: q === "'" ? "'" : '"' };
  }
  if (ts.isNumericLiteral(e)) return { kind: 'scalar', ...span, value: Number(e.text), quote: '' };
  if (ts.isPrefixUnaryExpression(e) && ts.isNumericLiteral(e.operand) && (e.operator === ts.SyntaxKind.MinusToken || e.operator === ts.SyntaxKind.PlusToken)) {
    const v = Number(e.operand.text);
    return { kind: 'scalar', ...span, value: e.operator === ts.SyntaxKind.MinusToken ? -v : v, quote: '' };
  }
  if (e.kind === ts.SyntaxKind.TrueKeyword) return { kind: 'scalar', ...span, value: true, quote: '' };
  if (e.kind === ts.SyntaxKind.FalseKeyword) return { kind: 'scalar', ...span, value: false, quote: '' };
  if (e.kind === ts.SyntaxKind.NullKeyword) return { kind: 'scalar', ...span, value: null, quote: '' };
  return opaque('not a literal');
}

function propertyKey(ts: typeof TS, name: TS.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}
