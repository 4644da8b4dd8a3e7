/** Reads a policy value out of source code (the TypeScript and Python exports) without running it. */
import { validatePolicy, type ValidationResult } from '../policy';
import { LiteralSyntaxError, parseLiteral } from './literal';

/** The object literal assigned by the first match of `assignment`, validated. */
export function readAssignedLiteral(text: string, assignment: RegExp, expected: string): ValidationResult {
  const match = assignment.exec(text);
  if (!match) return { ok: false, problems: [{ path: '(root)', message: `no \`${expected}\` found; the policy value must be assigned there` }] };
  try {
    const { value } = parseLiteral(text, match.index + match[0].length);
    return validatePolicy(value);
  } catch (e) {
    if (e instanceof LiteralSyntaxError) return { ok: false, problems: [{ path: '(root)', message: `cannot read the policy value: ${e.message}` }] };
    throw e;
  }
}
