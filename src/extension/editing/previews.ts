/**
 * Inline previews of operations: hover thumbnails (engine-rendered, cached, cancellable),
 * CodeLenses, and the commands they run, which open a grid of samples.
 */
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { OPS, describeOp, isOpName, type OpName } from '../../shared/ops';
import { formatProblems, validatePolicy, type Policy } from '../../shared/policy';
import { Lru } from '../../shared/lru';
import { allOperations, drawVariants, escapeHtml, operationAt, thumbnailMarkdown, type ThumbnailRow } from '../../shared/policy-text/preview';
import { toValue } from '../../shared/policy-text/tree';
import type { PreviewImage } from '../../shared/protocol';
import type { PolicyEditingDeps, PreviewSources } from './deps';
import { documentFor, parsedOf, rangeOf } from './documents';

export const PREVIEW_POLICY_COMMAND = 'ddas.previewPolicy';
export const PREVIEW_OPERATION_COMMAND = 'ddas.previewOperation';

const HOVER_IMAGES = 4;
const HOVER_MIN_SIZE = 64;
const SEED = 0;

export interface PreviewOperationArgs {
  readonly op: string;
  readonly magnitude?: number;
  readonly uri?: string;
}

function sourcesKey(sources: PreviewSources): string {
  return createHash('sha1').update(JSON.stringify(sources)).digest('hex');
}

/** At most `n` source images, so a hover stays small and quick. */
function limit(sources: PreviewSources, n: number): PreviewSources {
  if (sources.images) return { images: sources.images.slice(0, n) };
  if (sources.dataset) return { dataset: sources.dataset.indices ? { ...sources.dataset, indices: sources.dataset.indices.slice(0, n) } : { ...sources.dataset, take: Math.min(sources.dataset.take ?? n, n) } };
  return sources;
}

/** Engine draws of one op/magnitude, rows per source image, cached by (images, op, magnitude, seed). */
export class OperationDraws {
  private readonly cache = new Lru<string, ThumbnailRow[]>(64);
  private readonly pending = new Map<string, Promise<ThumbnailRow[]>>();

  constructor(private readonly deps: PolicyEditingDeps) {}

  async rows(sources: PreviewSources, op: OpName, magnitude: number | undefined, minSize: number, countScale = 1): Promise<ThumbnailRow[]> {
    const key = `${sourcesKey(sources)}|${op}|${magnitude ?? '-'}|${SEED}|${minSize}|${countScale}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    let job = this.pending.get(key);
    if (!job) {
      job = this.render(sources, op, magnitude, minSize, countScale);
      this.pending.set(key, job);
      // Late answers still fill the cache for the next hover; failures are not cached.
      job.then((rows) => this.cache.set(key, rows), () => undefined).finally(() => this.pending.delete(key));
    }
    return job;
  }

  private async render(sources: PreviewSources, op: OpName, magnitude: number | undefined, minSize: number, countScale: number): Promise<ThumbnailRow[]> {
    const variants = drawVariants(op, magnitude);
    const answers = await Promise.all(
      variants.map((v, i) =>
        this.deps.preview({
          ...sources,
          ops: [{ op, ...(magnitude !== undefined ? { magnitude } : {}), ...(v.sign !== undefined ? { sign: v.sign } : {}) }],
          count: v.count * (v.sign === undefined ? countScale : 1),
          seed: SEED,
          minSize,
          originals: i === 0,
        }),
      ),
    );
    const first = answers[0] ?? [];
    return first.map((image, i) => ({
      label: image.label ?? `image ${image.source + 1}`,
      original: image.original,
      draws: answers.flatMap((answer, k) => (answer[i]?.draws ?? []).map((base64) => ({ base64, caption: variants[k].caption }))),
    }));
  }
}

export class OperationHover implements vscode.HoverProvider {
  constructor(private readonly deps: PolicyEditingDeps, private readonly draws: OperationDraws) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const parsed = parsedOf(doc);
    const ref = operationAt(parsed?.root, doc.offsetAt(position));
    if (!ref) return undefined;
    const header = `**${describeOp(ref.op, ref.magnitude)}**: ${OPS[ref.op].summary}`;
    const range = rangeOf(doc, ref);
    const sources = await this.deps.previewSources();
    if (token.isCancellationRequested) return undefined;
    if (!sources) return new vscode.Hover(new vscode.MarkdownString(`${header}\n\n_No preview images: set \`ddas.preview.images\`._`), range);
    let rows: ThumbnailRow[];
    try {
      rows = await this.draws.rows(limit(sources, HOVER_IMAGES), ref.op, ref.magnitude, HOVER_MIN_SIZE);
    } catch (e) {
      if (token.isCancellationRequested) return undefined;
      const md = new vscode.MarkdownString(`${header}\n\n_Preview failed: `);
      md.appendText(e instanceof Error ? e.message : String(e));
      md.appendMarkdown('_');
      return new vscode.Hover(md, range);
    }
    if (token.isCancellationRequested) return undefined;
    const md = new vscode.MarkdownString(thumbnailMarkdown(header, rows, HOVER_MIN_SIZE).markdown);
    md.supportHtml = true;
    md.isTrusted = false;
    return new vscode.Hover(md, range);
  }
}

