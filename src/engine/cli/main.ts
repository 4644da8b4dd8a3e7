/**
 * The `ddas` command line. Exit codes: 0 success, 2 bad usage or bad input (one
 * paragraph on stderr saying what is wrong and what to do), 1 an internal error.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DatasetError } from '../data/errors';
import { UserError } from '../errors';
import { runApply } from './apply';
import { runEvaluate, type EvaluateArgs } from './evaluate';
import { runExport } from './export';
import { runInfo } from './info';
import { runSearch, type SearchArgs } from './search';
import { runServe } from './serve';
import { parseBase, type BaseTransform } from '../../shared/base';
import { PRESETS } from '../../shared/presets';
import { BACKEND_CHOICES } from '../../shared/protocol';
import { BASELINE_NAMES } from '../../shared/evaluation';
import { EXPORT_FORMATS, type ExportFormat } from '../../shared/export';

declare const DDAS_VERSION: string | undefined;
const VERSION = typeof DDAS_VERSION === 'string' ? DDAS_VERSION : '0.0.0-dev';

function number(name: string, check: (v: number) => boolean, allowed: string): (value: string) => number {
  return (value) => {
    const v = Number(value);
    if (value.trim() === '' || !Number.isFinite(v) || !check(v)) throw new InvalidArgumentError(`${name} must be ${allowed} (got "${value}").`);
    return v;
  };
}

const integer = (name: string, min: number) => number(name, (v) => Number.isInteger(v) && v >= min, `an integer >= ${min}`);

/** --base: "default" (resolved by the engine from the image size), "none" or e.g. "crop=4,flip,cutout=16". */
function baseSpec(value: string): BaseTransform | 'default' {
  try {
    return parseBase(value);
  } catch (e) {
    // A size out of range comes back as zod issues; the rest as one sentence.
    const issues = (e as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
    const why = issues ? issues.map((i) => `${String(i.path[0]) === 'cropPadding' ? 'crop' : 'cutout'}: ${i.message}`).join('; ') : e instanceof Error ? e.message : String(e);
    throw new InvalidArgumentError(`${why.replace(/; use .*$/, '')}. Allowed: "default" (random crop, padding ~1/8 of the side), "none", or comma-separated items crop=PIXELS, flip, cutout=PIXELS (e.g. "crop=4,flip").`);
  }
}

/** Where the CLI writes: stdout lines and stderr text (tests capture both). */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (text: string) => void;
}

const processIo: CliIo = { out: (line) => process.stdout.write(line + '\n'), err: (text) => process.stderr.write(text) };

