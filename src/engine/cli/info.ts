/** `ddas info DATASET`: what the engine sees in a dataset. */
import { openDataset } from '../data';

export async function runInfo(datasetPath: string, json: boolean, log: (line: string) => void): Promise<void> {
  const dataset = await openDataset(datasetPath);
  try {
    const info = dataset.info;
    if (json) {
      log(JSON.stringify(info, null, 2));
      return;
    }
    log(`dataset   ${info.path}`);
    log(`format    ${info.format}${info.split ? ` (${info.split} split)` : ''}`);
    log(`images    ${info.size}`);
    log(`size      ${info.width}x${info.height}, ${info.channels} channel${info.channels === 1 ? '' : 's'}`);
    log(`classes   ${info.classNames.length}`);
    const width = Math.max(...info.classNames.map((n) => n.length));
    info.classNames.forEach((name, i) => log(`  ${String(i).padStart(3)}  ${name.padEnd(width)}  ${info.classCounts[i]}`));
    for (const w of info.warnings) log(`warning: ${w}`);
    if (info.skipped.length > 0) {
      log(`skipped   ${info.skipped.length} file${info.skipped.length === 1 ? '' : 's'}:`);
      for (const s of info.skipped.slice(0, 20)) log(`  ${s.file}: ${s.reason}`);
      if (info.skipped.length > 20) log(`  ... and ${info.skipped.length - 20} more (see --json)`);
    }
  } finally {
    await dataset.close();
  }
}
