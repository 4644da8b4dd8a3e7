/** `ddas search DATASET`: a DDAS search in a terminal (progress bar) or as JSON lines (--json). */
import { SingleBar } from 'cli-progress';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeBase, type BaseTransform } from '../../shared/base';
import type { Policy } from '../../shared/policy';
import { PRESETS, type PresetName } from '../../shared/presets';
import { encodeEvent, SearchSpaceSchema, type BackendReport, type EngineEvent, type ProgressEvent, type SearchRequest } from '../../shared/protocol';
import { augmentSentence, evidenceSentence } from '../../shared/evidence-text';
import { describeOp, type OpName } from '../../shared/ops';
import { selectBackend, type BackendRequest } from '../backend/select';
import { UserError } from '../errors';
import { writeFileAtomic } from '../io/atomic';
import { checkpointPath, runSearchJob } from '../search/job';

export interface SearchArgs {
  dataset: string;
  out?: string;
  force: boolean;
  preset: PresetName;
  epochs?: number;
  trainSize?: number;
  valSize?: number;
  batch?: number;
  valBatch?: number;
  opsPerImage: number;
  space?: string;
  seed: number;
  backend: BackendRequest;
  checkpointDir?: string;
  resume: boolean;
  json: boolean;
  lrAlpha?: number;
  lrBeta?: number;
  explore: number;
  /** 'default': the engine picks the default base from the image size. */
  base: BaseTransform | 'default';
  model?: 'resnet-small' | 'wrn-40-2';
}

