/**
 * Builds sample/fashion-mnist/: a stratified, seeded 4,000-image subset (400 per class)
 * of the Fashion-MNIST training set from Debian's dataset-fashion-mnist package, as
 * gzipped IDX files, with the licence and a README that records provenance.
 *
 *   npx tsx scripts/make-sample.ts [--source DIR] [--out DIR]
 */
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { openDataset, stratifiedSplit } from '../src/engine/data';

const SEED = 20170825;
const PER_CLASS = 400;
const CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const DEBIAN_PACKAGE = 'dataset-fashion-mnist';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

function idxHeader(magic: number, dims: readonly number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return head;
}

async function main(): Promise<void> {
  const source = option('--source', '/usr/share/datasets/fashion-mnist');
  const out = option('--out', path.join(__dirname, '..', 'sample', 'fashion-mnist'));
  const version = execFileSync('dpkg-query', ['-W', '-f=${Version}', DEBIAN_PACKAGE], { encoding: 'utf8' }).trim();
  const copyright = await fsp.readFile(`/usr/share/doc/${DEBIAN_PACKAGE}/copyright`, 'utf8');

  const dataset = await openDataset(source, { format: 'idx', split: 'train' });
  const { info } = dataset;
  const classCount = info.classNames.length;
  const { sample } = stratifiedSplit(dataset.labels, { sample: PER_CLASS * classCount }, SEED);
  const { pixels, labels } = await dataset.read(Array.from(sample));
  await dataset.close();
  const counts = new Array<number>(classCount).fill(0);
  for (const l of labels) counts[l]++;
  if (counts.some((n) => n !== PER_CLASS)) throw new Error(`expected ${PER_CLASS} per class, got ${counts.join(', ')}`);

  await fsp.mkdir(out, { recursive: true });
  const n = sample.length;
  const images = Buffer.concat([idxHeader(0x803, [n, info.height, info.width]), pixels]);
  const labelBytes = Buffer.concat([idxHeader(0x801, [n]), Uint8Array.from(labels)]);
  await fsp.writeFile(path.join(out, 'train-images-idx3-ubyte.gz'), gzipSync(images, { level: 9 }));
  await fsp.writeFile(path.join(out, 'train-labels-idx1-ubyte.gz'), gzipSync(labelBytes, { level: 9 }));
  await fsp.writeFile(path.join(out, 'classes.txt'), CLASS_NAMES.join('\n') + '\n');
  await fsp.writeFile(path.join(out, 'indices.txt'), Array.from(sample).join('\n') + '\n');
  await fsp.writeFile(path.join(out, 'LICENSE'), licence(copyright));
  await fsp.writeFile(path.join(out, 'README.md'), readme(version, n));
  console.log(`wrote ${n} images (${counts.join('/')}) to ${out}`);
}

/** The MIT (Expat) text from the Debian copyright file, with Zalando's notice. */
function licence(copyright: string): string {
  const match = /^License: Expat\n((?: .*\n?)+)/m.exec(copyright.slice(copyright.lastIndexOf('License: Expat')));
  if (!match) throw new Error('no Expat licence text in the Debian copyright file');
  const body = match[1]
    .split('\n')
    .map((line) => (line.trim() === '.' ? '' : line.replace(/^ /, '').trimEnd()))
    .join('\n')
    .trim();
  return `The MIT License (MIT)\n\nCopyright (c) 2017 Zalando SE\n\n${body}\n`;
}

function readme(version: string, n: number): string {
  return `# Fashion-MNIST sample

A stratified ${n.toLocaleString('en')}-image subset of the Fashion-MNIST **training** set
(${PER_CLASS} images per class, 28x28 grayscale), so the engine has real data to search on a
fresh machine with no download.

- Source: Debian package \`${DEBIAN_PACKAGE}\` version \`${version}\`
  (\`/usr/share/datasets/fashion-mnist/train-{images-idx3,labels-idx1}-ubyte.gz\`),
  upstream https://github.com/zalandoresearch/fashion-mnist.
- Selection: \`stratifiedSplit(labels, { sample: ${n} }, ${SEED})\` from \`src/engine/data\`
  (per class, a seeded shuffle of that class's training indices, first ${PER_CLASS} taken).
  The 0-based training-set indices taken, ascending, are in \`indices.txt\`; the files keep
  that order.
- Files: \`train-images-idx3-ubyte.gz\` and \`train-labels-idx1-ubyte.gz\` (IDX, gzip level 9),
  \`classes.txt\` (class names, one per line in label order, read by the IDX loader).
- Licence: MIT, Copyright (c) 2017 Zalando SE; see \`LICENSE\`.

Regenerate (needs \`apt-get install ${DEBIAN_PACKAGE}\`):

    npx tsx scripts/make-sample.ts

| label | class |
| ----- | ----- |
${CLASS_NAMES.map((name, i) => `| ${i} | ${name} |`).join('\n')}
`;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
