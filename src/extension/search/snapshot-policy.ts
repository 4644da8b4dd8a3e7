/**
 * A policy from a search's current state (a snapshot's p_aug and p over the categories
 * named in `started`), so previews during a search show what the search believes now.
 */
import { hasMagnitude, isOpName } from '../../shared/ops';
import type { Policy, PolicyOperation } from '../../shared/policy';

/** Parses a category key as written by src/shared/space.ts: `Op` or `Op@magnitude`. */
export function parseCategory(key: string): { op: PolicyOperation['op']; magnitude?: number } | undefined {
  const [name, m] = key.split('@');
  if (!isOpName(name)) return undefined;
  if (m === undefined) return hasMagnitude(name) ? undefined : { op: name };
  const magnitude = Number(m);
  return hasMagnitude(name) && Number.isFinite(magnitude) && magnitude >= 0 && magnitude <= 1 ? { op: name, magnitude } : undefined;
}

export function policyFromSnapshot(categories: readonly string[], p: readonly number[], pAug: number, opsPerImage = 2): Policy | undefined {
  if (categories.length === 0 || categories.length !== p.length) return undefined;
  const operations: PolicyOperation[] = [];
  let total = 0;
  categories.forEach((key, i) => {
    const c = parseCategory(key);
    const prob = p[i];
    if (!c || !(prob > 0)) return;
    total += prob;
    operations.push(c.magnitude === undefined ? { op: c.op, probability: prob } : { op: c.op, magnitude: c.magnitude, probability: prob } as PolicyOperation);
  });
  if (operations.length === 0 || !(total > 0)) return undefined;
  // Renormalise: categories the extension cannot name (a newer engine) are left out.
  for (const o of operations) o.probability /= total;
  return { version: 1, opsPerImage, applyProbability: Math.min(1, Math.max(0, pAug)), operations };
}
