/**
 * Problems in policy text that a JSON schema cannot express (probabilities that do not
 * sum to 1, duplicate entries, magnitudes off the search space's bins, schedule order,
 * misspelt ops), each at the offending node with the text edits that fix it. With
 * `schema: true` the structural validation (policy.ts) is located in the text too, for
 * files no schema tooling reads (TypeScript; YAML without the YAML extension).
 */
import { DEFAULT_MAGNITUDE_BINS, OP_NAMES, OPS, isOpName } from '../ops';
import { SUM_TOLERANCE, validatePolicy } from '../policy';
import { coalesce, formatNumber, itemDeletion, renderString, replaceNode, type TextEdit } from './edits';
import { parsePolicyText } from './parse';
import { suggestOp } from './suggest';
import {
  end,
  formatSegments,
  nodeAtPath,
  parsePath,
  property,
  type ArrayNode,
  type ObjectNode,
  type PathSegment,
  type PolicyFormat,
  type PropertyNode,
  type ScalarNode,
  type TextNode,
} from './tree';

export type ProblemCode = 'syntax' | 'schema' | 'not-literal' | 'sum' | 'duplicate' | 'off-bin' | 'schedule-order' | 'schedule-end' | 'unknown-op' | 'base-redundant';
export type ProblemSeverity = 'error' | 'warning' | 'information';

export interface TextFix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** The one fix an editor may apply with "auto fix". */
  readonly preferred: boolean;
}

export interface TextProblem {
  readonly code: ProblemCode;
  readonly severity: ProblemSeverity;
  readonly message: string;
  readonly offset: number;
  readonly length: number;
  /** JSON path of the offending node, as policy.ts writes it. */
  readonly path: string;
  readonly fixes: readonly TextFix[];
}

export interface CheckOptions {
  /** Report structural (schema) problems too. */
  readonly schema?: boolean;
  /** Report syntax errors too. */
  readonly syntax?: boolean;
  /** The search space's magnitude bins (default: DEFAULT_MAGNITUDE_BINS). */
  readonly bins?: readonly number[];
}

export function checkPolicyText(text: string, format: PolicyFormat, options: CheckOptions = {}): TextProblem[] {
  const parsed = parsePolicyText(text, format);
  const ctx: Ctx = { text, format, bins: options.bins ?? DEFAULT_MAGNITUDE_BINS, problems: [] };
  if (options.syntax) {
    for (const e of parsed.syntaxErrors) ctx.problems.push({ code: 'syntax', severity: 'error', message: e.message, offset: e.offset, length: e.length, path: '(root)', fixes: [] });
  }
  const root = parsed.root;
  if (root?.kind !== 'object') return ctx.problems;
  checkOperations(ctx, root, ['operations']);
  checkSchedule(ctx, root);
  checkBase(ctx, root);
  if (options.schema) schemaProblems(ctx, root);
  return ctx.problems;
}

interface Ctx {
  readonly text: string;
  readonly format: PolicyFormat;
  readonly bins: readonly number[];
  readonly problems: TextProblem[];
}

function num(node: TextNode | undefined): number | undefined {
  return node?.kind === 'scalar' && typeof node.value === 'number' ? node.value : undefined;
}

function scalar(node: TextNode | undefined): ScalarNode | undefined {
  return node?.kind === 'scalar' ? node : undefined;
}

/** A problem on an object/array value points at its key (a whole block is too wide to underline). */
function keySpan(prop: PropertyNode): { offset: number; length: number } {
  return { offset: prop.keyOffset, length: prop.keyLength };
}

interface Entry {
  readonly index: number;
  readonly node: ObjectNode;
  readonly op: ScalarNode | undefined;
  readonly magnitude: TextNode | undefined;
  readonly probability: number | undefined;
  readonly probabilityNode: TextNode | undefined;
}

function entriesOf(array: ArrayNode): Entry[] {
  const out: Entry[] = [];
  array.items.forEach((item, index) => {
    if (item.kind !== 'object') return;
    const probabilityNode = property(item, 'probability')?.value;
    out.push({ index, node: item, op: scalar(property(item, 'op')?.value), magnitude: property(item, 'magnitude')?.value, probability: num(probabilityNode), probabilityNode });
  });
  return out;
}