export class PolicyCodeLenses implements vscode.CodeLensProvider {
  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const root = parsedOf(doc)?.root;
    if (root?.kind !== 'object') return [];
    const uri = doc.uri.toString();
    const at = (offset: number): vscode.Range => new vscode.Range(doc.positionAt(offset), doc.positionAt(offset));
    const lenses = [new vscode.CodeLens(at(root.offset), { title: 'Preview policy', command: PREVIEW_POLICY_COMMAND, arguments: [uri], tooltip: 'Augmented samples of the preview images under this policy' })];
    for (const ref of allOperations(root)) {
      const args: PreviewOperationArgs = { op: ref.op, ...(ref.magnitude !== undefined ? { magnitude: ref.magnitude } : {}), uri };
      lenses.push(new vscode.CodeLens(at(ref.offset), { title: 'Preview', command: PREVIEW_OPERATION_COMMAND, arguments: [args], tooltip: describeOp(ref.op, ref.magnitude) }));
    }
    return lenses;
  }
}

/** A small script-free webview with a grid of samples (the panel's grid may replace it via deps). */
export class PreviewPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  show(title: string, body: string): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('ddas.policyPreview', title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: false });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    this.panel.title = title;
    this.panel.webview.html = page(title, body);
    this.panel.reveal(undefined, true);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline';">
<style>body{font-family:var(--vscode-font-family);color:var(--vscode-foreground)} td{padding:4px;text-align:center;font-size:11px} img{image-rendering:pixelated;display:block}</style>
<title>${escapeHtml(title)}</title></head><body><h3>${escapeHtml(title)}</h3>${body}</body></html>`;
}

function grid(rows: readonly ThumbnailRow[], size: number): string {
  const cell = (base64: string, caption: string): string => `<td><img src="data:image/png;base64,${base64}" width="${size}" height="${size}" alt="${escapeHtml(caption)}">${escapeHtml(caption)}</td>`;
  const lines = rows.map((r) => `<tr>${r.original !== undefined ? cell(r.original, `${r.label ?? ''} original`) : ''}${r.draws.map((d) => cell(d.base64, d.caption)).join('')}</tr>`);
  return `<table>${lines.join('')}</table>`;
}

function policyRows(images: readonly PreviewImage[]): ThumbnailRow[] {
  return images.map((image) => ({ label: image.label ?? `image ${image.source + 1}`, original: image.original, draws: image.draws.map((base64, k) => ({ base64, caption: `draw ${k + 1}` })) }));
}

export class PreviewCommands {
  constructor(private readonly deps: PolicyEditingDeps, private readonly draws: OperationDraws, private readonly panel: PreviewPanel) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand(PREVIEW_POLICY_COMMAND, (uri?: string | vscode.Uri) => this.previewPolicy(uri)),
      vscode.commands.registerCommand(PREVIEW_OPERATION_COMMAND, (args?: PreviewOperationArgs) => this.previewOperation(args)),
    ];
  }

  private async sources(): Promise<PreviewSources | undefined> {
    const sources = await this.deps.previewSources();
    if (!sources) void vscode.window.showWarningMessage('DDAS: no preview images. Set `ddas.preview.images` or run a search first.');
    return sources;
  }

  async previewPolicy(uri?: string | vscode.Uri): Promise<void> {
    const doc = await documentFor(uri);
    const root = doc && parsedOf(doc)?.root;
    if (!doc || !root) {
      void vscode.window.showWarningMessage('DDAS: open a policy file (*.augpolicy.json, .yaml or .ts) to preview it.');
      return;
    }
    const value = toValue(root);
    const result = value.known ? validatePolicy(value.value) : undefined;
    if (!result?.ok) {
      const details = result && !result.ok ? formatProblems(result.problems) : 'the policy is not a plain literal';
      void vscode.window.showErrorMessage(`DDAS: fix the policy before previewing it:\n${details}`);
      return;
    }
    const title = `Preview: ${vscode.workspace.asRelativePath(doc.uri)}`;
    if (this.deps.showPolicyPreview) return this.deps.showPolicyPreview(result.policy, title);
    await this.renderPolicy(result.policy, title);
  }

  private async renderPolicy(policy: Policy, title: string): Promise<void> {
    const sources = await this.sources();
    if (!sources) return;
    await this.withProgress(title, async () => {
      const images = await this.deps.preview({ ...limit(sources, 8), policy, count: 6, seed: SEED, minSize: 96, originals: true });
      this.panel.show(title, grid(policyRows(images), 96));
    });
  }

  async previewOperation(args?: PreviewOperationArgs): Promise<void> {
    let op = args?.op;
    let magnitude = args?.magnitude;
    if (op === undefined) {
      // From the palette: the entry under the cursor.
      const editor = vscode.window.activeTextEditor;
      const ref = editor && operationAt(parsedOf(editor.document)?.root, editor.document.offsetAt(editor.selection.active));
      op = ref?.op;
      magnitude = ref?.magnitude;
    }
    if (op === undefined || !isOpName(op)) {
      void vscode.window.showWarningMessage('DDAS: put the cursor on an operation entry of a policy file to preview it.');
      return;
    }
    const name = op;
    const sources = await this.sources();
    if (!sources) return;
    const title = `Preview: ${describeOp(name, magnitude)}`;
    await this.withProgress(title, async () => {
      const rows = await this.draws.rows(limit(sources, 8), name, magnitude, 128, 2);
      this.panel.show(title, grid(rows, 128));
    });
  }

  private async withProgress(title: string, work: () => Promise<void>): Promise<void> {
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `DDAS: ${title}` }, work);
    } catch (e) {
      void vscode.window.showErrorMessage(`DDAS: preview failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
