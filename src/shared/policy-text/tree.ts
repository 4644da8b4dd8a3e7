/**
 * A format-neutral syntax tree of a policy file (JSON, YAML or a TypeScript literal):
 * values with their text offsets, so problems can point at the offending node and
 * fixes can rewrite exactly that text.
 */

export type PolicyFormat = 'json' | 'yaml' | 'ts';

interface Span {
  /** Offset of the node's first character (a string's opening quote). */
  readonly offset: number;
  readonly length: number;
}

export interface ObjectNode extends Span {
  readonly kind: 'object';
  readonly properties: readonly PropertyNode[];
}

export interface ArrayNode extends Span {
  readonly kind: 'array';
  readonly items: readonly TextNode[];
  /** YAML block sequence (`- item` lines) rather than `[a, b]`. */
  readonly block: boolean;
}

export interface ScalarNode extends Span {
  readonly kind: 'scalar';
  readonly value: string | number | boolean | null;
  /** How a string is quoted in the source ('' for a plain YAML scalar). */
  readonly quote: '"' | "'" | '';
}

/** Anything that is not a literal value (a TypeScript identifier, call, spread, YAML alias). */
export interface OpaqueNode extends Span {
  readonly kind: 'opaque';
  readonly reason: string;
}

export type TextNode = ObjectNode | ArrayNode | ScalarNode | OpaqueNode;

export interface PropertyNode {
  readonly key: string;
  readonly keyOffset: number;
  readonly keyLength: number;
  readonly value: TextNode | undefined;
}

export interface SyntaxProblem extends Span {
  readonly message: string;
}

export interface ParsedText {
  readonly format: PolicyFormat;
  readonly root: TextNode | undefined;
  readonly syntaxErrors: readonly SyntaxProblem[];
}

export type PathSegment = string | number;

export function property(node: TextNode | undefined, key: string): PropertyNode | undefined {
  return node?.kind === 'object' ? node.properties.find((p) => p.key === key) : undefined;
}

export function child(node: TextNode | undefined, segment: PathSegment): TextNode | undefined {
  if (node === undefined) return undefined;
  if (typeof segment === 'number') return node.kind === 'array' ? node.items[segment] : undefined;
  return property(node, segment)?.value;
}

export function nodeAtPath(root: TextNode | undefined, path: readonly PathSegment[]): TextNode | undefined {
  let node = root;
  for (const segment of path) node = child(node, segment);
  return node;
}

export function end(span: Span): number {
  return span.offset + span.length;
}

/** The plain value of a node; undefined where an opaque node makes it unknowable. */
export function toValue(node: TextNode): { known: boolean; value: unknown } {
  let known = true;
  const walk = (n: TextNode): unknown => {
    switch (n.kind) {
      case 'scalar':
        return n.value;
      case 'opaque':
        known = false;
        return undefined;
      case 'array':
        return n.items.map(walk);
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const p of n.properties) {
          if (p.value) out[p.key] = walk(p.value);
          else known = false;
        }
        return out;
      }
    }
  };
  const value = walk(node);
  return { known, value };
}

/** The innermost node containing offset (inclusive of both ends), with its path. */
export function nodeAtOffset(root: TextNode | undefined, offset: number): { node: TextNode; path: PathSegment[] } | undefined {
  if (root === undefined || offset < root.offset || offset > end(root)) return undefined;
  let node: TextNode = root;
  const path: PathSegment[] = [];
  for (;;) {
    let next: { node: TextNode; segment: PathSegment } | undefined;
    if (node.kind === 'object') {
      for (const p of node.properties) {
        const lo = p.keyOffset;
        const hi = p.value ? end(p.value) : p.keyOffset + p.keyLength;
        if (offset >= lo && offset <= hi) {
          // On the key itself, report the value: hovering "op" means the op.
          if (p.value) next = { node: p.value, segment: p.key };
          break;
        }
      }
    } else if (node.kind === 'array') {
      node.items.forEach((item, i) => {
        if (offset >= item.offset && offset <= end(item)) next = { node: item, segment: i };
      });
    }
    if (!next) return { node, path };
    node = next.node;
    path.push(next.segment);
  }
}

/** Parses `operations[3].magnitude` (policy.ts' formatPath) back into segments. */
export function parsePath(text: string): PathSegment[] {
  if (text === '(root)') return [];
  const out: PathSegment[] = [];
  const re = /\[(\d+)\]|\.?([^.[\]]+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(m[1] !== undefined ? Number(m[1]) : m[2]);
  return out;
}

export function formatSegments(path: readonly PathSegment[]): string {
  let out = '';
  for (const s of path) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out === '' ? '(root)' : out;
}
