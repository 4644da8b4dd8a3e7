/**
 * The file formats a policy is written in, and how a file name says which one it is.
 * Pure string handling (no node:path) so the webview can use it too.
 */

export const EXPORT_FORMATS = ['json', 'yaml', 'ts', 'python'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

/** What each format is called in menus and messages. */
export const FORMAT_LABELS: Readonly<Record<ExportFormat, string>> = {
  json: 'JSON (*.augpolicy.json)',
  yaml: 'YAML (*.augpolicy.yaml)',
  ts: 'TypeScript (*.augpolicy.ts)',
  python: 'Python / torchvision (*_augpolicy.py)',
};

function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

/** The format a file name implies, or undefined when its extension names none. */
export function formatForFile(file: string): ExportFormat | undefined {
  const name = baseName(file).toLowerCase();
  if (name.endsWith('.json') || name.endsWith('.jsonc')) return 'json';
  if (name.endsWith('.yaml') || name.endsWith('.yml')) return 'yaml';
  // .d.ts is a declaration file, not a policy value.
  if ((name.endsWith('.ts') || name.endsWith('.mts') || name.endsWith('.cts')) && !name.endsWith('.d.ts')) return 'ts';
  if (name.endsWith('.py')) return 'python';
  return undefined;
}

/** `foo` from `foo.augpolicy.json`, `foo.yaml`, `foo_augpolicy.py`, ... */
export function policyStem(file: string): string {
  const name = baseName(file);
  const stem = name
    .replace(/\.(json|jsonc|ya?ml|[mc]?ts|py)$/i, '')
    .replace(/[._]augpolicy$/i, '');
  return stem === '' ? 'policy' : stem;
}

/** A Python module name made from a stem: identifiers only, `_augpolicy` suffix. */
export function pythonModuleName(stem: string): string {
  let id = stem.replace(/[^A-Za-z0-9_]/g, '_').replace(/_+/g, '_');
  if (!/^[A-Za-z_]/.test(id)) id = `p_${id}`;
  return `${id}_augpolicy`.replace(/_+augpolicy$/, '_augpolicy');
}

/** The conventional file name for a policy called `stem` in `format`. */
export function fileNameFor(stem: string, format: ExportFormat): string {
  switch (format) {
    case 'json':
      return `${stem}.augpolicy.json`;
    case 'yaml':
      return `${stem}.augpolicy.yaml`;
    case 'ts':
      return `${stem}.augpolicy.ts`;
    case 'python':
      return `${pythonModuleName(stem)}.py`;
  }
}

/** `dir/foo.augpolicy.json` -> `dir/foo.augpolicy.yaml` (or `dir/foo_augpolicy.py`). */
export function siblingFile(file: string, format: ExportFormat): string {
  const dir = file.slice(0, file.length - baseName(file).length);
  return dir + fileNameFor(policyStem(file), format);
}
