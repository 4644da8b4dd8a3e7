/**
 * Commit Policy: writes a policy (the last search result, or the policy file in the
 * active editor) in the chosen formats, shows a diff and asks before overwriting a file
 * that differs, writes atomically, then offers to stage and commit through the built-in
 * Git extension with a message that records the search.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { commitMessage, exportPolicy, importPolicy } from '../../shared/export';
import { EXPORT_FORMATS, FORMAT_LABELS, formatForFile, type ExportFormat } from '../../shared/export/format';
import type { Policy } from '../../shared/policy';
import { commitFormatsSetting } from '../config';
import { gitApi, repositoryFor } from '../git';
import { readIfExists, writeFileAtomic } from './atomic-write';
import { SCHEMA_COPY, commitTargets, type CommitTarget } from './commit-targets';

export const PROPOSED_SCHEME = 'ddas-proposed';

/** Arguments for tests and other callers; each skips the matching question. */
export interface CommitPolicyArgs {
  readonly formats?: readonly ExportFormat[];
  /** The JSON file to write (other formats beside it). */
  readonly outFile?: string;
  /** What to do with files whose content differs: ask (default, with a diff), overwrite, skip. */
  readonly overwrite?: 'ask' | 'always' | 'never';
  /** Stage and commit without asking (true) or do not (false). */
  readonly commit?: boolean;
  /** Use the last search result even if a policy file is in the active editor. */
  readonly fromResult?: boolean;
}

export function isCommitPolicyArgs(value: unknown): value is CommitPolicyArgs {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (v.formats === undefined || (Array.isArray(v.formats) && v.formats.every((f) => (EXPORT_FORMATS as readonly unknown[]).includes(f)))) && (v.outFile === undefined || typeof v.outFile === 'string');
}

export interface CommitOutcome {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly skipped: readonly string[];
  readonly committed: boolean;
}

/** Where the policy comes from and where it goes by default. */
export interface PolicySource {
  readonly policy: Policy;
  readonly outFile: string;
  readonly label: string;
}

/** Serves the proposed contents shown on the right of the overwrite diffs. */
export class ProposedContent implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(file: string, content: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: file, query: Date.now().toString(36) });
    this.contents.set(uri.toString(), content);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.changed.dispose();
    this.contents.clear();
  }
}

/** The policy of the active editor, when it holds a valid policy file. */
export function policyInActiveEditor(): PolicySource | { problem: string } | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || !/augpolicy/i.test(path.basename(doc.fileName))) return undefined;
  const format = formatForFile(doc.fileName);
  if (!format) return undefined;
  const parsed = importPolicy(doc.getText(), format);
  if (!parsed.ok) return { problem: `${path.basename(doc.fileName)} is not a valid policy (${parsed.problems[0]?.path}: ${parsed.problems[0]?.message}). Fix it first; the Problems view lists what is wrong.` };
  const jsonFile = format === 'json' ? doc.fileName : doc.fileName.replace(/([._]augpolicy)?\.[^./\\]+$/i, '.augpolicy.json');
  return { policy: parsed.policy, outFile: jsonFile, label: path.basename(doc.fileName) };
}

export async function commitPolicy(source: PolicySource, schemaSource: string, proposed: ProposedContent, args: CommitPolicyArgs = {}): Promise<CommitOutcome | undefined> {
  const formats = args.formats ?? (await pickFormats());
  if (!formats || formats.length === 0) return undefined;
  const jsonFile = args.outFile ?? source.outFile;
  const schemaFile = schemaCopyPath(jsonFile);
  const targets = commitTargets(jsonFile, formats, schemaFile);
  const written: string[] = [];
  const unchanged: string[] = [];
  const skipped: string[] = [];
  if (targets.some((t) => t.schemaRef)) {
    // The schema copy the files point at: refreshed silently (it is generated, not edited).
    const schema = await fsp.readFile(schemaSource, 'utf8');
    if ((await readIfExists(schemaFile)) !== schema) {
      await writeFileAtomic(schemaFile, schema);
      written.push(schemaFile);
    }
  }
  for (const target of targets) {
    const content = render(source.policy, target);
    const existing = await readIfExists(target.file);
    if (existing === content) {
      unchanged.push(target.file);
      continue;
    }
    if (existing !== undefined && !(await confirmOverwrite(target, content, proposed, args.overwrite ?? 'ask'))) {
      skipped.push(target.file);
      continue;
    }
    await writeFileAtomic(target.file, content);
    written.push(target.file);
  }
  const policyFiles = written.filter((f) => f !== schemaFile);
  let committed = false;
  if (written.length > 0) committed = await offerCommit(source.policy, written, policyFiles.length, args.commit);
  else if (args.commit === undefined) void vscode.window.showInformationMessage(skipped.length ? 'DDAS: nothing written (every changed file was skipped).' : 'DDAS: the policy files are already up to date.');
  return { written, unchanged, skipped, committed };
}