function program({ out, err }: CliIo, exit: { code: number }): Command {
  const cli = new Command('ddas')
    .description('Search, preview and apply image data-augmentation policies (DDAS).')
    .showHelpAfterError('(run `ddas help` or `ddas <command> --help` for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.replace(/\n$/, '')), writeErr: err });

  cli
    .command('apply')
    .description('Augment images by one operation (--op) or by a policy file (--policy) and write PNGs of the same size and channels.')
    .argument('[images...]', 'PNG, JPEG or WebP files')
    .option('--op <name>', 'one catalog operation, e.g. Rotate')
    .option('--magnitude <m>', 'magnitude in [0, 1] for --op', number('--magnitude', (v) => v >= 0 && v <= 1, 'a number in [0, 1]'))
    .addOption(new Option('--sign <sign>', 'sign of signed ops for --op').choices(['+', '-', 'random']).default('random'))
    .option('--policy <file>', 'a policy file (*.augpolicy.json)')
    .option('--progress <t>', 'training progress in [0, 1] selecting the schedule entry of --policy', number('--progress', (v) => v >= 0 && v <= 1, 'a number in [0, 1]'))
    .option('--count <k>', 'augmented draws per image', integer('--count', 1), 1)
    .option('--seed <n>', 'random seed', integer('--seed', 0), 0)
    .requiredOption('--out-dir <dir>', 'folder for the output PNGs')
    .option('--grid <file>', 'also write a contact sheet PNG: one row per image, original first')
    .option('--from-dataset <path>', 'take images from a dataset (IDX, CIFAR or ImageFolder) as well')
    .option('--take <n>', 'with --from-dataset: how many images', integer('--take', 1), 8)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['wasm', 'cpu']).default('wasm'))
    .action(async (images: string[], opts: Record<string, unknown>) => {
      await runApply(
        {
          images,
          op: opts.op as string | undefined,
          magnitude: opts.magnitude as number | undefined,
          sign: opts.sign as '+' | '-' | 'random',
          policy: opts.policy as string | undefined,
          progress: opts.progress as number | undefined,
          count: opts.count as number,
          seed: opts.seed as number,
          outDir: opts.outDir as string,
          grid: opts.grid as string | undefined,
          fromDataset: opts.fromDataset as string | undefined,
          take: opts.take as number,
          backend: opts.backend as 'wasm' | 'cpu',
        },
        out,
      );
    });

  cli
    .command('info')
    .description('Print a dataset\'s format, image size, channels and per-class counts.')
    .argument('<dataset>', 'an IDX file or folder, CIFAR binary folder or file, or an ImageFolder tree')
    .option('--json', 'print the information as JSON')
    .action(async (dataset: string, opts: { json?: boolean }) => {
      await runInfo(dataset, opts.json === true, out);
    });

  cli
    .command('search')
    .description('Run a DDAS search on a dataset and write the policy it finds.')
    .argument('<dataset>', 'an IDX file or folder, CIFAR binary folder or file, or an ImageFolder tree')
    .option('--out <file>', 'policy file to write (default: <dataset name>.augpolicy.json)')
    .option('--force', 'replace --out if it exists')
    .addOption(new Option('--preset <name>', 'budget preset').choices(Object.keys(PRESETS)).default('quick'))
    .option('--epochs <n>', 'epochs (overrides the preset)', integer('--epochs', 1))
    .option('--train-size <n>', 'search-train images (stratified)', integer('--train-size', 2))
    .option('--val-size <n>', 'search-val images (stratified)', integer('--val-size', 2))
    .option('--batch <n>', 'search-train batch', integer('--batch', 1))
    .option('--val-batch <n>', 'search-val batch per step', integer('--val-batch', 1))
    .option('--ops-per-image <n>', 'operations per sub-policy', integer('--ops-per-image', 1), 2)
    .option('--space <file>', 'search space JSON: {"ops": [...], "magnitudes": [...]}')
    .option('--seed <n>', 'random seed', integer('--seed', 0), 0)
    .addOption(new Option('--model <name>', 'proxy network (overrides the preset)').choices(['resnet-small', 'wrn-40-2']))
    .option('--lr-alpha <lr>', 'Adam learning rate of the level-2 logits', number('--lr-alpha', (v) => v > 0, 'a positive number'))
    .option('--lr-beta <lr>', 'Adam learning rate of the level-1 logit', number('--lr-beta', (v) => v > 0, 'a positive number'))
    .option('--explore <x>', 'sub-policy sampling mix: 1 = uniform (official), 0 = learned p', number('--explore', (v) => v >= 0 && v <= 1, 'a number in [0, 1]'), 1)
    .option('--base <spec>', 'what your training does after the policy: default (random crop, pad ~1/8 side), none, or e.g. crop=4,flip,cutout=16', baseSpec, 'default')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices([...BACKEND_CHOICES]).default('auto'))
    .option('--checkpoint-dir <dir>', 'where to checkpoint every epoch (default: <out>.checkpoint)')
    .option('--resume', 'continue the search saved in --checkpoint-dir')
    .option('--json', 'print the engine protocol\'s events as JSON lines instead of a progress bar')
    .action(async (dataset: string, opts: Record<string, unknown>) => {
      exit.code = await runSearch(
        {
          dataset,
          out: opts.out as string | undefined,
          force: opts.force === true,
          preset: opts.preset as SearchArgs['preset'],
          epochs: opts.epochs as number | undefined,
          trainSize: opts.trainSize as number | undefined,
          valSize: opts.valSize as number | undefined,
          batch: opts.batch as number | undefined,
          valBatch: opts.valBatch as number | undefined,
          opsPerImage: opts.opsPerImage as number,
          space: opts.space as string | undefined,
          seed: opts.seed as number,
          backend: opts.backend as SearchArgs['backend'],
          checkpointDir: opts.checkpointDir as string | undefined,
          resume: opts.resume === true,
          json: opts.json === true,
          lrAlpha: opts.lrAlpha as number | undefined,
          lrBeta: opts.lrBeta as number | undefined,
          explore: opts.explore as number,
          base: opts.base as SearchArgs['base'],
          model: opts.model as SearchArgs['model'],
        },
        (line) => err(line + '\n'),
        (text) => out(text.replace(/\n$/, '')),
      );
    });

  cli
    .command('evaluate')
    .description('Train fresh nets with each policy and each baseline and compare their accuracy on held-out images (paired over seeds, 95% intervals).')
    .argument('<dataset>', 'an IDX file or folder, CIFAR binary folder or file, or an ImageFolder tree (its test split, or a held-out share, is scored)')
    .option('--policy <files...>', 'policy files to evaluate (JSON, YAML, TypeScript or Python)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--baselines <list>', `comma-separated baselines to compare with: ${BASELINE_NAMES.join(', ')} (default: all)`)
    .option('--seeds <n>', 'training runs per entry (paired: same initial weights and data order per seed)', integer('--seeds', 1), 3)
    .option('--epochs <n>', 'epochs per training run', integer('--epochs', 1), 40)
    .option('--train-size <n>', 'training images per run (stratified; capped to what the dataset has)', integer('--train-size', 10), 2000)
    .option('--test-size <n>', 'held-out images scored (stratified; default: all of the held-out split)', integer('--test-size', 10))
    .option('--batch <n>', 'training batch', integer('--batch', 1), 128)
    .option('--seed <n>', 'first seed (runs use seed, seed + 1, ...)', integer('--seed', 0), 0)
    .addOption(new Option('--model <name>', 'network trained per run').choices(['resnet-small', 'wrn-40-2']).default('resnet-small'))
    .option('--base <spec>', "base transform after each entry's operations: default, none, or e.g. crop=4,flip,cutout=16 (default: the policies' own, else default)", baseSpec)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices([...BACKEND_CHOICES]).default('auto'))
    .option('--checkpoint-dir <dir>', 'where to checkpoint after each run and epoch (default: <out>.checkpoint, else ./ddas-evaluate.checkpoint)')
    .option('--resume', 'continue the evaluation saved in --checkpoint-dir')
    .option('--json', 'print the engine protocol\'s events as JSON lines instead of a progress bar and table')
    .option('--out <file>', 'also write the report as JSON')
    .option('--force', 'replace --out if it exists')
    .action(async (dataset: string, opts: Record<string, unknown>) => {
      exit.code = await runEvaluate(
        {
          dataset,
          policies: (opts.policy as string[] | undefined) ?? [],
          baselines: opts.baselines as string | undefined,
          seeds: opts.seeds as number,
          epochs: opts.epochs as number,
          trainSize: opts.trainSize as number,
          testSize: opts.testSize as number | undefined,
          batch: opts.batch as number,
          seed: opts.seed as number,
          model: opts.model as EvaluateArgs['model'],
          base: opts.base as EvaluateArgs['base'],
          backend: opts.backend as EvaluateArgs['backend'],
          checkpointDir: opts.checkpointDir as string | undefined,
          resume: opts.resume === true,
          json: opts.json === true,
          out: opts.out as string | undefined,
          force: opts.force === true,
        },
        (line) => err(line + '\n'),
        (text) => out(text.replace(/\n$/, '')),
      );
    });

  cli
    .command('export')
    .description('Write a policy file as JSON, YAML (with schema modeline), self-contained TypeScript, or a Python module for torchvision.')
    .argument('<policy>', 'the policy to read: *.augpolicy.json, *.augpolicy.yaml, *.augpolicy.ts or an exported *.py')
    .addOption(new Option('--format <format>', 'output format (default: from --out\'s extension)').choices([...EXPORT_FORMATS]))
    .option('--out <file>', 'file to write (default: print to stdout)')
    .option('--force', 'replace --out if it exists')
    .option('--schema <ref>', 'json/yaml: path or URL of policy.schema.json to reference (default: the input\'s, re-based)')
    .action(async (policy: string, opts: { format?: ExportFormat; out?: string; force?: boolean; schema?: string }) => {
      await runExport(
        { policy, format: opts.format, out: opts.out, force: opts.force === true, schema: opts.schema },
        (text) => out(text.replace(/\n$/, '')),
        out,
      );
    });

  cli
    .command('serve')
    .description('Serve the JSON-lines engine protocol on stdin/stdout (used by the VS Code extension).')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices([...BACKEND_CHOICES]).default('auto'))
    .action(async (opts: { backend: SearchArgs['backend'] }) => {
      await runServe(opts.backend, VERSION);
    });

  return cli;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    const exit = { code: 0 };
    await program(io, exit).parseAsync([...argv], { from: 'user' });
    return exit.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; every usage problem exits 2 (commander already printed it).
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UserError || e instanceof DatasetError) {
      io.err(`ddas: ${e.message}\n`);
      return 2;
    }
    io.err(`ddas: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
