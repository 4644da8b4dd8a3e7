/**
 * The panel's evaluation section (DDAS: Evaluate Policy): what is evaluated and how, its
 * progress, the verdict in one sentence, held-out accuracy per entry with 95% intervals,
 * the learning curves, and a table with each entry's mean, interval and paired difference
 * to the best baseline. The table is also the charts' text alternative.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { VscodeProgressBar } from '@vscode-elements/elements/dist/vscode-progress-bar/vscode-progress-bar.js';
import type { Interval } from '../src/shared/evaluation';
import { signedPoints } from '../src/shared/evaluation-summary';
import { LineChartView } from './charts';
import { h, setText } from './dom';
import { accuracyChart, curvesChart, entryColour } from './evaluation-charts';
import type { EntryRow, EvaluationModel, EvaluationPhase } from './evaluation-model';
import { formatDuration, percent } from './format';
import type { PanelModel } from './model';
import type { Theme } from './theme';

const PHASE_LABEL: Record<EvaluationPhase, string> = {
  starting: 'Starting',
  running: 'Running',
  done: 'Done',
  stopped: 'Stopped',
  failed: 'Failed',
};

const TABLE_ID = 'evaluation-table';

function chartCard(title: string, extraClass: string, spec: ConstructorParameters<typeof LineChartView>[1]): { card: HTMLElement; view: LineChartView; canvas: HTMLCanvasElement; box: HTMLElement; value: HTMLElement } {
  const canvas = h('canvas', { attrs: { role: 'img', 'aria-label': title, 'aria-describedby': TABLE_ID } });
  const value = h('span', { class: 'card-note' });
  const box = h('div', { class: 'chart-box' }, canvas);
  const card = h('section', { class: `card ${extraClass}` }, h('div', { class: 'card-head' }, h('h2', { text: title }), value), box);
  return { card, view: new LineChartView(canvas, spec), canvas, box, value };
}

function ci(i: Interval, format: (v: number) => string): string {
  return `${format(i.low)}..${format(i.high)}`;
}

/** The charts in words: one clause per entry. */
export function accuracySummary(rows: readonly EntryRow[]): string {
  const parts = rows.map((r) => (r.accuracy ? `${r.label} ${percent(r.accuracy.mean)}${r.runs > 1 ? ` (95% CI ${ci(r.accuracy, (v) => percent(v))})` : ''}` : `${r.label}: no finished run`));
  return `Held-out accuracy per entry, mean over seeds: ${parts.join('; ')}.`;
}

export function curvesSummary(rows: readonly EntryRow[]): string {
  const parts = rows.filter((r) => r.curve.length > 0).map((r) => `${r.label} from ${percent(r.curve[0])} to ${percent(r.curve[r.curve.length - 1])}`);
  return parts.length ? `Held-out accuracy after each epoch, mean over finished runs: ${parts.join('; ')}.` : 'Learning curves appear when the first run finishes.';
}