function entryKey(e: Entry): string | undefined {
  if (typeof e.op?.value !== 'string') return undefined;
  if (e.magnitude === undefined) return e.op.value;
  const m = num(e.magnitude);
  return m === undefined ? undefined : `${e.op.value}@${m}`;
}

function checkOperations(ctx: Ctx, parent: ObjectNode, path: PathSegment[]): void {
  const key = path[path.length - 1] as string;
  const prop = property(parent, key);
  const array = prop?.value;
  if (!prop || array?.kind !== 'array') return;
  const at = formatSegments(path);
  const entries = entriesOf(array);

  for (const e of entries) {
    const entryPath = [...path, e.index];
    if (e.op && typeof e.op.value === 'string' && !isOpName(e.op.value)) unknownOp(ctx, e, e.op.value, entryPath);
    offBin(ctx, array, entries, e, entryPath);
  }
  duplicates(ctx, array, entries, path);

  const allNumbers = entries.length === array.items.length && entries.every((e) => e.probability !== undefined);
  if (entries.length > 0 && allNumbers) {
    const probs = entries.map((e) => e.probability as number);
    const sum = probs.reduce((s, p) => s + p, 0);
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      const fixes: TextFix[] = [];
      if (sum > 0 && probs.every((p) => p >= 0)) {
        const normal = normalise(probs);
        const edits = entries.flatMap((e, i) => (normal[i] === e.probability ? [] : [replaceNode(e.probabilityNode as TextNode, formatNumber(normal[i]))]));
        fixes.push({ title: `Normalise the probabilities of ${at} (divide each by ${formatNumber(round6(sum))})`, edits, preferred: true });
      }
      ctx.problems.push({ code: 'sum', severity: 'error', message: `probabilities sum to ${formatNumber(round6(sum))}, not 1; divide each by ${formatNumber(round6(sum))} to normalise`, ...keySpan(prop), path: at, fixes });
    }
  }
}

/**
 * A base that mirrors at random (after the operations) makes a FlipLR operation change
 * nothing: a random flip of a flipped image is still a random flip. Said at base.flipLR.
 */
function checkBase(ctx: Ctx, root: ObjectNode): void {
  const base = property(root, 'base')?.value;
  const flip = base?.kind === 'object' ? scalar(property(base, 'flipLR')?.value) : undefined;
  if (flip?.value !== true) return;
  const lists = [property(root, 'operations')?.value];
  const schedule = property(root, 'schedule')?.value;
  if (schedule?.kind === 'array') for (const item of schedule.items) if (item.kind === 'object') lists.push(property(item, 'operations')?.value);
  const flips = lists.some((list) => list?.kind === 'array' && entriesOf(list).some((e) => e.op?.value === 'FlipLR' && (e.probability ?? 0) > 0));
  if (!flips) return;
  ctx.problems.push({
    code: 'base-redundant',
    severity: 'information',
    message: 'base.flipLR mirrors half the images at random after the operations, so the FlipLR operation changes nothing; set flipLR to false to let the policy decide, or drop FlipLR',
    offset: flip.offset,
    length: flip.length,
    path: 'base.flipLR',
    fixes: [{ title: 'Set base.flipLR to false', edits: [replaceNode(flip, 'false')], preferred: false }],
  });
}

function unknownOp(ctx: Ctx, e: Entry, name: string, entryPath: PathSegment[]): void {
  const op = e.op as ScalarNode;
  const suggestion = suggestOp(name, e.magnitude !== undefined);
  const fixes: TextFix[] = suggestion ? [{ title: `Change to ${suggestion}`, edits: [replaceNode(op, renderString(suggestion, op.quote, ctx.format))], preferred: true }] : [];
  const message = suggestion ? `unknown operation "${name}"; did you mean "${suggestion}"?` : `unknown operation "${name}"; allowed: ${OP_NAMES.join(', ')}`;
  ctx.problems.push({ code: 'unknown-op', severity: 'error', message, offset: op.offset, length: op.length, path: formatSegments([...entryPath, 'op']), fixes });
}

