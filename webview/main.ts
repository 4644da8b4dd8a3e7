/**
 * The live search panel. It is a view of the engine's event stream: the extension answers
 * `ready` with `init` (everything so far) and then forwards events, samples and status.
 * Messages update the model at once; drawing is coalesced to a few frames a second.
 */
import './panel.css';
import type { ToPanel } from '../src/shared/webview-protocol';
import { LineChartView, lossChart, pAugChart, TopColours, topOpsChart } from './charts';
import { h, setText } from './dom';
import { EvaluationView } from './evaluation-view';
import { HeatmapView } from './heatmap';
import { HeaderView } from './header';
import { PanelModel, type Part } from './model';
import { SamplesView } from './samples';
import { FrameScheduler } from './schedule';
import { observeTheme, readTheme } from './theme';
import { connect } from './vscode-api';

const host = connect();
const model = new PanelModel();
let theme = readTheme();

const header = new HeaderView((command) => host.post({ type: command }));
const heatmap = new HeatmapView();
const samples = new SamplesView();
const evaluation = new EvaluationView();
const samplesCaption = h('span', { class: 'card-note' });

function chartCard(title: string, label: string, spec: ConstructorParameters<typeof LineChartView>[1], extraClass = ''): { card: HTMLElement; view: LineChartView; value: HTMLElement } {
  const canvas = h('canvas', { attrs: { role: 'img', 'aria-label': label } });
  const value = h('span', { class: 'card-value' });
  const card = h('section', { class: `card ${extraClass}`.trim() }, h('div', { class: 'card-head' }, h('h2', { text: title }), value), h('div', { class: 'chart-box' }, canvas));
  return { card, view: new LineChartView(canvas, spec), value };
}

const pAug = chartCard('Augment probability p_aug', 'p_aug over training', pAugChart, 'card-paug');
const topOps = chartCard('Top operations', 'probability of the current top categories over training', topOpsChart(new TopColours()), 'card-top');
const loss = chartCard('Loss and accuracy', 'train and validation loss and validation accuracy over training', lossChart, 'card-loss');
const heatCard = h('section', { class: 'card card-heatmap' }, h('div', { class: 'card-head' }, h('h2', { text: 'Operation \u00d7 magnitude' }), h('span', { class: 'card-note', text: 'current p' })), heatmap.element);
const samplesCard = h('section', { class: 'card card-samples' }, h('div', { class: 'card-head' }, h('h2', { text: 'Augmented samples' }), samplesCaption), samples.element);

const emptyState = h(
  'div',
  { class: 'empty-state' },
  h('p', { text: 'No search has run in this window yet.' }),
  h('p', { class: 'muted', text: 'Start one here, or with a DDAS command from the Command Palette. Progress, the learned policy and augmented samples of your images appear here live.' }),
);
const startButton = document.createElement('vscode-button');
startButton.textContent = 'Start search';
startButton.icon = 'play';
startButton.addEventListener('click', () => host.post({ type: 'start' }));
emptyState.append(startButton);

const cards = h('main', { class: 'cards' }, pAug.card, topOps.card, heatCard, loss.card, samplesCard);
const root = document.getElementById('root') ?? document.body.appendChild(h('div', { attrs: { id: 'root' } }));
root.replaceChildren(header.element, header.banner, evaluation.element, emptyState, cards);

const dirty = new Set<Part>(['header', 'charts', 'heatmap', 'samples', 'evaluation']);
let themeChanged = false;

function render(): void {
  const hasSearch = model.started !== null;
  emptyState.hidden = hasSearch || model.status.running || model.evaluation.hasEvaluation;
  cards.hidden = !hasSearch;
  if (dirty.has('header')) header.update(model);
  if (hasSearch && (dirty.has('charts') || themeChanged)) {
    for (const c of [pAug, topOps, loss]) (themeChanged ? c.view.rebuild : c.view.update).call(c.view, model, theme);
    const l = model.latest;
    setText(pAug.value, l ? l.pAug.toFixed(3) : '');
    setText(topOps.value, model.categories.length ? `of ${model.categories.length}` : '');
    const snap = model.snapshots[model.snapshots.length - 1];
    setText(loss.value, snap ? `${(100 * snap.valAccuracy).toFixed(1)}% val` : '');
  }
  if (hasSearch && (dirty.has('heatmap') || themeChanged)) heatmap.update(model, theme);
  if (dirty.has('evaluation') || (themeChanged && model.evaluation.hasEvaluation)) evaluation.update(model, theme, themeChanged);
  if (dirty.has('samples')) {
    samples.update(model.samples.rows);
    setText(samplesCaption, model.samples.rows.length ? (model.samples.epoch !== null ? `under the policy after epoch ${model.samples.epoch + 1}` : 'under the current policy') : '');
  }
  dirty.clear();
  themeChanged = false;
  document.body.dataset.renderedTheme = theme.kind;
}

const scheduler = new FrameScheduler(render);

window.addEventListener('message', (e: MessageEvent<ToPanel>) => {
  const msg = e.data;
  if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return;
  for (const part of model.apply(msg)) dirty.add(part);
  if (msg.type === 'init') {
    scheduler.flush();
    const saved = host.state();
    if (saved) window.scrollTo(0, saved.scrollY);
  } else scheduler.request();
});

observeTheme((t) => {
  theme = t;
  themeChanged = true;
  dirty.add('header');
  scheduler.request();
});

let scrollTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('scroll', () => {
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(() => host.saveState({ version: 1, scrollY: window.scrollY }), 200);
});

render();
host.post({ type: 'ready' });
