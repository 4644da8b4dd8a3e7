/**
 * The evaluation's two charts, drawn with the same Chart.js pieces and styles as the
 * search's (charts.ts): held-out accuracy per entry as a dot (the mean over seeds) with
 * its 95% interval as whiskers and each seed as a faint dot, one row per entry; and the
 * learning curves (held-out accuracy after each epoch, mean over the finished runs, plus
 * the run in training dashed). Each entry keeps one colour in both.
 */
import type { TooltipItem } from 'chart.js';
import { around, baseOptions, yAxis, type ChartSpec } from './charts';
import type { EntryRow } from './evaluation-model';
import { percent } from './format';
import { withAlpha, type Theme } from './theme';

type XY = { x: number; y: number };

/** The colour of the i-th entry (the policy comes first: blue). */
export function entryColour(theme: Theme, index: number): string {
  return theme.series[index % theme.series.length];
}

function interval(row: EntryRow): string {
  if (!row.accuracy) return 'no finished run yet';
  const a = row.accuracy;
  const seeds = `${row.runs} seed${row.runs === 1 ? '' : 's'}`;
  return row.runs > 1 ? `${percent(a.mean)} (95% CI ${percent(a.low)}..${percent(a.high)}, ${seeds})` : `${percent(a.mean)} (${seeds})`;
}

export const accuracyChart: ChartSpec = {
  datasets(model, theme) {
    const rows = model.evaluation.rows;
    const whiskers = rows.flatMap((row, i) =>
      row.accuracy && row.runs > 1
        ? [
            {
              label: `${row.label} 95% CI`,
              data: [{ x: row.accuracy.low, y: i }, { x: row.accuracy.high, y: i }],
              borderColor: entryColour(theme, i),
              backgroundColor: entryColour(theme, i),
              borderWidth: 2,
              pointStyle: 'line' as const,
              pointRotation: 90,
              pointRadius: 6,
              pointHoverRadius: 6,
              pointBorderWidth: 2,
            },
          ]
        : [],
    );
    const seeds: XY[] = [];
    const seedColours: string[] = [];
    rows.forEach((row, i) =>
      row.accuracies.forEach((a) => {
        seeds.push({ x: a, y: i });
        seedColours.push(withAlpha(entryColour(theme, i), 0.55));
      }),
    );
    const means = rows.flatMap((row, i) => (row.accuracy ? [{ x: row.accuracy.mean, y: i }] : []));
    const meanColours = rows.flatMap((row, i) => (row.accuracy ? [entryColour(theme, i)] : []));
    return [
      ...whiskers,
      { label: 'per seed', data: seeds, showLine: false, pointRadius: 2.5, pointHoverRadius: 3.5, pointBackgroundColor: seedColours, pointBorderColor: seedColours, borderColor: theme.muted, backgroundColor: theme.muted },
      { label: 'mean', data: means, showLine: false, pointRadius: 5, pointHoverRadius: 6, pointBackgroundColor: meanColours, pointBorderColor: theme.background, pointBorderWidth: 1.5, borderColor: theme.foreground, backgroundColor: theme.foreground },
    ];
  },
  options(model, theme) {
    const o = baseOptions(model, theme, false);
    const rows = model.evaluation.rows;
    const values = rows.flatMap((r) => (r.accuracy ? [r.accuracy.low, r.accuracy.high, ...r.accuracies] : []));
    const font = { family: theme.fontFamily, size: Math.max(10, theme.fontSize - 2) };
    o.normalized = false;
    o.interaction = { mode: 'nearest', axis: 'xy', intersect: false };
    o.scales = {
      x: yAxis(theme, { ...around(values, 0.04), title: { display: true, text: 'held-out accuracy', color: theme.muted, font }, ticks: { color: theme.muted, font, maxTicksLimit: 7, callback: (v: number | string) => percent(Number(v)) } }),
      y: {
        type: 'linear',
        min: -0.5,
        max: Math.max(0.5, rows.length - 0.5),
        reverse: true,
        grid: { display: false },
        border: { color: theme.grid },
        afterBuildTicks: (axis) => {
          axis.ticks = rows.map((_, i) => ({ value: i }));
        },
        ticks: { color: theme.foreground, font, autoSkip: false, callback: (v: number | string) => rows[Number(v)]?.label ?? '' },
      },
    };
    const tooltip = o.plugins!.tooltip!;
    tooltip.callbacks = {
      title: (items: TooltipItem<'line'>[]) => rows[Math.round(items[0]?.parsed.y ?? -1)]?.label ?? '',
      label: (item: TooltipItem<'line'>) => {
        const row = rows[Math.round(item.parsed.y ?? -1)];
        if (!row) return '';
        if (item.dataset.label === 'per seed') return ` one seed: ${percent(item.parsed.x ?? 0)}`;
        if (item.dataset.label === 'mean') return ` mean ${interval(row)}`;
        return ` 95% CI ${row.accuracy ? `${percent(row.accuracy.low)}..${percent(row.accuracy.high)}` : '-'}`;
      },
    };
    return o;
  },
};

export const curvesChart: ChartSpec = {
  datasets(model, theme) {
    const ev = model.evaluation;
    const rows = ev.rows;
    const lines = rows.flatMap((row, i) =>
      row.curve.length
        ? [{ label: row.label, data: row.curve.map((y, k) => ({ x: k + 1, y })), borderColor: entryColour(theme, i), backgroundColor: entryColour(theme, i), pointRadius: row.curve.length <= 20 ? 2 : 0 }]
        : [],
    );
    const cur = ev.current;
    if (cur && cur.curve.some((v) => v !== undefined)) {
      const i = Math.max(0, rows.findIndex((r) => r.label === cur.label));
      const data = cur.curve.flatMap((y, k) => (y === undefined ? [] : [{ x: k + 1, y }]));
      lines.push({ label: `${cur.label}, seed ${cur.seed} (training)`, data, borderColor: withAlpha(entryColour(theme, i), 0.8), backgroundColor: withAlpha(entryColour(theme, i), 0.8), pointRadius: 2, borderDash: [4, 3], borderWidth: 1 } as (typeof lines)[number]);
    }
    return lines;
  },
  options(model, theme) {
    const o = baseOptions(model, theme, true);
    const ev = model.evaluation;
    const epochs = Math.max(1, ev.epochs);
    const font = { family: theme.fontFamily, size: Math.max(10, theme.fontSize - 2) };
    const values = [...ev.rows.flatMap((r) => r.curve), ...(ev.current?.curve.filter((v) => v !== undefined) ?? [])];
    o.scales = {
      x: { type: 'linear', min: 1, max: Math.max(2, epochs), title: { display: true, text: 'epoch', color: theme.muted, font }, ticks: { color: theme.muted, font, stepSize: epochs <= 12 ? 1 : undefined, precision: 0 }, grid: { color: theme.grid }, border: { color: theme.grid } },
      y: yAxis(theme, { ...around(values, 0.1), title: { display: true, text: 'held-out accuracy', color: theme.muted, font }, ticks: { color: theme.muted, font, maxTicksLimit: 6, callback: (v: number | string) => percent(Number(v), 0) } }),
    };
    o.plugins!.tooltip!.callbacks = {
      title: (items: TooltipItem<'line'>[]) => (items[0] ? `after epoch ${items[0].parsed.x}` : ''),
      label: (item: TooltipItem<'line'>) => ` ${item.dataset.label}: ${percent(item.parsed.y ?? 0)}`,
    };
    return o;
  },
};
