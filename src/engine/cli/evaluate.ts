/**
 * `ddas evaluate DATASET --policy FILE...`: train fresh nets with each policy and each
 * baseline, score them on held-out images, and print the comparison (a progress bar on a
 * TTY, a line per run otherwise, then a table and the verdict; --json: the events).
 */
import { SingleBar } from 'cli-progress';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BaseTransform } from '../../shared/base';
import { BASELINE_NAMES, EvaluateRequestSchema, type BaselineName, type EvaluateEntry, type EvaluateRequest, type EvaluationReport } from '../../shared/evaluation';
import { percent, signedPoints } from '../../shared/evaluation-summary';
import { policyStem } from '../../shared/export';
import { encodeEvent, type BackendReport, type EngineEvent } from '../../shared/protocol';
import { selectBackend, type BackendRequest } from '../backend/select';
import { UserError } from '../errors';
import { evaluateCheckpointPath, readEvaluateCheckpoint } from '../evaluate/checkpoint';
import { runEvaluateJob } from '../evaluate/job';
import { writeFileAtomic } from '../io/atomic';
import { readPolicyFile } from '../io/policy-file';

export interface EvaluateArgs {
  dataset: string;
  policies: readonly string[];
  /** Comma-separated baseline names; undefined = all five. */
  baselines?: string;
  seeds: number;
  epochs: number;
  trainSize: number;
  testSize?: number;
  batch: number;
  seed: number;
  model: 'resnet-small' | 'wrn-40-2';
  base?: BaseTransform | 'default';
  backend: BackendRequest;
  checkpointDir?: string;
  resume: boolean;
  json: boolean;
  out?: string;
  force: boolean;
}

export const DEFAULT_CHECKPOINT_DIR = 'ddas-evaluate.checkpoint';

/** "none,base" -> the names, with a message naming what is allowed. */
export function parseBaselines(list: string): BaselineName[] {
  const names = list.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  const out: BaselineName[] = [];
  for (const name of names) {
    if (!(BASELINE_NAMES as readonly string[]).includes(name)) throw new UserError(`--baselines: "${name}" is not a baseline. Choose from ${BASELINE_NAMES.join(', ')} (comma-separated, e.g. --baselines none,base).`);
    if (!out.includes(name as BaselineName)) out.push(name as BaselineName);
  }
  return out;
}

const FLAGS: Record<string, string> = { seeds: '--seeds', epochs: '--epochs', trainSize: '--train-size', testSize: '--test-size', batch: '--batch', entries: '--policy / --baselines' };

function checkedRequest(value: unknown): EvaluateRequest {
  const parsed = EvaluateRequestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => `${FLAGS[String(i.path[i.path.length - 1])] ?? FLAGS[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`).join('; ');
  throw new UserError(`bad evaluation settings: ${details}. See ddas evaluate --help.`);
}

