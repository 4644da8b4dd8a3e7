/**
 * The search space's categories ("Rotate@0.5", "FlipLR") as the heatmap lays them out:
 * one row per operation, one column per magnitude bin; an op without magnitude is a
 * single cell spanning the row.
 */
import { describeOp, isOpName } from '../src/shared/ops';

export interface Category {
  readonly index: number;
  readonly key: string;
  readonly op: string;
  /** null for ops without magnitude. */
  readonly magnitude: number | null;
}

export interface HeatmapRow {
  readonly op: string;
  /** Category index per magnitude column, or one index spanning the row. */
  readonly cells: readonly { readonly index: number; readonly column: number | 'all' }[];
}

export interface HeatmapLayout {
  readonly magnitudes: readonly number[];
  readonly rows: readonly HeatmapRow[];
}

export function parseCategory(key: string, index: number): Category {
  const at = key.lastIndexOf('@');
  if (at < 0) return { index, key, op: key, magnitude: null };
  const magnitude = Number(key.slice(at + 1));
  return Number.isFinite(magnitude) ? { index, key, op: key.slice(0, at), magnitude } : { index, key, op: key, magnitude: null };
}

export function heatmapLayout(categories: readonly Category[]): HeatmapLayout {
  const magnitudes = [...new Set(categories.flatMap((c) => (c.magnitude === null ? [] : [c.magnitude])))].sort((a, b) => a - b);
  const byOp = new Map<string, { index: number; column: number | 'all' }[]>();
  for (const c of categories) {
    const cells = byOp.get(c.op) ?? [];
    cells.push({ index: c.index, column: c.magnitude === null ? 'all' : magnitudes.indexOf(c.magnitude) });
    byOp.set(c.op, cells);
  }
  // Ops without magnitude first (as the catalog lists them), then the scaled ones.
  const rows = [...byOp].map(([op, cells]) => ({ op, cells: cells.sort((a, b) => col(a.column) - col(b.column)) }));
  rows.sort((a, b) => Number(a.cells[0]?.column !== 'all') - Number(b.cells[0]?.column !== 'all'));
  return { magnitudes, rows };
}

function col(c: number | 'all'): number {
  return c === 'all' ? -1 : c;
}

/** "Rotate 0.5" for legends. */
export function shortLabel(c: Category): string {
  return c.magnitude === null ? c.op : `${c.op} ${c.magnitude}`;
}

/** "Rotate +/-15 degrees" where the catalog knows the op. */
export function longLabel(c: Category): string {
  if (!isOpName(c.op)) return c.key;
  return c.magnitude === null ? c.op : `${describeOp(c.op, c.magnitude)} (m = ${c.magnitude})`;
}