function render(policy: Policy, target: CommitTarget): string {
  const moduleName = target.format === 'python' ? path.basename(target.file, '.py') : undefined;
  return exportPolicy(policy, target.format, { ...(target.schemaRef ? { schemaRef: target.schemaRef } : {}), ...(moduleName ? { moduleName } : {}) });
}

/** `.vscode/augpolicy.schema.json` of the workspace folder holding the file (else beside it). */
export function schemaCopyPath(jsonFile: string): string {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(jsonFile));
  return folder ? path.join(folder.uri.fsPath, SCHEMA_COPY) : path.join(path.dirname(jsonFile), path.basename(SCHEMA_COPY));
}

async function pickFormats(): Promise<ExportFormat[] | undefined> {
  const preferred = new Set(commitFormatsSetting());
  type Item = vscode.QuickPickItem & { readonly format: ExportFormat };
  const items: Item[] = EXPORT_FORMATS.map((format) => ({ label: FORMAT_LABELS[format], picked: preferred.has(format), format }));
  const chosen = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'DDAS: Commit Policy', placeHolder: 'Formats to write (the default is the ddas.commit.formats setting)', ignoreFocusOut: true });
  return chosen?.map((i) => i.format);
}

async function confirmOverwrite(target: CommitTarget, content: string, proposed: ProposedContent, mode: 'ask' | 'always' | 'never'): Promise<boolean> {
  if (mode !== 'ask') return mode === 'always';
  const name = path.basename(target.file);
  const right = proposed.set(target.file, content);
  await vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(target.file), right, `${name}: current ↔ new policy`, { preview: true });
  const answer = await vscode.window.showWarningMessage(`${name} exists and differs from the new policy (see the diff). Overwrite it?`, { modal: true }, 'Overwrite', 'Skip');
  return answer === 'Overwrite';
}

async function offerCommit(policy: Policy, files: readonly string[], policyCount: number, preset: boolean | undefined): Promise<boolean> {
  const names = files.map((f) => vscode.workspace.asRelativePath(f));
  const api = await gitApi();
  const repo = api ? await repositoryFor(api, vscode.Uri.file(files[0])) : undefined;
  if (!repo) {
    if (preset === undefined) void vscode.window.showInformationMessage(`DDAS: wrote ${names.join(', ')}${api ? ' (not inside a git repository, so nothing to commit).' : '.'}`);
    return false;
  }
  const alreadyStaged = repo.state.indexChanges.filter((c) => !files.includes(c.uri.fsPath));
  let answer: 'Commit' | 'Stage Only' | undefined = preset === undefined ? undefined : preset ? 'Commit' : undefined;
  if (preset === undefined) {
    const warning = alreadyStaged.length ? ` Note: ${alreadyStaged.length} other staged change${alreadyStaged.length === 1 ? ' is' : 's are'} committed with them.` : '';
    answer = await vscode.window.showInformationMessage(`DDAS: wrote ${policyCount} policy file${policyCount === 1 ? '' : 's'} (${names.join(', ')}). Stage and commit them?${warning}`, 'Commit', 'Stage Only');
  }
  if (!answer) return false;
  await repo.add(files.map((f) => f));
  if (answer === 'Stage Only') return false;
  const relative = files.map((f) => path.relative(repo.rootUri.fsPath, f).split(path.sep).join('/'));
  await repo.commit(commitMessage(policy, { files: relative }));
  if (preset === undefined) void vscode.window.showInformationMessage(`DDAS: committed ${relative.join(', ')}.`);
  return true;
}
