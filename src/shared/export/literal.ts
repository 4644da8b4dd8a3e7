/**
 * Object literals in source code: a pretty printer for the TypeScript and Python
 * exports and a small reader that gets the policy value back out of them. The reader
 * takes the JSON-like subset both languages share (quoted or bare keys, single or
 * double quotes, trailing commas, comments, Python's True/False/None), which is what
 * the writers produce and what a person hand-editing the value is likely to write.
 */

export interface LiteralStyle {
  readonly key: (key: string) => string;
  readonly string: (value: string) => string;
  /** Spaces inside the braces of a one-line object: `{ a: 1 }` vs `{"a": 1}`. */
  readonly padBraces: boolean;
  /** A comma after the last entry of a multi-line object or array (not allowed in JSON). */
  readonly trailingComma: boolean;
  /** One level of indentation. */
  readonly indent: string;
}

/** Single-quoted strings, bare keys where they are identifiers. */
export const TS_STYLE: LiteralStyle = {
  key: (k) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : tsString(k)),
  string: tsString,
  padBraces: true,
  trailingComma: true,
  indent: '  ',
};

/** Python dict syntax (which JSON text already is, for strings and numbers). */
export const PYTHON_STYLE: LiteralStyle = {
  key: (k) => JSON.stringify(k),
  string: (s) => JSON.stringify(s),
  padBraces: false,
  trailingComma: true,
  indent: '    ',
};

/** JSON, with short objects (one operation) on one line as people write them. */
export const JSON_STYLE: LiteralStyle = {
  key: (k) => JSON.stringify(k),
  string: (s) => JSON.stringify(s),
  padBraces: true,
  trailingComma: false,
  indent: '  ',
};

function tsString(s: string): string {
  const body = JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'").replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `'${body}'`;
}

/** Objects and arrays of primitives that fit this width stay on one line. */
const INLINE_WIDTH = 100;

export function formatLiteral(value: unknown, style: LiteralStyle, indent = ''): string {
  const inline = formatInline(value, style);
  if (inline !== undefined && inline.length + indent.length <= INLINE_WIDTH) return inline;
  const inner = indent + style.indent;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${joinLines(value.map((v) => `${inner}${formatLiteral(v, style, inner)}`), style)}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${joinLines(entries.map(([k, v]) => `${inner}${style.key(k)}: ${formatLiteral(v, style, inner)}`), style)}\n${indent}}`;
  }
  return formatPrimitive(value, style);
}

function joinLines(lines: readonly string[], style: LiteralStyle): string {
  return lines.map((l, i) => (i < lines.length - 1 || style.trailingComma ? `${l},` : l)).join('\n');
}

function formatInline(value: unknown, style: LiteralStyle): string | undefined {
  if (Array.isArray(value)) {
    const parts = value.map((v) => (isPrimitive(v) ? formatPrimitive(v, style) : undefined));
    return parts.every((p) => p !== undefined) ? `[${parts.join(', ')}]` : undefined;
  }
  if (value !== null && typeof value === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (!isPrimitive(v)) return undefined;
      parts.push(`${style.key(k)}: ${formatPrimitive(v, style)}`);
    }
    if (parts.length === 0) return '{}';
    return style.padBraces ? `{ ${parts.join(', ')} }` : `{${parts.join(', ')}}`;
  }
  return formatPrimitive(value, style);
}

function isPrimitive(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function formatPrimitive(v: unknown, style: LiteralStyle): string {
  if (typeof v === 'string') return style.string(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`cannot write the number ${v} into a policy`);
    return String(v);
  }
  if (typeof v === 'boolean') return style === PYTHON_STYLE ? (v ? 'True' : 'False') : String(v);
  if (v === null) return style === PYTHON_STYLE ? 'None' : 'null';
  throw new TypeError(`cannot write a ${typeof v} into a policy`);
}

/** A literal could not be read; `offset` is where in the text. */
export class LiteralSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'LiteralSyntaxError';
  }
}

const KEYWORDS: Readonly<Record<string, unknown>> = { true: true, false: false, null: null, True: true, False: false, None: null };

/** Reads the literal that starts at `start` (after whitespace); returns it and where it ends. */
export function parseLiteral(text: string, start = 0): { value: unknown; end: number } {
  let i = start;

  const fail = (what: string): never => {
    throw new LiteralSyntaxError(`${what} at line ${lineOf(text, i)}`, i);
  };

  function skip(): void {
    for (;;) {
      while (i < text.length && /\s/.test(text[i])) i++;
      if (text.startsWith('//', i) || text[i] === '#') {
        while (i < text.length && text[i] !== '\n') i++;
      } else if (text.startsWith('/*', i)) {
        const close = text.indexOf('*/', i + 2);
        if (close < 0) fail('unclosed comment');
        i = close + 2;
      } else return;
    }
  }

  function str(): string {
    const quote = text[i++];
    let out = '';
    while (i < text.length && text[i] !== quote) {
      const c = text[i++];
      if (c === '\n') fail('line break inside a string');
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[i++];
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };
      if (e === 'u' || e === 'x') {
        const len = e === 'u' ? 4 : 2;
        const hex = text.slice(i, i + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) fail('bad escape');
        out += String.fromCharCode(parseInt(hex, 16));
        i += len;
      } else out += simple[e] ?? e;
    }
    if (i >= text.length) fail('unclosed string');
    i++;
    return out;
  }

  function value(): unknown {
    skip();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"' || c === "'") return str();
    const num = /^[-+]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][-+]?\d+)?/.exec(text.slice(i, i + 64));
    if (num) {
      i += num[0].length;
      return Number(num[0].replace(/_/g, ''));
    }
    const word = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(i, i + 64));
    if (word && word[0] in KEYWORDS) {
      i += word[0].length;
      return KEYWORDS[word[0]];
    }
    return fail(i >= text.length ? 'unexpected end of text' : `unexpected ${JSON.stringify(text.slice(i, i + 12))}`);
  }

  function key(): string {
    skip();
    if (text[i] === '"' || text[i] === "'") return str();
    const word = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(i, i + 200));
    if (!word) fail('expected a key');
    i += (word as RegExpExecArray)[0].length;
    return (word as RegExpExecArray)[0];
  }

  function object(): Record<string, unknown> {
    i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      skip();
      if (text[i] === '}') {
        i++;
        return out;
      }
      const k = key();
      skip();
      if (text[i] !== ':') fail(`expected ':' after ${JSON.stringify(k)}`);
      i++;
      Object.defineProperty(out, k, { value: value(), enumerable: true, writable: true, configurable: true });
      skip();
      if (text[i] === ',') i++;
      else if (text[i] !== '}') fail("expected ',' or '}'");
    }
  }

  function array(): unknown[] {
    i++;
    const out: unknown[] = [];
    for (;;) {
      skip();
      if (text[i] === ']') {
        i++;
        return out;
      }
      out.push(value());
      skip();
      if (text[i] === ',') i++;
      else if (text[i] !== ']') fail("expected ',' or ']'");
    }
  }

  const v = value();
  return { value: v, end: i };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let k = 0; k < offset && k < text.length; k++) if (text[k] === '\n') line++;
  return line;
}
