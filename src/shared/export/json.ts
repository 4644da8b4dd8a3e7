/** `*.augpolicy.json`: the policy as JSON, one operation per line, `$schema` first. */
import { validatePolicy, type Policy, type ValidationResult } from '../policy';
import { canonicalPolicy } from './canonical';
import { JSON_STYLE, formatLiteral } from './literal';

export interface JsonWriteOptions {
  /** Path or URL of policy.schema.json for editors; without it the policy's own `$schema` is kept. */
  readonly schemaRef?: string;
}

export function writePolicyJson(policy: Policy, options: JsonWriteOptions = {}): string {
  return formatLiteral(canonicalPolicy(policy, options.schemaRef ?? policy.$schema), JSON_STYLE) + '\n';
}

export function readPolicyJson(text: string): ValidationResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [{ path: '(root)', message: `not valid JSON (${(e as Error).message}); fix the syntax` }] };
  }
  return validatePolicy(value);
}
