/** Title, status badge, run facts, live numbers, the buttons and the problem banner. */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeProgressBar } from '@vscode-elements/elements/dist/vscode-progress-bar/vscode-progress-bar.js';
import type { FromPanel } from '../src/shared/webview-protocol';
import { h, setText } from './dom';
import { formatBase, formatDuration, formatRate, percent } from './format';
import type { PanelModel, Phase } from './model';

type Command = Exclude<FromPanel['type'], 'ready'>;

const PHASE_LABEL: Record<Phase, string> = {
  idle: 'No search',
  starting: 'Starting',
  running: 'Running',
  stopped: 'Stopped',
  done: 'Done',
  failed: 'Failed',
};

interface Stat {
  readonly el: HTMLElement;
  readonly value: HTMLElement;
  readonly detail: HTMLElement;
}

function stat(label: string, id: string): Stat {
  const value = h('span', { class: 'stat-value', text: '-' });
  const detail = h('span', { class: 'stat-detail' });
  const el = h('div', { class: 'stat', attrs: { 'data-stat': id } }, h('span', { class: 'stat-label', text: label }), value, detail);
  return { el, value, detail };
}

function button(label: string, icon: string, command: Command, send: (c: Command) => void, secondary = true): VscodeButton {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  b.icon = icon;
  b.secondary = secondary;
  b.dataset.command = command;
  b.addEventListener('click', () => {
    if (!b.disabled) send(command);
  });
  return b;
}

export class HeaderView {
  readonly element: HTMLElement;
  readonly banner: HTMLElement;
  private readonly title = h('span', { class: 'dataset' });
  private readonly badge = document.createElement('vscode-badge');
  private readonly meta = h('div', { class: 'meta' });
  private readonly note = h('div', { class: 'note' });
  private readonly progress: VscodeProgressBar = document.createElement('vscode-progress-bar');
  private readonly bannerText = h('span', { class: 'banner-text' });
  private readonly stats = {
    epoch: stat('Epoch', 'epoch'),
    pAug: stat('p_aug', 'paug'),
    accuracy: stat('Val accuracy', 'accuracy'),
    speed: stat('Images/s', 'speed'),
    eta: stat('ETA', 'eta'),
  };
  private readonly buttons: Record<Command, VscodeButton>;
  private readonly statsRow: HTMLElement;
  private readonly actions: HTMLElement;

  constructor(send: (c: Command) => void) {
    this.buttons = {
      start: button('New search', 'play', 'start', send),
      stop: button('Stop', 'debug-stop', 'stop', send),
      resume: button('Resume', 'debug-continue', 'resume', send),
      commit: button('Commit policy', 'git-commit', 'commit', send, false),
      showLog: button('Show log', 'output', 'showLog', send),
    };
    this.statsRow = h('div', { class: 'stats' }, ...Object.values(this.stats).map((s) => s.el));
    this.actions = h('div', { class: 'actions' }, this.buttons.start, this.buttons.stop, this.buttons.resume, this.buttons.commit);
    this.badge.className = 'phase';
    this.progress.className = 'progress';
    this.progress.ariaLabel = 'search progress';
    this.element = h(
      'header',
      { class: 'top' },
      h(
        'div',
        { class: 'title-row' },
        h('h1', {}, h('span', { class: 'product', text: 'DDAS search' }), this.title),
        this.badge,
        h('div', { class: 'spacer' }),
        this.actions,
      ),
      this.meta,
      this.statsRow,
      this.progress,
      this.note,
    );
    const icon = document.createElement('vscode-icon');
    icon.name = 'error';
    icon.className = 'banner-icon';
    this.banner = h('div', { class: 'banner', attrs: { role: 'alert' } }, icon, this.bannerText, this.buttons.showLog);
  }

  update(model: PanelModel): void {
    const phase = model.phase;
    const { status, latest, started, search } = model;
    setText(this.title, search?.dataset ?? '');
    setText(this.badge, PHASE_LABEL[phase]);
    this.badge.dataset.phase = phase;

    const facts: string[] = [];
    if (started) {
      facts.push(`${started.backend.name} (${started.backend.device})`, started.model, `${started.datasetSize.toLocaleString('en-US')} images`, `${started.categories.length} categories`);
    }
    if (search?.preset) facts.push(`preset ${search.preset}`);
    // What training must do after the policy for the result to mean what the search measured.
    if (model.base) facts.push(`base: ${formatBase(model.base)}`);
    setText(this.meta, facts.join('  \u00b7  '));

    const s = this.stats;
    if (latest) {
      setText(s.epoch.value, `${Math.min(latest.epoch + 1, latest.epochs)} / ${latest.epochs}`);
      setText(s.epoch.detail, `step ${latest.step + 1} / ${latest.stepsPerEpoch}`);
      setText(s.pAug.value, latest.pAug.toFixed(3));
      const first = model.history.view()[0];
      setText(s.pAug.detail, first ? `${signed(latest.pAug - first.pAug)} since start` : '');
      const snap = model.snapshots[model.snapshots.length - 1];
      setText(s.accuracy.value, percent(snap ? snap.valAccuracy : latest.valAccuracy));
      setText(s.accuracy.detail, snap ? `after epoch ${snap.epoch + 1}` : 'this step');
      setText(s.speed.value, formatRate(latest.imagesPerSecond));
      setText(s.speed.detail, 'training');
      const running = phase === 'running';
      setText(s.eta.value, running ? formatDuration(latest.etaSeconds) : phase === 'done' ? 'done' : '-');
      setText(s.eta.detail, running ? 'remaining' : '');
    } else {
      for (const x of Object.values(s)) {
        setText(x.value, '-');
        setText(x.detail, '');
      }
    }

    // Before any search the empty state speaks for itself.
    this.statsRow.hidden = !started && !status.running;
    this.actions.hidden = phase === 'idle' && !status.canResume && !status.canCommit;

    const fraction = model.progress;
    this.progress.hidden = !status.running;
    if (fraction === null) this.progress.indeterminate = true;
    else {
      this.progress.indeterminate = false;
      this.progress.value = Math.round(fraction * 1000) / 10;
    }

    const noteText =
      phase === 'done' && model.result
        ? `Search finished${model.result.outFile ? `: policy written to ${model.result.outFile}` : ''}.`
        : phase === 'stopped' && model.checkpointEpoch !== null
          ? `Stopped; checkpoint after epoch ${model.checkpointEpoch + 1}.`
          : '';
    setText(this.note, noteText);
    this.note.hidden = !noteText;

    this.buttons.stop.disabled = !status.running;
    this.buttons.resume.disabled = status.running || !status.canResume;
    this.buttons.commit.disabled = !status.canCommit;
    this.buttons.start.disabled = status.running;
    this.buttons.start.hidden = status.running;

    const problem = model.problem;
    this.banner.hidden = !problem;
    setText(this.bannerText, problem ?? '');
  }
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '\u2212'}${Math.abs(x).toFixed(3)}`;
}
