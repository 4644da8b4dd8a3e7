/** `ddas info DATASET`: what the engine sees in a dataset, split by split. */
import { openSplits, type DatasetSplits } from '../data';
import { heldOutRecord, type SplitUse } from '../data/holdout';

const USE: Readonly<Record<SplitUse, string>> = {
  'search+train': 'search and evaluation train on it',
  'held-out': 'held out: evaluation scores on it, searches never see it',
  unused: 'not used',
};

export async function runInfo(datasetPath: string, json: boolean, log: (line: string) => void): Promise<void> {
  const splits = await openSplits(datasetPath);
  try {
    if (json) {
      log(JSON.stringify({ ...splits.train.info, splits: splits.splits, heldOut: heldOutRecord(splits) }, null, 2));
      return;
    }
    printInfo(splits, log);
  } finally {
    await splits.close();
  }
}

function printInfo(splits: DatasetSplits, log: (line: string) => void): void {
  const info = splits.train.info;
  log(`dataset   ${info.path}`);
  log(`format    ${info.format}${info.split ? ` (${info.split} split)` : ''}`);
  log(`images    ${info.size}`);
  log(`size      ${info.width}x${info.height}, ${info.channels} channel${info.channels === 1 ? '' : 's'}`);
  const nameWidth = Math.max(...splits.splits.map((s) => s.name.length));
  const countWidth = Math.max(...splits.splits.map((s) => String(s.images).length));
  splits.splits.forEach((s, i) => {
    log(`${i === 0 ? 'splits' : ''.padEnd(6)}    ${s.name.padEnd(nameWidth)}  ${String(s.images).padStart(countWidth)} images  ${USE[s.use]}`);
  });
  const from = info.classNamesFrom ? `names from ${info.classNamesFrom}` : 'no names in the files: shown by index';
  log(`classes   ${info.classNames.length} (${from}; counts of the ${splitLabel(splits)} split)`);
  const width = Math.max(...info.classNames.map((n) => n.length));
  info.classNames.forEach((name, i) => log(`  ${String(i).padStart(3)}  ${name.padEnd(width)}  ${info.classCounts[i]}`));
  for (const w of info.warnings) log(`warning: ${w}`);
  if (info.skipped.length > 0) {
    log(`skipped   ${info.skipped.length} file${info.skipped.length === 1 ? '' : 's'}:`);
    for (const s of info.skipped.slice(0, 20)) log(`  ${s.file}: ${s.reason}`);
    if (info.skipped.length > 20) log(`  ... and ${info.skipped.length - 20} more (see --json)`);
  }
}

/** The whole train split the class counts describe (held-out share included). */
function splitLabel(splits: DatasetSplits): string {
  return splits.heldOut.dataset === splits.train ? 'whole train' : (splits.splits[0]?.name ?? 'train');
}
