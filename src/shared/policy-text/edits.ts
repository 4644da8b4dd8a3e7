/** Text edits on policy files: value replacement, array-item deletion, applying edits. */
import { end, type ArrayNode, type ScalarNode } from './tree';

export interface TextEdit {
  readonly offset: number;
  readonly length: number;
  readonly newText: string;
}

/** Applies non-overlapping edits (any order). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.offset - a.offset);
  let out = text;
  let limit = Infinity;
  for (const e of sorted) {
    if (e.offset + e.length > limit) throw new Error(`overlapping edits at ${e.offset}`);
    out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
    limit = e.offset;
  }
  return out;
}

/** Numbers as people write them: no float noise (0.30000000000000004 -> 0.3). */
export function formatNumber(v: number): string {
  return String(Number(v.toPrecision(12)));
}

/** A string in the same quoting style as the node it replaces. */
export function renderString(value: string, quote: ScalarNode['quote'], format: 'json' | 'yaml' | 'ts'): string {
  if (quote === '"' || (quote === '' && format !== 'yaml')) return JSON.stringify(value);
  if (quote === "'") return format === 'yaml' ? `'${value.replace(/'/g, "''")}'` : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  // A plain YAML scalar stays plain when that reads back as the same string.
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(value) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(value) ? value : JSON.stringify(value);
}

export function replaceNode(node: { offset: number; length: number }, newText: string): TextEdit {
  return { offset: node.offset, length: node.length, newText };
}

/** The span that removes items[index] together with its separator (comma or line). */
export function itemDeletion(text: string, array: ArrayNode, index: number): TextEdit {
  const items = array.items;
  const item = items[index];
  if (array.block) {
    const start = blockItemStart(text, item.offset);
    let stop: number;
    if (index + 1 < items.length) stop = blockItemStart(text, items[index + 1].offset);
    else {
      const nl = text.indexOf('\n', end(item));
      stop = nl < 0 ? text.length : nl + 1;
    }
    return { offset: start, length: stop - start, newText: '' };
  }
  if (index > 0) {
    const from = end(items[index - 1]);
    return { offset: from, length: end(item) - from, newText: '' };
  }
  if (items.length > 1) return { offset: item.offset, length: items[1].offset - item.offset, newText: '' };
  return { offset: item.offset, length: item.length, newText: '' };
}

/** Start of a YAML block item's line (its `-` indicator and indentation). */
function blockItemStart(text: string, contentOffset: number): number {
  let i = contentOffset - 1;
  while (i >= 0 && /[ \t\r\n]/.test(text[i])) i--;
  if (i < 0 || text[i] !== '-') return contentOffset;
  const lineStart = text.lastIndexOf('\n', i) + 1;
  return /^[ \t]*$/.test(text.slice(lineStart, i)) ? lineStart : i;
}

/** Joins deletions that touch, so a client never sees two edits at one position. */
export function coalesce(edits: readonly TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.offset - b.offset);
  const out: TextEdit[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && last.newText === '' && e.newText === '' && last.offset + last.length >= e.offset) {
      const stop = Math.max(last.offset + last.length, e.offset + e.length);
      out[out.length - 1] = { offset: last.offset, length: stop - last.offset, newText: '' };
    } else out.push(e);
  }
  return out;
}
