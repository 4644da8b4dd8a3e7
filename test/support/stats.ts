/** Helpers shared by statistical tests. */
import { validatePolicy, type Policy } from '../../src/shared/policy';

// jstat ships no types; the one function used here is typed at the import.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { jStat } = require('jstat') as { jStat: { chisquare: { cdf(x: number, dof: number): number } } };

/** p-value of Pearson's chi-square test of observed counts against expected probabilities. */
export function chiSquareP(observed: readonly number[], probabilities: readonly number[]): number {
  const n = observed.reduce((a, b) => a + b, 0);
  let stat = 0;
  observed.forEach((o, i) => {
    const e = n * probabilities[i];
    stat += ((o - e) * (o - e)) / e;
  });
  return 1 - jStat.chisquare.cdf(stat, observed.length - 1);
}

/** A policy from a literal, or a thrown list of what is wrong with it. */
export function policyOf(input: unknown): Policy {
  const r = validatePolicy(input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.policy;
}