function offBin(ctx: Ctx, array: ArrayNode, entries: readonly Entry[], e: Entry, entryPath: PathSegment[]): void {
  const name = e.op?.value;
  const m = num(e.magnitude);
  if (typeof name !== 'string' || !isOpName(name) || OPS[name].magnitude === null || m === undefined || m < 0 || m > 1) return;
  if (ctx.bins.length === 0 || ctx.bins.some((b) => Math.abs(b - m) < 1e-9)) return;
  const nearest = ctx.bins.reduce((best, b) => (Math.abs(b - m) < Math.abs(best - m) ? b : best), ctx.bins[0]);
  const magnitudeNode = e.magnitude as TextNode;
  const fixes: TextFix[] = [];
  // Snapping onto a bin another entry already has would make a duplicate: merge into it instead.
  const twin = entries.find((o) => o !== e && o.op?.value === name && num(o.magnitude) === nearest);
  if (twin === undefined) {
    fixes.push({ title: `Snap magnitude to ${nearest}`, edits: [replaceNode(magnitudeNode, formatNumber(nearest))], preferred: true });
  } else if (twin.probability !== undefined && e.probability !== undefined && twin.probabilityNode) {
    const twinPath = formatSegments([...entryPath.slice(0, -1), twin.index]);
    fixes.push({
      title: `Snap magnitude to ${nearest} (merge into ${twinPath})`,
      edits: coalesce([replaceNode(twin.probabilityNode, formatNumber(twin.probability + e.probability)), itemDeletion(ctx.text, array, e.index)]),
      preferred: true,
    });
  }
  ctx.problems.push({
    code: 'off-bin',
    severity: 'information',
    message: `magnitude ${m} is not one of the search space's bins (${ctx.bins.join(', ')}); the nearest is ${nearest}`,
    offset: magnitudeNode.offset,
    length: magnitudeNode.length,
    path: formatSegments([...entryPath, 'magnitude']),
    fixes,
  });
}

function duplicates(ctx: Ctx, array: ArrayNode, entries: readonly Entry[], path: PathSegment[]): void {
  const groups = new Map<string, Entry[]>();
  for (const e of entries) {
    const key = entryKey(e);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(e);
    else groups.set(key, [e]);
  }
  for (const [key, group] of groups) {
    if (group.length < 2) continue;
    const [first, ...rest] = group;
    const firstPath = formatSegments([...path, first.index]);
    const fixes: TextFix[] = [];
    if (group.every((e) => e.probability !== undefined) && first.probabilityNode) {
      const total = group.reduce((s, e) => s + (e.probability as number), 0);
      const edits = coalesce([replaceNode(first.probabilityNode, formatNumber(total)), ...rest.map((e) => itemDeletion(ctx.text, array, e.index))]);
      fixes.push({ title: `Merge the ${group.length} ${key} entries into ${firstPath}`, edits, preferred: true });
    }
    for (const e of rest) {
      ctx.problems.push({
        code: 'duplicate',
        severity: 'error',
        message: `duplicates ${firstPath} (${key}); merge them by adding their probabilities`,
        offset: e.node.offset,
        length: e.node.length,
        path: formatSegments([...path, e.index]),
        fixes,
      });
    }
  }
}

function checkSchedule(ctx: Ctx, root: ObjectNode): void {
  const schedule = property(root, 'schedule')?.value;
  if (schedule?.kind !== 'array') return;
  schedule.items.forEach((item, i) => {
    if (item.kind === 'object') checkOperations(ctx, item, ['schedule', i, 'operations']);
  });
  const limits = schedule.items.map((item) => num(property(item, 'untilProgress')?.value));
  const nodes = schedule.items.map((item) => property(item, 'untilProgress')?.value);
  const known = limits.every((u) => u !== undefined);
  const sortable = known && new Set(limits).size === limits.length;
  const sortFix = (): TextFix[] => {
    if (!sortable) return [];
    const order = schedule.items.map((_, i) => i).sort((a, b) => (limits[a] as number) - (limits[b] as number));
    const edits = schedule.items.flatMap((item, i) => (order[i] === i ? [] : [replaceNode(item, ctx.text.slice(schedule.items[order[i]].offset, end(schedule.items[order[i]])))]));
    return [{ title: 'Sort the schedule by untilProgress', edits, preferred: true }];
  };
  let previous = 0;
  limits.forEach((u, i) => {
    const node = nodes[i];
    if (u === undefined || node === undefined) return;
    if (u <= previous) {
      ctx.problems.push({
        code: 'schedule-order',
        severity: 'error',
        message: `untilProgress ${u} must be greater than the previous entry's ${previous}; order schedule entries by untilProgress`,
        offset: node.offset,
        length: node.length,
        path: `schedule[${i}].untilProgress`,
        fixes: sortFix(),
      });
    }
    previous = u;
  });
  const last = limits.length - 1;
  const lastNode = nodes[last];
  if (last >= 0 && limits[last] !== undefined && limits[last] !== 1 && lastNode) {
    ctx.problems.push({
      code: 'schedule-end',
      severity: 'error',
      message: `the last schedule entry must reach 1 (got ${limits[last]})`,
      offset: lastNode.offset,
      length: lastNode.length,
      path: `schedule[${last}].untilProgress`,
      fixes: (limits[last] as number) > 0 && (limits[last] as number) <= 1 ? [{ title: 'Set untilProgress to 1', edits: [replaceNode(lastNode, '1')], preferred: true }] : [],
    });
  }
}

