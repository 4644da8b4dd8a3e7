/**
 * The three Chart.js charts: p_aug over training, the current top categories' p over
 * training, and losses + accuracy. Only the pieces used are registered, so the bundle
 * carries no other controllers. Charts are rebuilt on theme change (rare) and updated in
 * place otherwise, without animation.
 */
import { Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartDataset, type ChartOptions } from 'chart.js';
import { shortLabel, longLabel } from './categories';
import { percent } from './format';
import { topIndices, type PanelModel } from './model';
import { withAlpha, type Theme } from './theme';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip, Filler);

type XY = { x: number; y: number };
type Line = ChartDataset<'line', XY[]>;

export const TOP_K = 6;

export interface ChartSpec {
  datasets(model: PanelModel, theme: Theme): Line[];
  options(model: PanelModel, theme: Theme): ChartOptions<'line'>;
}

/** One canvas and the spec that fills it. */
export class LineChartView {
  private chart: Chart<'line', XY[]> | null = null;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly spec: ChartSpec,
  ) {}

  update(model: PanelModel, theme: Theme): void {
    const datasets = this.spec.datasets(model, theme);
    const options = this.spec.options(model, theme);
    if (!this.chart) {
      this.chart = new Chart(this.canvas, { type: 'line', data: { datasets }, options });
      return;
    }
    this.chart.data.datasets = datasets;
    this.chart.options = options;
    this.chart.update('none');
  }

  /** Theme switch: a fresh chart picks up every colour and font. */
  rebuild(model: PanelModel, theme: Theme): void {
    this.chart?.destroy();
    this.chart = null;
    this.update(model, theme);
  }
}

export function baseOptions(model: PanelModel, theme: Theme, legend: boolean): ChartOptions<'line'> {
  const font = { family: theme.fontFamily, size: Math.max(10, theme.fontSize - 2) };
  const epochs = model.latest?.epochs ?? 1;
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    color: theme.foreground,
    font,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    elements: { point: { radius: 0, hoverRadius: 3, hitRadius: 4 }, line: { borderWidth: 1.5, tension: 0 } },
    layout: { padding: { top: 4, right: 4 } },
    scales: {
      x: {
        type: 'linear',
        min: 0,
        max: epochs,
        title: { display: true, text: 'epoch', color: theme.muted, font },
        ticks: { color: theme.muted, font, stepSize: epochs <= 12 ? 1 : undefined, precision: 0 },
        grid: { color: theme.grid },
        border: { color: theme.grid },
      },
    },
    plugins: {
      legend: {
        display: legend,
        position: 'bottom',
        align: 'start',
        labels: { color: theme.foreground, font, boxWidth: 14, boxHeight: 2, padding: 8 },
      },
      tooltip: {
        backgroundColor: withAlpha(theme.background, 0.96),
        titleColor: theme.foreground,
        bodyColor: theme.foreground,
        borderColor: theme.grid,
        borderWidth: 1,
        titleFont: font,
        bodyFont: font,
        boxWidth: 8,
        boxHeight: 8,
        callbacks: { title: (items) => (items[0] ? `epoch ${items[0].parsed.x?.toFixed(2)}` : '') },
      },
    },
  };
}

export function yAxis(theme: Theme, extra: Record<string, unknown>): Record<string, unknown> {
  const font = { family: theme.fontFamily, size: Math.max(10, theme.fontSize - 2) };
  return { type: 'linear', ticks: { color: theme.muted, font }, grid: { color: theme.grid }, border: { color: theme.grid }, ...extra };
}

/** Suggested y bounds at least `span` wide around the data, so small drifts are not blown up; Chart.js rounds them to nice ticks. */
export function around(values: readonly number[], span: number, lo = 0, hi = 1): { suggestedMin: number; suggestedMax: number } {
  if (!values.length) return { suggestedMin: lo, suggestedMax: hi };
  const min = Math.min(...values);
  const max = Math.max(...values);
  const pad = Math.max(0, span - (max - min)) / 2;
  return { suggestedMin: Math.max(lo, min - pad), suggestedMax: Math.min(hi, max + pad) };
}

export const pAugChart: ChartSpec = {
  datasets(model, theme) {
    const data = model.history.view().map((p) => ({ x: p.x, y: p.pAug }));
    return [
      { label: 'p_aug', data, borderColor: theme.blue, backgroundColor: withAlpha(theme.blue, 0.14), fill: 'start' },
      {
        label: 'end of epoch',
        data: model.snapshots.map((s) => ({ x: s.x, y: s.pAug })),
        borderColor: theme.blue,
        backgroundColor: theme.background,
        showLine: false,
        pointRadius: 3,
        pointBorderWidth: 1.5,
      },
    ];
  },
  options(model, theme) {
    const o = baseOptions(model, theme, false);
    const bounds = around(model.history.view().map((p) => p.pAug), 0.1);
    o.scales = { ...o.scales, y: yAxis(theme, { ...bounds, ticks: { color: theme.muted, maxTicksLimit: 6 } }) };
    o.plugins!.tooltip!.callbacks!.label = (item) => ` p_aug ${(item.parsed.y ?? 0).toFixed(3)}`;
    return o;
  },
};

