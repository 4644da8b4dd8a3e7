/**
 * From finished evaluation runs to what a person reads: each entry's mean held-out
 * accuracy with its 95% interval over seeds, the paired differences to the baselines,
 * and the verdict sentence. Pure, so the engine's report and a panel showing partial
 * results say the same thing.
 */
import type { EntryResult, Interval, PairedDifference } from './evaluation';
import { meanInterval, pairedInterval } from './stats';

/** One finished training run: an entry trained with one seed and scored on the held-out images. */
export interface RunResult {
  readonly label: string;
  readonly seed: number;
  /** Held-out accuracy after the last epoch, in [0, 1]. */
  readonly accuracy: number;
  /** Held-out accuracy after each epoch. */
  readonly curve: readonly number[];
}

export interface SummaryEntry {
  readonly label: string;
  readonly kind: 'policy' | 'baseline';
}

export interface Summary {
  /** The seeds every entry has a run for (only those are compared: the runs are paired). */
  readonly seeds: readonly number[];
  readonly entries: readonly EntryResult[];
  readonly differences: readonly PairedDifference[];
  readonly bestBaseline?: string;
  readonly verdict: string;
}

/** "+1.2", "-0.4": accuracy difference in percentage points with its sign. */
export function signedPoints(difference: number): string {
  const r = Math.round(difference * 1000) / 10;
  return `${r < 0 ? '-' : '+'}${Math.abs(r).toFixed(1)}`;
}

/** "85.9%". */
export function percent(accuracy: number): string {
  return `${(100 * accuracy).toFixed(1)}%`;
}

function ci(i: Interval, format: (v: number) => string): string {
  return `95% CI ${format(i.low)}..${format(i.high)}`;
}

const noInterval = '1 seed, so no confidence interval: use 3 or more seeds';

/** The t interval is symmetric; an accuracy stays in [0, 1], a difference of two in [-1, 1]. */
function clip(i: Interval, low: number): Interval {
  return { mean: i.mean, low: Math.max(low, i.low), high: Math.min(1, i.high) };
}

function best<T extends { readonly accuracy: Interval }>(items: readonly T[]): T | undefined {
  // Ties go to the first listed.
  return items.reduce<T | undefined>((b, e) => (b === undefined || e.accuracy.mean > b.accuracy.mean ? e : b), undefined);
}

/**
 * Summarises `runs` for `entries` (in their order). Seeds missing a run for some entry are
 * left out. The verdict compares the best policy with the best baseline, paired.
 */
export function summarise(entries: readonly SummaryEntry[], runs: readonly RunResult[], testImages: number): Summary {
  const byKey = new Map(runs.map((r) => [`${r.label}\u0000${r.seed}`, r]));
  const allSeeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  const seeds = allSeeds.filter((s) => entries.every((e) => byKey.has(`${e.label}\u0000${s}`)));
  if (entries.length === 0 || seeds.length === 0) return { seeds, entries: [], differences: [], verdict: 'no finished runs yet' };
  const runsOf = (label: string): RunResult[] => seeds.map((s) => byKey.get(`${label}\u0000${s}`) as RunResult);
  const results: EntryResult[] = entries.map((e) => {
    const rs = runsOf(e.label);
    const epochs = Math.min(...rs.map((r) => r.curve.length));
    const curve = Array.from({ length: epochs }, (_, k) => rs.reduce((sum, r) => sum + r.curve[k], 0) / rs.length);
    const accuracies = rs.map((r) => r.accuracy);
    return { label: e.label, kind: e.kind, accuracies, accuracy: clip(meanInterval(accuracies), 0), curve, curves: rs.map((r) => [...r.curve]) };
  });
  const baselines = results.filter((r) => r.kind === 'baseline');
  const policies = results.filter((r) => r.kind === 'policy');
  const differences: PairedDifference[] = [];
  for (const r of results) {
    for (const b of baselines) {
      if (b.label !== r.label) differences.push({ entry: r.label, reference: b.label, difference: clip(pairedInterval(r.accuracies, b.accuracies), -1) });
    }
  }
  const bestBaseline = best(baselines);
  const bestPolicy = best(policies);
  const images = `${testImages.toLocaleString('en-US')} held-out images`;
  let verdict: string;
  if (bestPolicy && bestBaseline) {
    const d = clip(pairedInterval(bestPolicy.accuracies, bestBaseline.accuracies), -1);
    const who = policies.length > 1 ? `${bestPolicy.label}: ` : '';
    const b = bestBaseline.label;
    if (seeds.length < 2) verdict = `${who}${signedPoints(d.mean)} points vs ${b} on ${images} (${noInterval})`;
    else if (d.low > 0) verdict = `${who}${signedPoints(d.mean)} points over ${b} (${ci(d, signedPoints)}) on ${images}`;
    else if (d.high < 0) verdict = `${who}worse than ${b}: ${signedPoints(d.mean)} points (${ci(d, signedPoints)}) on ${images}`;
    else verdict = `${who}no better than ${b}: ${signedPoints(d.mean)} points (${ci(d, signedPoints)}) on ${images}`;
  } else {
    const top = (bestPolicy ?? bestBaseline) as EntryResult;
    const range = seeds.length < 2 ? noInterval : ci(top.accuracy, (v) => (100 * v).toFixed(1));
    verdict = bestPolicy ? `${top.label} reaches ${percent(top.accuracy.mean)} (${range}) on ${images}; no baseline to compare with` : `${top.label} is the best baseline: ${percent(top.accuracy.mean)} (${range}) on ${images}`;
  }
  return { seeds, entries: results, differences, ...(bestBaseline ? { bestBaseline: bestBaseline.label } : {}), verdict };
}