function readSpace(file: string): SearchRequest['space'] {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${file}: cannot read the search space (${(e as Error).message}). It is JSON like {"ops": ["Rotate", "FlipLR"], "magnitudes": [0.25, 0.5, 0.75, 1]}.`);
  }
  const parsed = SearchSpaceSchema.safeParse(value);
  if (!parsed.success) {
    throw new UserError(`${file}: not a search space: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}. Expected {"ops": [operation names], "magnitudes": [numbers in 0..1]}.`);
  }
  return parsed.data;
}

export function searchRequest(args: SearchArgs, out: string): SearchRequest {
  const preset = PRESETS[args.preset];
  return {
    kind: 'search',
    id: 'cli',
    dataset: args.dataset,
    budget: {
      epochs: args.epochs ?? preset.budget.epochs,
      trainSize: args.trainSize ?? preset.budget.trainSize,
      valSize: args.valSize ?? preset.budget.valSize,
      batch: args.batch ?? preset.budget.batch,
      valBatch: args.valBatch ?? preset.budget.valBatch,
    },
    ...(args.space ? { space: readSpace(args.space) } : {}),
    opsPerImage: args.opsPerImage,
    seed: args.seed,
    model: args.model ?? preset.model,
    learningRates: { alpha: args.lrAlpha ?? preset.learningRates.alpha, beta: args.lrBeta ?? preset.learningRates.beta },
    explore: args.explore,
    ...(args.base !== 'default' ? { base: args.base } : {}),
    checkpointDir: args.checkpointDir ?? `${out}.checkpoint`,
    resume: args.resume,
  };
}

function topOps(categories: readonly string[], p: readonly number[], k: number): string {
  return p
    .map((v, i) => ({ v, i }))
    .sort((a, b) => b.v - a.v)
    .slice(0, k)
    .map(({ v, i }) => {
      const [op, m] = categories[i].split('@');
      return `${describeOp(op as OpName, m === undefined ? undefined : Number(m))} ${(100 * v).toFixed(1)}%`;
    })
    .join(', ');
}

/** Renders events for a person: a progress bar on a TTY, a line per epoch otherwise. */
function terminalView(log: (line: string) => void): { emit: (e: EngineEvent) => void; stop: () => void } {
  const tty = process.stderr.isTTY === true;
  let categories: readonly string[] = [];
  let bar: SingleBar | undefined;
  const line = (p: ProgressEvent): string =>
    `epoch ${p.epoch + 1}/${p.epochs}  p_aug ${p.pAug.toFixed(3)}  val acc ${(100 * p.valAccuracy).toFixed(1)}%  ${p.imagesPerSecond.toFixed(0)} img/s  top: ${topOps(categories, p.p, 3)}`;
  return {
    emit: (e) => {
      switch (e.kind) {
        case 'started':
          categories = e.categories;
          if (e.base) log(`base: ${describeBase(e.base)}`);
          log(`searching with ${e.model} on ${e.backend.name} (${e.backend.device}) over ${e.categories.length} categories, ${e.datasetSize} images${e.resumedFromEpoch !== undefined ? `, resumed at epoch ${e.resumedFromEpoch + 1}` : ''}`);
          for (const s of e.backend.skipped) log(`  backend ${s.backend} skipped: ${s.reason}`);
          break;
        case 'progress': {
          const total = e.epochs * e.stepsPerEpoch;
          if (tty) {
            if (!bar) {
              bar = new SingleBar({ format: '{bar} {percentage}% | ETA {eta_formatted} | {info}', stream: process.stderr, hideCursor: true, etaBuffer: 20 });
              bar.start(total, 0, { info: '' });
            }
            bar.update(e.epoch * e.stepsPerEpoch + e.step + 1, { info: line(e) });
          }
          break;
        }
        case 'snapshot':
          if (!tty) log(`epoch ${e.epoch + 1} done: p_aug ${e.pAug.toFixed(3)}, val acc ${(100 * e.valAccuracy).toFixed(1)}%, top: ${topOps(categories, e.p, 3)}`);
          break;
        case 'log':
          log(e.message);
          break;
        default:
          break;
      }
    },
    stop: () => bar?.stop(),
  };
}

export async function runSearch(args: SearchArgs, log: (line: string) => void, write: (text: string) => void): Promise<number> {
  const out = path.resolve(args.out ?? `${path.basename(path.resolve(args.dataset)).replace(/\.[^.]*$/, '')}.augpolicy.json`);
  // Refuse before spending minutes: the user's policy is never overwritten silently.
  if (fs.existsSync(out) && !args.force) throw new UserError(`${out} already exists. Pass --force to replace it, or --out to write elsewhere.`);
  const request = searchRequest(args, out);
  const selection = await selectBackend(args.backend);
  const backend: BackendReport = { name: selection.name, device: selection.device, skipped: selection.reasons.map((r) => ({ backend: r.backend, reason: r.skipped })) };
  const view = args.json ? { emit: (e: EngineEvent) => write(encodeEvent(e)), stop: () => undefined } : terminalView(log);
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let policy: Policy | undefined;
  try {
    policy = await runSearchJob(request, view.emit, controller.signal, backend);
  } finally {
    view.stop();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  if (!policy) {
    const resume = ['ddas', 'search', JSON.stringify(args.dataset), '--resume', '--checkpoint-dir', JSON.stringify(request.checkpointDir), '--out', JSON.stringify(out)].join(' ');
    if (!args.json) log(`Stopped. The search is saved in ${checkpointPath(request.checkpointDir ?? '')}; continue it with:\n  ${resume}`);
    return 130;
  }
  await writeFileAtomic(out, JSON.stringify(policy, null, 2) + '\n');
  // The policy holds the result; the checkpoint is only needed to continue an unfinished search.
  if (request.checkpointDir) {
    fs.rmSync(checkpointPath(request.checkpointDir), { force: true });
    // The default folder beside the policy is ours: drop it when nothing else is in it.
    if (!args.checkpointDir) removeIfEmpty(request.checkpointDir);
  }
  if (!args.json) {
    log(`p_aug ${policy.applyProbability}, top operations: ${topOps(policy.operations.map((o) => ('magnitude' in o ? `${o.op}@${o.magnitude}` : o.op)), policy.operations.map((o) => o.probability), 5)}`);
    const meta = policy.search;
    if (meta?.learnedApplyProbability !== undefined && meta.evidenceWeight !== undefined) {
      log(`applyProbability ${policy.applyProbability} = learned p_aug ${meta.learnedApplyProbability} x ${meta.evidenceWeight.toFixed(3)}, the evidence that augmenting helps`);
    }
    if (meta?.perplexity !== undefined) log(`level 2 spreads over ${meta.perplexity.toFixed(1)} of ${policy.operations.length} categories (perplexity)`);
    if (meta?.evidence) {
      log(augmentSentence(meta.evidence));
      log(evidenceSentence(meta.evidence));
    }
    log(`wrote the policy to ${out}`);
  }
  return 0;
}

function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // Not empty (someone put files there) or already gone: leave it.
  }
}