/** Keeps a category's colour while it stays in the top set, so lines do not swap colours. */
export class TopColours {
  private byCategory = new Map<number, number>();

  assign(top: readonly number[], palette: number): Map<number, number> {
    const kept = new Map([...this.byCategory].filter(([c]) => top.includes(c)));
    const used = new Set(kept.values());
    for (const c of top) {
      if (kept.has(c)) continue;
      let slot = 0;
      while (used.has(slot) && slot < palette - 1) slot++;
      kept.set(c, slot);
      used.add(slot);
    }
    this.byCategory = kept;
    return kept;
  }
}

export function topOpsChart(colours: TopColours): ChartSpec {
  return {
    datasets(model, theme) {
      const view = model.history.view();
      const last = view[view.length - 1];
      if (!last) return [];
      const top = topIndices(last.p, TOP_K);
      const slots = colours.assign(top, theme.series.length);
      const lines: Line[] = top.map((i) => {
        const colour = theme.series[slots.get(i) ?? 0];
        const c = model.categories[i];
        return { label: c ? shortLabel(c) : String(i), data: view.map((p) => ({ x: p.x, y: p.p[i] })), borderColor: colour, backgroundColor: colour };
      });
      const k = model.categories.length;
      if (k) {
        const epochs = model.latest?.epochs ?? 1;
        lines.push({ label: 'uniform', data: [{ x: 0, y: 1 / k }, { x: epochs, y: 1 / k }], borderColor: theme.muted, backgroundColor: theme.muted, borderDash: [4, 4], borderWidth: 1, pointHitRadius: 0 });
      }
      return lines;
    },
    options(model, theme) {
      const o = baseOptions(model, theme, true);
      o.scales = { ...o.scales, y: yAxis(theme, { beginAtZero: true, ticks: { color: theme.muted, maxTicksLimit: 6, callback: (v: number | string) => percent(Number(v)) } }) };
      o.plugins!.tooltip!.callbacks!.label = (item) => {
        const top = model.latest ? topIndices(model.latest.p, TOP_K) : [];
        const c = model.categories[top[item.datasetIndex] ?? -1];
        const name = c && item.datasetIndex < top.length ? longLabel(c) : item.dataset.label;
        return ` ${name}: ${percent(item.parsed.y ?? 0, 2)}`;
      };
      return o;
    },
  };
}

export const lossChart: ChartSpec = {
  datasets(model, theme) {
    const view = model.history.view();
    return [
      { label: 'train loss', data: view.map((p) => ({ x: p.x, y: p.trainLoss })), borderColor: theme.orange, backgroundColor: theme.orange, yAxisID: 'y' },
      { label: 'val loss', data: view.map((p) => ({ x: p.x, y: p.valLoss })), borderColor: theme.series[3], backgroundColor: theme.series[3], yAxisID: 'y' },
      { label: 'val accuracy (step)', data: view.map((p) => ({ x: p.x, y: p.valAccuracy })), borderColor: withAlpha(theme.green, 0.55), backgroundColor: withAlpha(theme.green, 0.55), borderWidth: 1, yAxisID: 'acc' },
      {
        label: 'val accuracy (epoch)',
        data: model.snapshots.map((s) => ({ x: s.x, y: s.valAccuracy })),
        borderColor: theme.green,
        backgroundColor: theme.green,
        borderWidth: 2,
        pointRadius: 3,
        yAxisID: 'acc',
      },
    ];
  },
  options(model, theme) {
    const o = baseOptions(model, theme, true);
    o.scales = {
      ...o.scales,
      y: yAxis(theme, { beginAtZero: true, title: { display: true, text: 'loss', color: theme.muted }, ticks: { color: theme.muted, maxTicksLimit: 6 } }),
      acc: yAxis(theme, { position: 'right', min: 0, max: 1, grid: { drawOnChartArea: false }, title: { display: true, text: 'accuracy', color: theme.muted }, ticks: { color: theme.muted, maxTicksLimit: 6, callback: (v: number | string) => percent(Number(v), 0) } }),
    };
    o.plugins!.tooltip!.callbacks!.label = (item) => {
      const y = item.parsed.y ?? 0;
      return ` ${item.dataset.label}: ${item.dataset.yAxisID === 'acc' ? percent(y) : y.toFixed(3)}`;
    };
    return o;
  },
};