export function evaluateRequest(args: EvaluateArgs, checkpointDir: string): EvaluateRequest {
  if (args.resume) {
    const saved = readEvaluateCheckpoint(checkpointDir).request;
    if (path.resolve(saved.dataset) !== path.resolve(args.dataset)) throw new UserError(`${evaluateCheckpointPath(checkpointDir)}: this checkpoint evaluates ${saved.dataset}, not ${args.dataset}. Give that dataset, or another --checkpoint-dir.`);
    return { ...saved, id: 'cli', checkpointDir, resume: true };
  }
  if (args.policies.length === 0 && args.baselines === undefined) throw new UserError('nothing to evaluate: give one or more --policy FILE (and optionally --baselines), or --baselines alone to compare baselines.');
  const policies: EvaluateEntry[] = args.policies.map((file) => ({ kind: 'policy', label: policyStem(file), policy: readPolicyFile(file), file: path.resolve(file) }));
  const baselines: EvaluateEntry[] = (args.baselines === undefined ? [...BASELINE_NAMES] : parseBaselines(args.baselines)).map((name) => ({ kind: 'baseline', name }));
  return checkedRequest({
    kind: 'evaluate',
    id: 'cli',
    dataset: args.dataset,
    entries: [...policies, ...baselines],
    budget: { seeds: args.seeds, epochs: args.epochs, trainSize: args.trainSize, batch: args.batch, ...(args.testSize !== undefined ? { testSize: args.testSize } : {}) },
    ...(args.base !== undefined ? { base: args.base } : {}),
    model: args.model,
    seed: args.seed,
    checkpointDir,
    resume: false,
  });
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Renders events for a person: a progress bar on a TTY, a line per run otherwise. */
function terminalView(log: (line: string) => void): { emit: (e: EngineEvent) => void; stop: () => void } {
  const tty = process.stderr.isTTY === true;
  let bar: SingleBar | undefined;
  return {
    emit: (e) => {
      switch (e.kind) {
        case 'evaluateStarted':
          log(`evaluating ${e.labels.join(', ')} over ${e.seeds} seed${e.seeds === 1 ? '' : 's'} (${e.runs ?? e.labels.length * e.seeds} runs of ${e.epochs} epochs) with ${e.model ?? 'the proxy net'} on ${e.backend}: ${e.trainImages.toLocaleString('en-US')} training images, ${e.testImages.toLocaleString('en-US')} held-out images (${e.heldOut}), base ${e.base ?? '?'}${e.resumedRuns !== undefined ? `; resumed with ${e.resumedRuns} runs done` : ''}`);
          break;
        case 'evaluateProgress': {
          if (!tty) break;
          const spe = e.stepsPerEpoch ?? 1;
          const total = e.runs * e.epochs * spe;
          if (!bar) {
            bar = new SingleBar({ format: '{bar} {percentage}% | ETA {left} | {info}', stream: process.stderr, hideCursor: true });
            bar.start(total, 0, { left: '?', info: '' });
          }
          const acc = e.testAccuracy !== undefined ? `  held-out ${percent(e.testAccuracy)}` : '';
          bar.update(e.run * e.epochs * spe + e.epoch * spe + (e.step ?? spe - 1) + 1, { left: duration(e.etaSeconds), info: `run ${e.run + 1}/${e.runs} ${e.label} seed ${e.seed}  epoch ${e.epoch + 1}/${e.epochs}  loss ${e.trainLoss.toFixed(3)}${acc}` });
          break;
        }
        case 'evaluateRun':
          if (!tty) log(`${e.run !== undefined && e.runs !== undefined ? `run ${e.run + 1}/${e.runs}  ` : ''}${e.label}  seed ${e.seed}: ${percent(e.accuracy)} held-out${e.seconds !== undefined ? ` (${duration(e.seconds)})` : ''}`);
          break;
        case 'log':
          if (bar) bar.stop();
          bar = undefined;
          log(e.message);
          break;
        default:
          break;
      }
    },
    stop: () => bar?.stop(),
  };
}

/** The final table: entry, mean, 95% CI, paired difference to the best baseline. */
export function reportTable(report: EvaluationReport): string[] {
  const best = report.bestBaseline;
  const diff = (label: string): string => {
    if (!best) return '';
    if (label === best) return 'best baseline';
    const d = report.differences.find((x) => x.entry === label && x.reference === best);
    if (!d) return '';
    return report.entries[0].accuracies.length < 2 ? signedPoints(d.difference.mean) : `${signedPoints(d.difference.mean)} (${signedPoints(d.difference.low)}..${signedPoints(d.difference.high)})`;
  };
  const rows = [['entry', 'mean', '95% CI', best ? `vs ${best}, points (95% CI)` : '']];
  for (const e of report.entries) {
    const ci = e.accuracies.length < 2 ? '-' : `${(100 * e.accuracy.low).toFixed(1)}..${(100 * e.accuracy.high).toFixed(1)}`;
    rows.push([e.label, percent(e.accuracy.mean), ci, diff(e.label)]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
}

export async function runEvaluate(args: EvaluateArgs, log: (line: string) => void, write: (text: string) => void): Promise<number> {
  const out = args.out ? path.resolve(args.out) : undefined;
  // Refuse before spending hours: an existing report is never overwritten silently.
  if (out && fs.existsSync(out) && !args.force) throw new UserError(`${out} already exists. Pass --force to replace it, or --out to write elsewhere.`);
  const checkpointDir = path.resolve(args.checkpointDir ?? (out ? `${out}.checkpoint` : DEFAULT_CHECKPOINT_DIR));
  const request = evaluateRequest(args, checkpointDir);
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
  let report: EvaluationReport | undefined;
  try {
    report = await runEvaluateJob(request, view.emit, controller.signal, backend);
  } finally {
    view.stop();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  if (!report) {
    const resume = ['ddas', 'evaluate', JSON.stringify(args.dataset), '--resume', '--checkpoint-dir', JSON.stringify(checkpointDir), ...(out ? ['--out', JSON.stringify(out)] : [])].join(' ');
    if (!args.json) log(`Stopped. The evaluation is saved in ${evaluateCheckpointPath(checkpointDir)}; continue it with:\n  ${resume}`);
    return 130;
  }
  if (out) await writeFileAtomic(out, JSON.stringify(report, null, 2) + '\n');
  // The report holds the result; the checkpoint is only needed to continue an unfinished evaluation.
  fs.rmSync(evaluateCheckpointPath(checkpointDir), { force: true });
  if (!args.checkpointDir) removeIfEmpty(checkpointDir);
  if (!args.json) {
    for (const line of reportTable(report)) write(line);
    write(report.verdict);
    if (out) log(`wrote the report to ${out}`);
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
