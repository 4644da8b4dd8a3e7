/**
 * An evaluation's checkpoint: the request it was started with, every finished run, and
 * the run in progress between two steps. Written atomically after each run, at each
 * epoch's end and on cancel, so a killed evaluation resumes at the run it was in.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EvaluateRequestSchema, type EvaluateRequest } from '../../shared/evaluation';
import type { RunResult } from '../../shared/evaluation-summary';
import { UserError } from '../errors';
import { writeFileAtomic } from '../io/atomic';
import type { RunState } from './training';

export const EVALUATE_CHECKPOINT_FILE = 'ddas-evaluate-checkpoint.json';
const FORMAT = 'ddas-evaluate-checkpoint';
const VERSION = 1;

export interface FinishedRun extends RunResult {
  readonly seconds: number;
}

export interface EvaluateCheckpoint {
  readonly format: typeof FORMAT;
  readonly version: typeof VERSION;
  readonly request: EvaluateRequest;
  readonly startedAt: string;
  readonly testSha256: string;
  readonly finished: readonly FinishedRun[];
  readonly current?: RunState;
}

export function evaluateCheckpointPath(dir: string): string {
  return path.join(dir, EVALUATE_CHECKPOINT_FILE);
}

export async function writeEvaluateCheckpoint(dir: string, content: Omit<EvaluateCheckpoint, 'format' | 'version'>): Promise<string> {
  const file = evaluateCheckpointPath(dir);
  const full: EvaluateCheckpoint = { format: FORMAT, version: VERSION, ...content };
  await writeFileAtomic(file, JSON.stringify(full));
  return file;
}

/** Reads a checkpoint, or explains why it cannot be used. */
export function readEvaluateCheckpoint(dir: string): EvaluateCheckpoint {
  const file = evaluateCheckpointPath(dir);
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `${file}: no evaluation checkpoint to resume from. Start a new evaluation (without --resume).` : `${file}: the checkpoint is unreadable (${(e as Error).message}). Delete it and start a new evaluation.`);
  }
  const c = value as Partial<EvaluateCheckpoint> | null;
  if (!c || typeof c !== 'object' || c.format !== FORMAT) throw new UserError(`${file}: not a DDAS evaluation checkpoint. Point --checkpoint-dir at the folder an evaluation wrote.`);
  if (c.version !== VERSION) throw new UserError(`${file}: evaluation checkpoint version ${String(c.version)} is not supported (expected ${VERSION}). Start a new evaluation.`);
  if (!c.request || !Array.isArray(c.finished) || typeof c.testSha256 !== 'string' || typeof c.startedAt !== 'string') throw new UserError(`${file}: the evaluation checkpoint is incomplete. Delete it and start a new evaluation.`);
  const request = EvaluateRequestSchema.safeParse(c.request);
  if (!request.success) throw new UserError(`${file}: the evaluation checkpoint holds a request this engine cannot read (${request.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ')}). Start a new evaluation.`);
  return { ...(c as EvaluateCheckpoint), request: request.data };
}
