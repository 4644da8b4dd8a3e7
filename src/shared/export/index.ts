/**
 * Writers and readers of the policy file formats (DESIGN.md section 5): JSON and YAML
 * with a schema, self-contained TypeScript, and a Python/torchvision module. All carry
 * the same data and read back to the same Policy.
 */
import type { Policy, ValidationResult } from '../policy';
import type { ExportFormat } from './format';
import { readPolicyJson, writePolicyJson } from './json';
import { readPolicyPython, writePolicyPython } from './python';
import { readPolicyTs, writePolicyTs } from './typescript';
import { readPolicyYaml, writePolicyYaml } from './yaml';

export { commitMessage, evaluationLine, type CommitExtras } from './commit';
export { entryKey, entryMeaning, originLine, topOperations } from './describe';
export { EXPORT_FORMATS, FORMAT_LABELS, fileNameFor, formatForFile, isExportFormat, policyStem, pythonModuleName, siblingFile, type ExportFormat } from './format';
export { readPolicyJson, writePolicyJson } from './json';
export { readPolicyPython, writePolicyPython } from './python';
export { readPolicyTs, writePolicyTs } from './typescript';
export { readPolicyYaml, writePolicyYaml } from './yaml';

export interface ExportOptions {
  /** json/yaml: path or URL of policy.schema.json (default: the policy's own `$schema`, if any). */
  readonly schemaRef?: string;
  /** python: the module's import name shown in its usage example. */
  readonly moduleName?: string;
}

/** The file text of `policy` in `format`. */
export function exportPolicy(policy: Policy, format: ExportFormat, options: ExportOptions = {}): string {
  switch (format) {
    case 'json':
      return writePolicyJson(policy, options);
    case 'yaml':
      return writePolicyYaml(policy, options);
    case 'ts':
      return writePolicyTs(policy);
    case 'python':
      return writePolicyPython(policy, options);
  }
}

/**
 * Reads a policy file's text. TypeScript and Python files are read by extracting the
 * literal assigned to `policy` / `POLICY` (not by running them), so they must keep the
 * value as a plain literal.
 */
export function importPolicy(text: string, format: ExportFormat): ValidationResult {
  switch (format) {
    case 'json':
      return readPolicyJson(text);
    case 'yaml':
      return readPolicyYaml(text);
    case 'ts':
      return readPolicyTs(text);
    case 'python':
      return readPolicyPython(text);
  }
}
