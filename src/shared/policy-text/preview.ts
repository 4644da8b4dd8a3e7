/**
 * Pure parts of inline previews: which operation entry is under the cursor, which draws
 * to ask the engine for, an LRU cache of the answers, and the hover markdown, kept
 * under a size budget (VS Code drops over-large hover markdown).
 */
import { describeOp, isOpName, OPS, type OpName } from '../ops';
import { nodeAtOffset, property, type ObjectNode, type PathSegment, type TextNode } from './tree';

export interface OperationRef {
  readonly op: OpName;
  /** Absent for ops without magnitude. */
  readonly magnitude?: number;
  readonly path: readonly PathSegment[];
  readonly offset: number;
  readonly length: number;
}

function asOperation(node: TextNode | undefined, path: readonly PathSegment[]): OperationRef | undefined {
  if (node?.kind !== 'object') return undefined;
  const op = property(node, 'op')?.value;
  if (op?.kind !== 'scalar' || typeof op.value !== 'string' || !isOpName(op.value)) return undefined;
  const m = property(node, 'magnitude')?.value;
  const magnitude = m?.kind === 'scalar' && typeof m.value === 'number' && m.value >= 0 && m.value <= 1 ? m.value : undefined;
  if (OPS[op.value].magnitude !== null && magnitude === undefined) return undefined;
  return { op: op.value, ...(OPS[op.value].magnitude !== null ? { magnitude } : {}), path, offset: node.offset, length: node.length };
}

function isOperationsPath(path: readonly PathSegment[]): boolean {
  return (path.length === 2 && path[0] === 'operations') || (path.length === 4 && path[0] === 'schedule' && path[2] === 'operations');
}

/** The operation entry containing offset, if any. */
export function operationAt(root: TextNode | undefined, offset: number): OperationRef | undefined {
  const hit = nodeAtOffset(root, offset);
  if (!hit || root === undefined) return undefined;
  for (let depth = hit.path.length; depth >= 2; depth--) {
    const path = hit.path.slice(0, depth);
    if (!isOperationsPath(path)) continue;
    let node: TextNode | undefined = root;
    for (const s of path) node = typeof s === 'number' ? (node?.kind === 'array' ? node.items[s] : undefined) : property(node, s)?.value;
    return asOperation(node, path);
  }
  return undefined;
}

/** Every valid operation entry (top level and schedule), for CodeLenses. */
export function allOperations(root: TextNode | undefined): OperationRef[] {
  if (root?.kind !== 'object') return [];
  const out: OperationRef[] = [];
  const collect = (parent: ObjectNode, base: readonly PathSegment[]): void => {
    const ops = property(parent, 'operations')?.value;
    if (ops?.kind !== 'array') return;
    ops.items.forEach((item, i) => {
      const ref = asOperation(item, [...base, 'operations', i]);
      if (ref) out.push(ref);
    });
  };
  collect(root, []);
  const schedule = property(root, 'schedule')?.value;
  if (schedule?.kind === 'array') schedule.items.forEach((item, i) => item.kind === 'object' && collect(item, ['schedule', i]));
  return out;
}

/** One engine request per variant: both signs for signed ops, several draws where placement is random. */
export interface DrawVariant {
  readonly sign?: 1 | -1;
  readonly count: number;
  readonly caption: string;
}

export function drawVariants(op: OpName, magnitude: number | undefined): DrawVariant[] {
  const spec = OPS[op].magnitude;
  const label = describeOp(op, magnitude);
  if (spec === null || magnitude === undefined) return [{ count: 1, caption: label }];
  if (spec.signed) {
    return [
      { sign: 1, count: 1, caption: label.replace('+/-', '+') },
      { sign: -1, count: 1, caption: label.replace('+/-', '-') },
    ];
  }
  // Cutout places its square at random: show a few places. The others are deterministic.
  return [{ count: op === 'Cutout' ? 3 : 1, caption: label }];
}


export interface ThumbnailRow {
  readonly label?: string;
  readonly original?: string;
  /** PNG base64 and a caption each. */
  readonly draws: readonly { readonly base64: string; readonly caption: string }[];
}

export const HOVER_MARKDOWN_BUDGET = 90_000;

function img(base64: string, size: number, title: string): string {
  return `<img src="data:image/png;base64,${base64}" width="${size}" height="${size}" title="${escapeHtml(title)}" alt="${escapeHtml(title)}">`;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Markdown with a header and one line of thumbnails per source image (original first),
 * as many rows (and, if need be, draws) as fit in `budget` characters.
 */
export function thumbnailMarkdown(header: string, rows: readonly ThumbnailRow[], size = 64, budget = HOVER_MARKDOWN_BUDGET): { markdown: string; rows: number; draws: number } {
  const parts = [header, ''];
  let used = header.length + 2;
  let shownRows = 0;
  let shownDraws = 0;
  const note = '\n\n_More images are in the Preview CodeLens._';
  for (const row of rows) {
    const tags: string[] = [];
    if (row.original !== undefined) tags.push(img(row.original, size, `${row.label ?? 'image'}: original`));
    for (const d of row.draws) tags.push(img(d.base64, size, d.caption));
    // Drop draws from the end until the row fits; a row with nothing augmented is not worth showing.
    while (tags.length > 1 && used + tags.join(' ').length + 4 + note.length > budget) tags.pop();
    const minimum = row.original !== undefined ? 2 : 1;
    if (tags.length < minimum || used + tags.join(' ').length + 4 + note.length > budget) break;
    const line = tags.join(' ') + '  \n';
    parts.push(line);
    used += line.length;
    shownRows++;
    shownDraws += tags.length - (row.original !== undefined ? 1 : 0);
  }
  let markdown = parts.join('\n');
  if (shownRows < rows.length) markdown += note;
  if (shownRows === 0) markdown = `${header}\n\n_The thumbnails are too large to show here; use the Preview CodeLens._`;
  return { markdown, rows: shownRows, draws: shownDraws };
}
