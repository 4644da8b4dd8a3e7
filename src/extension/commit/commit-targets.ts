/**
 * Which files Commit Policy writes, and the `$schema` reference each JSON/YAML file gets.
 * No `vscode`. The schema decision (see the README of the commit command): the policy
 * files reference a copy of the schema committed in the repository at
 * `.vscode/augpolicy.schema.json` by a relative path, so validation works in any editor
 * and in CI, not only where this extension's jsonValidation is installed.
 */
import * as path from 'node:path';
import { siblingFile, type ExportFormat } from '../../shared/export/format';

export const SCHEMA_COPY = path.join('.vscode', 'augpolicy.schema.json');

export interface CommitTarget {
  readonly format: ExportFormat;
  readonly file: string;
  /** json/yaml: relative path from the file to the schema copy (forward slashes). */
  readonly schemaRef?: string;
}

/** `jsonFile` is the chosen policy file (`x.augpolicy.json`); other formats go beside it. */
export function commitTargets(jsonFile: string, formats: readonly ExportFormat[], schemaFile: string): CommitTarget[] {
  return formats.map((format) => {
    const file = format === 'json' && jsonFile.toLowerCase().endsWith('.json') ? jsonFile : siblingFile(jsonFile, format);
    if (format !== 'json' && format !== 'yaml') return { format, file };
    let ref = path.relative(path.dirname(file), schemaFile).split(path.sep).join('/');
    if (!ref.startsWith('../') && !ref.startsWith('./')) ref = `./${ref}`;
    return { format, file, schemaRef: ref };
  });
}