export class EvaluationView {
  /** Empty (and hidden) until the first evaluation: its charts and alert join the page only then. */
  readonly element = h('section', { class: 'evaluation', attrs: { 'aria-label': 'Held-out evaluation' } });
  private readonly content: HTMLElement[];
  private readonly title = h('span', { class: 'dataset' });
  private readonly badge = document.createElement('vscode-badge');
  private readonly meta = h('div', { class: 'meta' });
  private readonly progress: VscodeProgressBar = document.createElement('vscode-progress-bar');
  private readonly note = h('div', { class: 'note' });
  private readonly problem = h('div', { class: 'eval-problem', attrs: { role: 'alert' } });
  private readonly verdict = h('p', { class: 'verdict', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly accuracy = chartCard('Held-out accuracy', 'card-eval-accuracy', accuracyChart);
  private readonly curves = chartCard('Learning curves', 'card-eval-curves', curvesChart);
  private readonly tableHead = h('tr');
  private readonly tableBody = h('tbody');
  private readonly tableNote = h('span', { class: 'card-note' });

  constructor() {
    this.badge.className = 'phase';
    this.progress.className = 'progress';
    this.progress.ariaLabel = 'evaluation progress';
    const table = h('table', { class: 'eval-table', attrs: { id: TABLE_ID } }, h('caption', { class: 'visually-hidden', text: 'Held-out accuracy per entry' }), h('thead', {}, this.tableHead), this.tableBody);
    const tableCard = h('section', { class: 'card card-eval-table' }, h('div', { class: 'card-head' }, h('h2', { text: 'Comparison' }), this.tableNote), h('div', { class: 'eval-table-wrap' }, table));
    this.content = [
      h('div', { class: 'title-row' }, h('h1', {}, h('span', { class: 'product', text: 'Held-out evaluation' }), this.title), this.badge),
      this.meta,
      this.progress,
      this.note,
      this.problem,
      this.verdict,
      h('div', { class: 'eval-cards' }, this.accuracy.card, this.curves.card, tableCard),
    ];
  }

  update(model: PanelModel, theme: Theme, rebuild: boolean): void {
    const ev = model.evaluation;
    this.element.hidden = !ev.hasEvaluation;
    if (!ev.hasEvaluation || !ev.info) return;
    if (!this.element.firstChild) this.element.append(...this.content);
    const info = ev.info;
    const phase = ev.phase;
    setText(this.title, `${info.policy} on ${info.dataset}`);
    setText(this.badge, PHASE_LABEL[phase]);
    this.badge.dataset.phase = phase;

    const s = ev.started;
    const r = ev.report;
    const facts = [info.budget];
    if (s) facts.push(`${s.model ?? 'proxy net'} on ${s.backend}`, `${s.testImages.toLocaleString('en-US')} held-out images (${s.heldOut})`, `${s.trainImages.toLocaleString('en-US')} training images`);
    if (s?.base) facts.push(`base ${s.base}`);
    if (r) facts.push(`${formatDuration(r.seconds)} of training`);
    setText(this.meta, facts.join('  \u00b7  '));

    const fraction = ev.progress;
    this.progress.hidden = !ev.status.running;
    if (fraction === null) this.progress.indeterminate = true;
    else {
      this.progress.indeterminate = false;
      this.progress.value = Math.round(fraction * 1000) / 10;
    }
    setText(this.note, this.noteText(ev));
    this.note.hidden = this.note.textContent === '';
    setText(this.problem, ev.status.problem ?? '');
    this.problem.hidden = !ev.status.problem;

    const verdict = ev.verdict;
    setText(this.verdict, verdict ? verdict.text : ev.status.running ? 'The verdict appears when every entry has finished a seed.' : '');
    this.verdict.classList.toggle('provisional', !verdict?.final);
    this.verdict.hidden = this.verdict.textContent === '';

    const rows = ev.rows;
    this.accuracy.box.style.height = `${Math.max(150, 34 * rows.length + 70)}px`;
    for (const c of [this.accuracy, this.curves]) (rebuild ? c.view.rebuild : c.view.update).call(c.view, model, theme);
    this.accuracy.canvas.setAttribute('aria-label', accuracySummary(rows));
    this.curves.canvas.setAttribute('aria-label', curvesSummary(rows));
    const { done, total } = ev.runCounts;
    setText(this.accuracy.value, total ? `${done} of ${total} runs` : '');
    setText(this.curves.value, ev.epochs ? `${ev.epochs} epochs` : '');
    this.table(ev, rows, theme);
  }

  private noteText(ev: EvaluationModel): string {
    const cur = ev.current;
    const { done, total } = ev.runCounts;
    if (ev.status.running && cur) {
      const l = cur.latest;
      const eta = Number.isFinite(l.etaSeconds) ? ` \u00b7 ${formatDuration(l.etaSeconds)} left` : '';
      return `Run ${cur.run + 1} of ${cur.runs}: ${cur.label}, seed ${cur.seed}, epoch ${Math.min(l.epoch + 1, l.epochs)} of ${l.epochs}${eta}`;
    }
    if (ev.status.running) return ev.started ? 'Training the first run...' : 'Loading the dataset and its held-out split...';
    if (ev.report) return '';
    if (ev.status.cancelled || ev.phase === 'stopped') return `Stopped after ${done} of ${total || '?'} runs; DDAS: Evaluate Policy resumes it from its checkpoint.`;
    return '';
  }

  private table(ev: EvaluationModel, rows: readonly EntryRow[], theme: Theme): void {
    const best = ev.bestBaseline;
    const heads = ['Entry', 'Seeds', 'Mean', '95% CI', best ? `vs ${best} (paired, points)` : 'vs best baseline'];
    this.tableHead.replaceChildren(...heads.map((t) => h('th', { text: t, attrs: { scope: 'col' } })));
    this.tableBody.replaceChildren(
      ...rows.map((row, i) => {
        const swatch = h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
        swatch.style.backgroundColor = entryColour(theme, i);
        const name = h('th', { attrs: { scope: 'row' } }, swatch, row.label, row.kind === 'baseline' ? h('span', { class: 'muted kind', text: ' baseline' }) : h('span', { class: 'muted kind', text: ' policy' }));
        const a = row.accuracy;
        const tr = h(
          'tr',
          { class: row.kind },
          name,
          h('td', { text: String(row.runs) }),
          h('td', { text: a ? percent(a.mean) : '-' }),
          h('td', { text: a && row.runs > 1 ? ci(a, (v) => percent(v)) : '-' }),
          h('td', { text: this.differenceText(row, best) }),
        );
        tr.dataset.label = row.label;
        return tr;
      }),
    );
    setText(this.tableNote, ev.report ? `on ${ev.testImages.toLocaleString('en-US')} held-out images` : ev.status.running ? 'so far' : '');
  }

  private differenceText(row: EntryRow, best: string | null): string {
    if (row.isBestBaseline) return 'reference';
    const d = row.difference;
    if (!best || !d) return '-';
    if (d.low === d.high) return signedPoints(d.mean);
    const word = d.low > 0 ? 'better' : d.high < 0 ? 'worse' : 'no clear difference';
    return `${signedPoints(d.mean)} (${ci(d, signedPoints)}) ${word}`;
  }
}
