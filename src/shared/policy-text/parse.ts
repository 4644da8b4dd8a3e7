/** Parses JSON (jsonc-parser), YAML (yaml's CST-backed documents) and TypeScript policy text into a TextNode tree. */
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { parseTsPolicy } from './parse-ts';
import { end, type ParsedText, type PolicyFormat, type PropertyNode, type TextNode } from './tree';

/** `x.augpolicy.json` -> 'json'; undefined for files that are not policy files. */
export function policyFormatOf(fileName: string): PolicyFormat | undefined {
  const m = /\.augpolicy\.(json|jsonc|ya?ml|ts)$/i.exec(fileName);
  if (!m) return undefined;
  const ext = m[1].toLowerCase();
  return ext.startsWith('json') ? 'json' : ext === 'ts' ? 'ts' : 'yaml';
}

export function parsePolicyText(text: string, format: PolicyFormat): ParsedText {
  switch (format) {
    case 'json':
      return parseJson(text);
    case 'yaml':
      return parseYaml(text);
    case 'ts':
      return parseTsPolicy(text);
  }
}

function parseJson(text: string): ParsedText {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const convert = (n: JsonNode): TextNode => {
    switch (n.type) {
      case 'object': {
        const properties: PropertyNode[] = [];
        for (const p of n.children ?? []) {
          const [k, v] = p.children ?? [];
          if (k === undefined) continue;
          properties.push({ key: String(k.value), keyOffset: k.offset, keyLength: k.length, value: v ? convert(v) : undefined });
        }
        return { kind: 'object', offset: n.offset, length: n.length, properties };
      }
      case 'array':
        return { kind: 'array', offset: n.offset, length: n.length, items: (n.children ?? []).map(convert), block: false };
      case 'string':
      case 'number':
      case 'boolean':
      case 'null':
        return { kind: 'scalar', offset: n.offset, length: n.length, value: n.value as string | number | boolean | null, quote: n.type === 'string' ? '"' : '' };
      default:
        return { kind: 'opaque', offset: n.offset, length: n.length, reason: `unexpected ${n.type}` };
    }
  };
  return {
    format: 'json',
    root: tree ? convert(tree) : undefined,
    syntaxErrors: errors.map((e) => ({ offset: e.offset, length: Math.max(1, e.length), message: `JSON: ${printParseErrorCode(e.error)}` })),
  };
}

function parseYaml(text: string): ParsedText {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  const convert = (n: YamlNode): TextNode => {
    const [start, valueEnd] = n.range ?? [0, 0];
    const span = { offset: start, length: valueEnd - start };
    if (isScalar(n)) {
      const v = n.value;
      const value = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : String(v);
      const quote = n.type === 'QUOTE_DOUBLE' ? '"' : n.type === 'QUOTE_SINGLE' ? "'" : '';
      return { kind: 'scalar', ...span, value, quote };
    }
    if (isMap(n)) {
      const properties: PropertyNode[] = [];
      for (const pair of n.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = pair.key;
        const [ks, ke] = key.range ?? [0, 0];
        properties.push({ key: String(key.value), keyOffset: ks, keyLength: ke - ks, value: pair.value ? convert(pair.value as YamlNode) : undefined });
      }
      // A block collection's range runs on over trailing comments and newlines: end it at its last child.
      const last = properties[properties.length - 1];
      const stop = n.flow || !last ? span.offset + span.length : last.value ? end(last.value) : last.keyOffset + last.keyLength;
      return { kind: 'object', offset: span.offset, length: stop - span.offset, properties };
    }
    if (isSeq(n)) {
      const items = n.items.map((item): TextNode => (item ? convert(item as YamlNode) : { kind: 'opaque', offset: span.offset, length: 0, reason: 'an empty item' }));
      const last = items[items.length - 1];
      const stop = n.flow || !last ? span.offset + span.length : end(last);
      return { kind: 'array', offset: span.offset, length: stop - span.offset, items, block: !n.flow };
    }
    if (isAlias(n)) return { kind: 'opaque', ...span, reason: 'a YAML alias' };
    return { kind: 'opaque', ...span, reason: 'an unsupported YAML node' };
  };
  const contents = doc.contents;
  return {
    format: 'yaml',
    root: contents ? convert(contents as YamlNode) : undefined,
    syntaxErrors: doc.errors.map((e) => ({ offset: e.pos[0], length: Math.max(1, e.pos[1] - e.pos[0]), message: `YAML: ${e.message.split('\n')[0]}` })),
  };
}
