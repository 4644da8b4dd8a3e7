/**
 * The quality benchmark (issue 12): does the default search's policy beat the baselines a
 * user would pick, on held-out images? One command, through the product's own CLI:
 *
 *   npm run build && npx tsx bench/quality.ts [--sets=fmnist,arrows] [--presets=quick]
 *       [--epochs=40,60] [--seeds=3] [--train-size=2000] [--test-size=N] [--backend=auto]
 *
 * Per set: `ddas search --preset P` on the set's train split (the held-out split is never
 * searched), then `ddas evaluate` of each searched policy against none, base, RandAugment,
 * TrivialAugmentWide and uniform, paired over seeds, at each training budget (the short one
 * tells policies apart; at the long one they tend to tie). Prints a markdown table per
 * (set, budget) for bench/RESULTS.md. Everything lands in bench/out/quality/ (reports as
 * JSON, the policies); a re-run reuses finished searches and evaluations.
 *
 * Sets: fmnist = Debian's Fashion-MNIST (dataset-fashion-mnist; 10,000 t10k images held
 * out); arrows = colour arrows written as CIFAR binary batches (class = the arrow's
 * direction, so FlipLR/FlipUD destroy the label; random hues, heavy noise, few images).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { arrowImages } from '../src/engine/ddas/synthetic';
import type { EvaluationReport } from '../src/shared/evaluation';
import { PRESETS, type PresetName } from '../src/shared/presets';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const list = (k: string, d: string): string[] => (args.get(k) ?? d).split(',').filter((s) => s !== '');
const root = path.dirname(path.dirname(__filename));
const out = path.join(root, 'bench', 'out', 'quality');
const ddas = path.join(root, 'bin', 'ddas.js');

const FMNIST = '/usr/share/datasets/fashion-mnist';

/** Colour arrows as a CIFAR-10 binary folder: data_batch_1.bin (train), test_batch.bin (held out). */
function writeArrows(dir: string, train: number, test: number, noise: number): string {
  if (fs.existsSync(path.join(dir, 'test_batch.bin'))) return dir;
  fs.mkdirSync(dir, { recursive: true });
  const write = (file: string, count: number, seed: number): void => {
    const { pixels, labels } = arrowImages(count, seed, { noise });
    const px = 32 * 32;
    const buf = Buffer.alloc(count * (1 + 3 * px));
    for (let i = 0; i < count; i++) {
      const at = i * (1 + 3 * px);
      buf[at] = labels[i];
      // CIFAR stores the channels as planes (all R, then G, then B).
      for (let p = 0; p < px; p++) for (let c = 0; c < 3; c++) buf[at + 1 + c * px + p] = pixels[(i * px + p) * 3 + c];
    }
    fs.writeFileSync(path.join(dir, file), buf);
  };
  write('data_batch_1.bin', train, 1);
  write('test_batch.bin', test, 2);
  return dir;
}

function ddasRun(argv: string[]): void {
  console.log(`$ ddas ${argv.join(' ')}`);
  const r = spawnSync(process.execPath, [ddas, ...argv], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`ddas ${argv[0]} failed (exit ${r.status ?? r.signal})`);
}

const pct = (v: number): string => (100 * v).toFixed(2);

function table(report: EvaluationReport, title: string): string {
  const best = report.bestBaseline;
  const lines = [`### ${title}`, '', `${report.dataset.trainImages} training images, ${report.budget.epochs} epochs, ${report.budget.seeds} seeds, ${report.dataset.testImages} held-out images (${report.dataset.heldOut}); ${report.model} on ${report.backend}, ${Math.round(report.seconds)} s`, ''];
  lines.push(`| entry | accuracy (%) | 95% CI | vs ${best ?? 'best baseline'} (points, 95% CI) |`, '|---|---|---|---|');
  for (const e of report.entries) {
    const d = report.differences.find((x) => x.entry === e.label && x.reference === best);
    const diff = d ? `${d.difference.mean >= 0 ? '+' : ''}${pct(d.difference.mean)} (${pct(d.difference.low)}..${pct(d.difference.high)})` : '-';
    lines.push(`| ${e.label} | ${pct(e.accuracy.mean)} | ${pct(e.accuracy.low)}..${pct(e.accuracy.high)} | ${diff} |`);
  }
  lines.push('', `Verdict: ${report.verdict}`, '');
  return lines.join('\n');
}

function main(): void {
  const seeds = args.get('seeds') ?? '3';
  const trainSize = args.get('train-size') ?? '2000';
  const backend = args.get('backend') ?? 'auto';
  const sets: Record<string, () => string> = {
    fmnist: () => FMNIST,
    arrows: () => writeArrows(path.join(out, 'arrows-data'), Number(args.get('arrows-train') ?? 3000), Number(args.get('arrows-test') ?? 2000), Number(args.get('arrows-noise') ?? 40)),
  };
  fs.mkdirSync(out, { recursive: true });
  const tables: string[] = [];
  for (const set of list('sets', 'fmnist,arrows')) {
    const dataset = sets[set]?.();
    if (!dataset) throw new Error(`--sets: unknown set ${set} (fmnist, arrows)`);
    const policies: string[] = [];
    for (const preset of list('presets', 'quick') as PresetName[]) {
      if (!(preset in PRESETS)) throw new Error(`--presets: unknown preset ${preset}`);
      const file = path.join(out, `${set}-${preset}.augpolicy.json`);
      if (!fs.existsSync(file)) ddasRun(['search', dataset, '--preset', preset, '--out', file, '--backend', backend, '--checkpoint-dir', path.join(out, `${set}-${preset}.checkpoint`)]);
      policies.push(file);
    }
    for (const epochs of list('epochs', '40,60')) {
      const report = path.join(out, `${set}-e${epochs}-n${trainSize}-s${seeds}.report.json`);
      if (!fs.existsSync(report)) {
        ddasRun([
          'evaluate', dataset, '--policy', ...policies, '--baselines', 'none,base,randaugment,trivialaugment,uniform', '--seeds', seeds, '--epochs', epochs, '--train-size', trainSize,
          ...(args.has('test-size') ? ['--test-size', args.get('test-size') ?? ''] : []), '--backend', backend, '--out', report, '--force', '--checkpoint-dir', `${report}.checkpoint`,
        ]);
      }
      tables.push(table(JSON.parse(fs.readFileSync(report, 'utf8')) as EvaluationReport, `${set}, ${epochs} epochs`));
    }
  }
  const summary = [`Quality benchmark, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'CPU'}`, `command: npx tsx bench/quality.ts ${process.argv.slice(2).join(' ')}`, '', ...tables].join('\n');
  fs.writeFileSync(path.join(out, 'summary.md'), summary);
  console.log(`\n${summary}`);
}

main();
