/**
 * The engine protocol (DESIGN section 6): newline-delimited JSON on the engine's
 * stdin/stdout. Requests carry an `id`; events name the request they answer. Any
 * engine speaking these lines (this TensorFlow.js one, or a future PyTorch one) plugs
 * into the extension and the webview unchanged.
 */
import { z } from 'zod';
import { BaseTransformSchema, type BaseTransform } from './base';
import { EvaluateRequestSchema, type EvaluateEvent } from './evaluation';
import { OP_NAMES } from './ops';
import { PolicySchema, type Evidence, type Policy } from './policy';

export const PROTOCOL_VERSION = 1;

export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

const id = z.string().min(1).max(200);

export const SearchBudgetSchema = z.strictObject({
  epochs: z.number().int().min(1).max(10000),
  trainSize: z.number().int().min(2),
  valSize: z.number().int().min(2),
  batch: z.number().int().min(1).max(4096),
  valBatch: z.number().int().min(1).max(4096).optional(),
});
export type SearchBudget = z.infer<typeof SearchBudgetSchema>;

export const SearchSpaceSchema = z.strictObject({
  ops: z.array(z.enum(OP_NAMES)).min(1),
  magnitudes: z.array(z.number().min(0).max(1)).min(1),
});
export type SearchSpaceSpec = z.infer<typeof SearchSpaceSchema>;

export const SearchRequestSchema = z.strictObject({
  kind: z.literal('search'),
  id,
  dataset: z.string().min(1),
  budget: SearchBudgetSchema,
  space: SearchSpaceSchema.optional(),
  opsPerImage: z.number().int().min(1).max(8).default(2),
  seed: z.number().int().default(0),
  model: z.enum(['resnet-small', 'wrn-40-2']).optional(),
  learningRates: z.strictObject({ alpha: z.number().positive(), beta: z.number().positive() }).optional(),
  /** Mix of the sub-policy sampling distribution: 1 = uniform (official code), 0 = p. */
  explore: z.number().min(0).max(1).default(1),
  /** What the user's training does after the policy; absent: the default (mild random crop, src/shared/base.ts). */
  base: BaseTransformSchema.optional(),
  checkpointDir: z.string().optional(),
  resume: z.boolean().default(false),
});

export const PreviewRequestSchema = z.strictObject({
  kind: z.literal('preview'),
  id,
  /** Image files, or PNG/JPEG bytes in base64. */
  images: z.array(z.union([z.strictObject({ path: z.string() }), z.strictObject({ base64: z.string() })])).min(1).max(64).optional(),
  /**
   * Or images taken from a dataset (IDX and CIFAR have no image files): the given indices,
   * or `take` images spread over the dataset. Exactly one of `images` and `dataset`.
   */
  dataset: z
    .strictObject({
      path: z.string().min(1),
      indices: z.array(z.number().int().min(0)).min(1).max(64).optional(),
      take: z.number().int().min(1).max(64).optional(),
    })
    .optional(),
  /** Also send each source image itself (as a thumbnail of the same scale) in `original`. */
  originals: z.boolean().default(false),
  /** Either fixed ops (applied in order) or a policy to sample from. */
  ops: z.array(z.strictObject({ op: z.enum(OP_NAMES), magnitude: z.number().min(0).max(1).optional(), sign: z.union([z.literal(1), z.literal(-1)]).optional() })).optional(),
  policy: PolicySchema.optional(),
  count: z.number().int().min(1).max(32).default(1),
  seed: z.number().int().default(0),
  /** Scale thumbnails up to at least this many pixels per side (nearest). */
  minSize: z.number().int().min(1).max(512).optional(),
  /** Scale thumbnails down to at most this many pixels per side (keeps the aspect ratio). */
  maxSize: z.number().int().min(8).max(4096).optional(),
});

export const RequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('hello'), id }),
  SearchRequestSchema,
  PreviewRequestSchema,
  EvaluateRequestSchema,
  z.strictObject({ kind: z.literal('cancel'), id, target: id.optional() }),
  z.strictObject({ kind: z.literal('shutdown'), id }),
]);

export type Request = z.input<typeof RequestSchema>;
export type ParsedRequest = z.output<typeof RequestSchema>;
export type SearchRequest = z.output<typeof SearchRequestSchema>;
export type PreviewRequest = z.output<typeof PreviewRequestSchema>;

export interface BackendReport {
  readonly name: string;
  readonly device: string;
  readonly skipped: readonly { backend: string; reason: string }[];
}

export interface ProgressEvent {
  readonly kind: 'progress';
  readonly id: string;
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly stepsPerEpoch: number;
  readonly pAug: number;
  /** Level-2 distribution over the search space's categories (same order as `categories`). */
  readonly p: readonly number[];
  readonly trainLoss: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  readonly imagesPerSecond: number;
  readonly etaSeconds: number;
}

/** One source image of a preview: its augmented draws (PNG, base64), and what it is. */
export interface PreviewImage {
  /** Index into the request's images (or dataset picks). */
  readonly source: number;
  readonly draws: readonly string[];
  /** The source itself, when the request asked for `originals`. */
  readonly original?: string;
  /** For dataset images: "<class name> #<index>". */
  readonly label?: string;
}

export type EngineEvent =
  | { kind: 'ready'; id?: string; protocol: number; engine: string; version: string; backend: BackendReport; versions: Record<string, string> }
  | { kind: 'started'; id: string; categories: readonly string[]; backend: BackendReport; model: string; datasetSize: number; resumedFromEpoch?: number; /** The base transform the search runs under (resolved). */ base?: BaseTransform }
  | ProgressEvent
  | { kind: 'snapshot'; id: string; epoch: number; pAug: number; p: readonly number[]; valAccuracy: number; evidence?: Evidence }
  | { kind: 'checkpoint'; id: string; epoch: number; path: string }
  | { kind: 'result'; id: string; policy: Policy; outFile?: string }
  | { kind: 'cancelled'; id: string; checkpoint?: string }
  | { kind: 'preview'; id: string; images: readonly PreviewImage[] }
  | { kind: 'error'; id?: string; code: ErrorCode; message: string }
  | { kind: 'log'; id?: string; level: 'info' | 'warn' | 'debug'; message: string }
  | EvaluateEvent;

export type ErrorCode = 'bad-request' | 'bad-input' | 'busy' | 'not-found' | 'backend' | 'internal';

export type EventKind = EngineEvent['kind'];

/** Parses one request line; the error text says what is wrong with it. */
export function parseRequest(line: string): { ok: true; request: ParsedRequest } | { ok: false; id?: string; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { ok: false, message: `not JSON: ${(e as Error).message}. Send one JSON object per line.` };
  }
  const parsed = RequestSchema.safeParse(value);
  if (parsed.success) return { ok: true, request: parsed.data };
  const maybeId = value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : undefined;
  const details = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(request)'}: ${i.message}`).join('; ');
  return { ok: false, id: maybeId, message: `bad request: ${details}. Kinds: hello, search, preview, evaluate, cancel, shutdown.` };
}

export function encodeEvent(event: EngineEvent): string {
  return JSON.stringify(event) + '\n';
}
