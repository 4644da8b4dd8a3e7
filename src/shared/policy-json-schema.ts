/** The JSON Schema of the policy file, derived from the zod definition in policy.ts. */
import { z } from 'zod';
import { PolicySchema } from './policy';

export const POLICY_SCHEMA_ID = 'https://ddas.dev/schemas/policy.schema.json';

export function policyJsonSchema(): Record<string, unknown> {
  // draft-07: what VS Code's JSON language service and the YAML extension understand best.
  // 'input' mode: fields with defaults (options.fill, ...) are optional in files.
  const schema = z.toJSONSchema(PolicySchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  return { ...schema, $id: POLICY_SCHEMA_ID };
}

/** The committed file's exact text (stable key order, 2-space indent, final newline). */
export function policyJsonSchemaText(): string {
  return JSON.stringify(policyJsonSchema(), null, 2) + '\n';
}
