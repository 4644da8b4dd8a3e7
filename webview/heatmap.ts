/**
 * The current p as an operation x magnitude grid (CSS grid, one cell per category).
 * Colour is p against the uniform share 1/K on a log scale: blue cells are favoured by
 * the search, red ones avoided, so the picture reads the same at any K.
 */
import { longLabel, type HeatmapLayout } from './categories';
import { h, setText } from './dom';
import { percent } from './format';
import type { PanelModel } from './model';
import { withAlpha, type Theme } from './theme';

const MAX_ALPHA = 0.75;

export class HeatmapView {
  private cells: HTMLElement[] = [];
  private layout: HeatmapLayout | null = null;
  private readonly legendBar = h('div', { class: 'legend-bar' });
  private readonly legendLow = h('span');
  private readonly legendMid = h('span');
  private readonly legendHigh = h('span');
  readonly element: HTMLElement;
  private readonly grid = h('div', { class: 'heatmap', attrs: { role: 'table', 'aria-label': 'operation by magnitude probabilities' } });

  constructor() {
    this.element = h(
      'div',
      { class: 'heatmap-wrap' },
      this.grid,
      h('div', { class: 'heatmap-legend' }, this.legendLow, this.legendBar, this.legendHigh),
      h('div', { class: 'heatmap-legend-mid' }, this.legendMid),
    );
  }

  update(model: PanelModel, theme: Theme): void {
    if (this.layout !== model.layout) this.build(model);
    const p = model.history.latest()?.p;
    const k = model.categories.length;
    if (!k) return;
    const uniform = 1 / k;
    // Symmetric log2 range of p / uniform, at least x1.25 so noise is not painted loud.
    let span = Math.log2(1.25);
    if (p) for (const v of p) span = Math.max(span, Math.abs(Math.log2(Math.max(v, 1e-9) / uniform)));
    for (const c of model.categories) {
      const cell = this.cells[c.index];
      if (!cell) continue;
      const v = p ? p[c.index] : uniform;
      const t = Math.log2(Math.max(v, 1e-9) / uniform) / span;
      cell.style.backgroundColor = withAlpha(t >= 0 ? theme.blue : theme.red, Math.abs(t) * MAX_ALPHA);
      cell.dataset.p = v.toFixed(6);
      setText(cell, (100 * v).toFixed(1));
      cell.title = `${longLabel(c)}\np = ${percent(v, 2)} (${(v / uniform).toFixed(2)}x uniform)`;
    }
    const factor = 2 ** span;
    setText(this.legendLow, `${(1 / factor).toFixed(2)}x`);
    setText(this.legendHigh, `${factor.toFixed(2)}x`);
    setText(this.legendMid, `p in %; colour: p / uniform (${percent(uniform, 2)})`);
    this.legendBar.style.background = `linear-gradient(to right, ${withAlpha(theme.red, MAX_ALPHA)}, transparent, ${withAlpha(theme.blue, MAX_ALPHA)})`;
  }

  private build(model: PanelModel): void {
    this.layout = model.layout;
    const { magnitudes, rows } = model.layout;
    this.cells = [];
    this.grid.replaceChildren();
    this.grid.style.gridTemplateColumns = `max-content repeat(${Math.max(1, magnitudes.length)}, minmax(2.6em, 1fr))`;
    if (!rows.length) {
      this.grid.append(h('div', { class: 'muted', text: 'The search space appears when the search starts.' }));
      return;
    }
    this.grid.append(h('div', { class: 'hm-corner', text: 'm' }), ...magnitudes.map((m) => h('div', { class: 'hm-col', text: String(m), attrs: { role: 'columnheader' } })));
    for (const row of rows) {
      this.grid.append(h('div', { class: 'hm-row', text: row.op, attrs: { role: 'rowheader' } }));
      for (const cell of row.cells) {
        const el = h('div', { class: 'hm-cell', attrs: { role: 'cell' } });
        if (cell.column === 'all') {
          el.style.gridColumn = `2 / span ${Math.max(1, magnitudes.length)}`;
          el.classList.add('hm-span');
        } else {
          el.style.gridColumn = String(cell.column + 2);
        }
        this.cells[cell.index] = el;
        this.grid.append(el);
      }
    }
  }
}
