/** `ddas apply`: augment image files (or images taken from a dataset) by one op or a policy. */
import * as path from 'node:path';
import { OPS, isOpName, OP_NAMES, type OpName } from '../../shared/ops';
import { Rng } from '../../shared/rng';
import { fixedOpPlans, samplePlans, type ImagePlan } from '../../shared/sampler';
import type { ApplyOptions } from '../augment/apply';
import { augmentRaw } from '../augment/raw';
import { openDataset } from '../data';
import { UserError } from '../errors';
import { composeGrid, readImage, writePng, type RawImage } from '../io/images';
import { readPolicyFile } from '../io/policy-file';
import { useBackend, type BackendName } from '../tf';

export interface ApplyArgs {
  images: string[];
  op?: string;
  magnitude?: number;
  sign: '+' | '-' | 'random';
  policy?: string;
  count: number;
  seed: number;
  outDir: string;
  grid?: string;
  fromDataset?: string;
  take: number;
  backend: BackendName;
  progress?: number;
}

interface Source {
  readonly name: string;
  readonly image: RawImage;
}

export async function runApply(args: ApplyArgs, log: (line: string) => void): Promise<void> {
  const { draw, options } = planMaker(args);
  const sources = await loadSources(args, log);
  await useBackend(args.backend);
  const rng = Rng.seeded(args.seed);
  const rows: RawImage[][] = sources.map((s) => [s.image]);
  const written: string[] = [];
  for (let k = 1; k <= args.count; k++) {
    const plans = draw(sources.length, rng);
    const out = augmentRaw(sources.map((s) => s.image), plans, options);
    for (let i = 0; i < sources.length; i++) {
      const file = path.join(args.outDir, `${sources[i].name}-${args.op ?? 'policy'}${args.op && args.magnitude !== undefined ? `-m${args.magnitude}` : ''}-${k}.png`);
      await writePng(file, out[i]);
      written.push(file);
      rows[i].push(out[i]);
    }
  }
  log(`wrote ${written.length} image${written.length === 1 ? '' : 's'} to ${args.outDir}`);
  if (args.grid) {
    await writePng(args.grid, composeGrid(rows));
    log(`wrote the grid (each row: original, then ${args.count} draw${args.count === 1 ? '' : 's'}) to ${args.grid}`);
  }
}

interface PlanMaker {
  readonly draw: (count: number, rng: Rng) => ImagePlan[];
  readonly options: ApplyOptions;
}

function planMaker(args: ApplyArgs): PlanMaker {
  if ((args.op === undefined) === (args.policy === undefined)) throw new UserError('give exactly one of --op NAME or --policy FILE.');
  if (args.policy !== undefined) {
    const policy = readPolicyFile(args.policy);
    const progress = args.progress ?? 0;
    return { draw: (count, rng) => samplePlans(policy, count, rng, progress), options: policy.options ?? {} };
  }
  const name = args.op as string;
  if (!isOpName(name)) throw new UserError(`unknown operation "${name}". Use one of: ${OP_NAMES.join(', ')}.`);
  const op: OpName = name;
  let magnitude = 0;
  if (OPS[op].magnitude) {
    if (args.magnitude === undefined) throw new UserError(`${op} needs --magnitude M with M in [0, 1] (the default bins are 0.25, 0.5, 0.75, 1).`);
    magnitude = args.magnitude;
  } else if (args.magnitude !== undefined) {
    throw new UserError(`${op} takes no magnitude; leave out --magnitude.`);
  }
  const sign = args.sign === 'random' ? 'random' : args.sign === '-' ? -1 : 1;
  return { draw: (count, rng) => fixedOpPlans(op, magnitude, sign, count, rng), options: {} };
}

async function loadSources(args: ApplyArgs, log: (line: string) => void): Promise<Source[]> {
  const sources: Source[] = [];
  const names = new Set<string>();
  for (const file of args.images) {
    const { droppedAlpha, ...image } = await readImage(file);
    if (droppedAlpha) log(`${file}: the alpha channel was dropped; ops run on the colour channels.`);
    let name = path.basename(file, path.extname(file));
    for (let n = 2; names.has(name); n++) name = `${path.basename(file, path.extname(file))}_${n}`;
    names.add(name);
    sources.push({ name, image });
  }
  if (args.fromDataset) {
    const dataset = await openDataset(args.fromDataset);
    try {
      const { width, height, channels, size } = dataset.info;
      const take = Math.min(args.take, size);
      // Spread the picks over the dataset so several classes show up.
      const indices = Array.from({ length: take }, (_, i) => Math.floor((i * size) / take));
      const batch = await dataset.read(indices);
      const frame = width * height * channels;
      indices.forEach((index, j) =>
        sources.push({ name: `image${index}`, image: { width, height, channels: channels === 1 ? 1 : 3, pixels: batch.pixels.slice(j * frame, (j + 1) * frame) } }),
      );
    } finally {
      await dataset.close();
    }
  }
  if (sources.length === 0) throw new UserError('no images given. Pass image files (PNG/JPEG/WebP) or --from-dataset PATH.');
  return sources;
}
