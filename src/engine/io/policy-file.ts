/** Reading a policy file of any format (JSON, YAML, TS, Python) with messages naming the file and the fix. */
import * as fs from 'node:fs';
import { formatForFile, importPolicy } from '../../shared/export';
import { formatProblems, validatePolicy, type Policy, type ValidationResult } from '../../shared/policy';
import { UserError } from '../errors';

export function readPolicyFile(file: string): Policy {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read the policy (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the path.`);
  }
  const format = formatForFile(file) ?? 'json';
  let result: ValidationResult;
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new UserError(`${file}: not valid JSON (${(e as Error).message}). Fix the syntax; a policy file looks like examples/uniform.augpolicy.json.`);
    }
    result = validatePolicy(value);
  } else {
    result = importPolicy(text, format);
  }
  if (!result.ok) throw new UserError(`${file}: not a valid policy:\n${formatProblems(result.problems)}\nFix these fields (the schema is schemas/policy.schema.json).`);
  return result.policy;
}
