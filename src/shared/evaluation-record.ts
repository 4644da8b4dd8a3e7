/**
 * The compact record of an evaluation that a policy file keeps (`evaluation` in the
 * policy, src/shared/policy.ts): what was scored, the budget, each entry's mean with its
 * 95% interval and the verdict, taken from an EvaluationReport. Pure.
 */
import type { EvaluationReport } from './evaluation';
import type { EvaluationMetadata, Policy } from './policy';

/** Accuracies are kept to 4 decimals (0.01 points): enough for a 95% interval over seeds. */
function round4(v: number): number {
  return Math.round(v * 10000) / 10000;
}

/** The record of `report` for the policy evaluated under `policyLabel` (one of the report's entries). */
export function evaluationMetadata(report: EvaluationReport, policyLabel?: string): EvaluationMetadata {
  return {
    ...(policyLabel !== undefined && report.entries.some((e) => e.label === policyLabel) ? { policy: policyLabel } : {}),
    heldOut: { name: report.dataset.heldOut, images: report.dataset.testImages },
    budget: { seeds: report.budget.seeds, epochs: report.budget.epochs, trainSize: report.dataset.trainImages || report.budget.trainSize },
    model: report.model,
    backend: report.backend,
    entries: report.entries.map((e) => ({ label: e.label, mean: round4(e.accuracy.mean), low: round4(e.accuracy.low), high: round4(e.accuracy.high) })),
    verdict: report.verdict,
    finishedAt: report.finishedAt,
  };
}

/** The policy with `evaluation` set (replacing an older record), or removed when undefined. */
export function withEvaluation(policy: Policy, evaluation: EvaluationMetadata | undefined): Policy {
  const { evaluation: _old, ...rest } = policy;
  return evaluation ? { ...rest, evaluation } : rest;
}
