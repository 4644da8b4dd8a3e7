/** "Did you mean" for op names: optimal string alignment distance, case-insensitive. */
import { OP_NAMES, hasMagnitude, type OpName } from '../ops';

export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The catalog op closest to `name`, or undefined when nothing is close. Among equally
 * close ops, one whose magnitude-ness matches the entry wins, so the fix validates.
 */
export function suggestOp(name: string, entryHasMagnitude?: boolean): OpName | undefined {
  const lower = name.toLowerCase().replace(/[\s_-]/g, '');
  if (lower === '') return undefined;
  const limit = Math.max(2, Math.floor(lower.length / 3));
  let best: { op: OpName; score: number } | undefined;
  for (const op of OP_NAMES) {
    const dist = editDistance(lower, op.toLowerCase());
    if (dist > limit) continue;
    const mismatch = entryHasMagnitude !== undefined && hasMagnitude(op) !== entryHasMagnitude ? 0.5 : 0;
    const score = dist + mismatch;
    if (!best || score < best.score) best = { op, score };
  }
  return best?.op;
}
