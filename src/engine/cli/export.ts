/** `ddas export`: writes a policy file in another format (JSON, YAML, TypeScript, Python). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exportPolicy, formatForFile, pythonModuleName, policyStem, type ExportFormat } from '../../shared/export';
import { UserError } from '../errors';
import { writeFileAtomic } from '../io/atomic';
import { readPolicyFile } from '../io/policy-file';

export interface ExportArgs {
  /** The policy to read: JSON, YAML, or a TypeScript/Python export. */
  readonly policy: string;
  /** Default: implied by --out's extension. */
  readonly format?: ExportFormat;
  /** Default: print to stdout. */
  readonly out?: string;
  readonly force: boolean;
  /** json/yaml: `$schema` / modeline reference (default: the input's, re-based to --out's folder). */
  readonly schema?: string;
}

/** A relative `$schema` means "relative to the file"; moving the policy re-bases it. */
function rebaseSchema(ref: string | undefined, from: string, to: string | undefined): string | undefined {
  if (ref === undefined || to === undefined || /^[a-z][a-z0-9+.-]*:/i.test(ref) || path.isAbsolute(ref)) return ref;
  const target = path.resolve(path.dirname(from), ref);
  return path.relative(path.dirname(path.resolve(to)), target).split(path.sep).join('/');
}

export async function runExport(args: ExportArgs, out: (text: string) => void, log: (line: string) => void): Promise<void> {
  const format = args.format ?? (args.out !== undefined ? formatForFile(args.out) : undefined);
  if (format === undefined) {
    throw new UserError(args.out === undefined ? 'give --format json|yaml|ts|python (or --out FILE with one of those extensions).' : `cannot tell the format from "${args.out}"; give --format json|yaml|ts|python.`);
  }
  if (args.out !== undefined && !args.force && fs.existsSync(args.out)) {
    throw new UserError(`${args.out} exists; pass --force to replace it.`);
  }
  const policy = readPolicyFile(args.policy);
  const text = exportPolicy(policy, format, {
    schemaRef: args.schema ?? rebaseSchema(policy.$schema, args.policy, args.out),
    moduleName: args.out !== undefined && format === 'python' ? path.basename(args.out, '.py') : pythonModuleName(policyStem(args.policy)),
  });
  if (args.out === undefined) {
    out(text);
    return;
  }
  await writeFileAtomic(args.out, text);
  log(`wrote ${args.out} (${format})`);
}
