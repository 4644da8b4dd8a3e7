/**
 * The last evaluation of each policy, for Commit Policy: records are keyed by the
 * policy's content (without `$schema` and `evaluation`), so a policy edited after its
 * evaluation is committed without the stale record. No `vscode`.
 */
import { createHash } from 'node:crypto';
import { withEvaluation } from '../../shared/evaluation-record';
import type { EvaluationMetadata, Policy } from '../../shared/policy';

export type EvaluationRecords = Readonly<Record<string, EvaluationMetadata>>;

/** Records kept per workspace (the oldest go first). */
const MAX_RECORDS = 20;

/** JSON with sorted keys and numbers to 12 significant digits: equal for equal policies however they were read. */
function stable(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(Number(value.toPrecision(12))) : 'null';
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function policyFingerprint(policy: Policy): string {
  const { $schema: _schema, evaluation: _evaluation, ...content } = policy;
  return createHash('sha256').update(stable(content)).digest('hex');
}

/** The records with `metadata` as the policy's newest evaluation. */
export function recordEvaluation(records: EvaluationRecords, policy: Policy, metadata: EvaluationMetadata): EvaluationRecords {
  const key = policyFingerprint(policy);
  const rest = Object.entries(records).filter(([k]) => k !== key);
  return Object.fromEntries([...rest.slice(Math.max(0, rest.length - (MAX_RECORDS - 1))), [key, metadata]]);
}

export function evaluationOf(records: EvaluationRecords, policy: Policy): EvaluationMetadata | undefined {
  return records[policyFingerprint(policy)];
}

/** The policy as Commit Policy writes it: with its last evaluation, else with the record it already carries. */
export function withLastEvaluation(policy: Policy, records: EvaluationRecords): Policy {
  const found = evaluationOf(records, policy);
  return found ? withEvaluation(policy, found) : policy;
}