/**
 * Probabilities divided by their sum and rounded to 4 decimals (6 when an entry would
 * vanish), with the rounding remainder handed out so the result sums to exactly 1.
 */
export function normalise(probs: readonly number[]): number[] {
  const sum = probs.reduce((s, p) => s + p, 0);
  const shares = probs.map((p) => p / sum);
  const decimals = shares.some((s) => s > 0 && s < 5e-4) ? 6 : 4;
  const unit = 10 ** decimals;
  const scaled = shares.map((s) => s * unit);
  const floors = scaled.map(Math.floor);
  let left = unit - floors.reduce((s, f) => s + f, 0);
  const byRemainder = scaled.map((s, i) => ({ i, r: s - floors[i] })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    floors[i] += 1;
    left -= 1;
  }
  return floors.map((f) => f / unit);
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** Structural problems from policy.ts, located in the text; skipped where a finer problem already points. */
function schemaProblems(ctx: Ctx, root: ObjectNode): void {
  const opaque = collectOpaque(root);
  for (const o of opaque) {
    ctx.problems.push({ code: 'not-literal', severity: 'information', message: `${o.reason}: DDAS checks only literal values, so this part is not validated`, offset: o.offset, length: o.length, path: '(root)', fixes: [] });
  }
  if (opaque.length > 0) return;
  const value = toPlain(root);
  const result = validatePolicy(value);
  if (result.ok) return;
  const taken = ctx.problems.map((p) => p.path);
  for (const p of result.problems) {
    if (taken.some((t) => t === p.path || t.startsWith(`${p.path}.`) || t.startsWith(`${p.path}[`))) continue;
    const segments = parsePath(p.path);
    const span = locate(root, segments);
    ctx.problems.push({ code: 'schema', severity: 'error', message: p.message, ...span, path: p.path, fixes: [] });
  }
}

function collectOpaque(node: TextNode): Extract<TextNode, { kind: 'opaque' }>[] {
  if (node.kind === 'opaque') return [node];
  if (node.kind === 'array') return node.items.flatMap(collectOpaque);
  if (node.kind === 'object') return node.properties.flatMap((p) => (p.value ? collectOpaque(p.value) : []));
  return [];
}

function toPlain(node: TextNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'array') return node.items.map(toPlain);
  if (node.kind === 'object') return Object.fromEntries(node.properties.map((p) => [p.key, p.value ? toPlain(p.value) : undefined]));
  return undefined;
}

/** The deepest existing node on the path; objects and arrays under a key are pointed at by the key. */
function locate(root: ObjectNode, segments: readonly PathSegment[]): { offset: number; length: number } {
  let node: TextNode = root;
  let span: { offset: number; length: number } = { offset: root.offset, length: 1 };
  for (const s of segments) {
    if (typeof s === 'string') {
      const prop = property(node, s);
      if (!prop?.value) return span;
      span = prop.value.kind === 'object' || prop.value.kind === 'array' ? keySpan(prop) : prop.value;
      node = prop.value;
    } else {
      const next = nodeAtPath(node, [s]);
      if (!next) return span;
      span = next;
      node = next;
    }
  }
  return { offset: span.offset, length: span.length };
}
