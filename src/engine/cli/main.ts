/**
 * The `ddas` command line. Exit codes: 0 success, 2 bad usage or bad input (one
 * paragraph on stderr saying what is wrong and what to do), 1 an internal error.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DatasetError } from '../data/errors';
import { UserError } from '../errors';
import { runApply } from './apply';
import { runInfo } from './info';

function number(name: string, check: (v: number) => boolean, allowed: string): (value: string) => number {
  return (value) => {
    const v = Number(value);
    if (value.trim() === '' || !Number.isFinite(v) || !check(v)) throw new InvalidArgumentError(`${name} must be ${allowed} (got "${value}").`);
    return v;
  };
}

const integer = (name: string, min: number) => number(name, (v) => Number.isInteger(v) && v >= min, `an integer >= ${min}`);

/** Where the CLI writes: stdout lines and stderr text (tests capture both). */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (text: string) => void;
}

const processIo: CliIo = { out: (line) => process.stdout.write(line + '\n'), err: (text) => process.stderr.write(text) };

function program({ out, err }: CliIo): Command {
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

  return cli;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    await program(io).parseAsync([...argv], { from: 'user' });
    return 0;
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
