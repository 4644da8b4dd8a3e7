/** The user's images and their augmented draws under the current policy, one row each. */
import type { SampleRow } from '../src/shared/webview-protocol';
import { h } from './dom';

export class SamplesView {
  readonly element = h('div', { class: 'samples' });
  private shown: readonly SampleRow[] | null = null;

  update(rows: readonly SampleRow[]): void {
    if (rows === this.shown) return;
    this.shown = rows;
    if (!rows.length) {
      this.element.replaceChildren(h('div', { class: 'muted empty', text: 'Augmented samples of your images appear after the first epoch.' }));
      return;
    }
    const draws = Math.max(...rows.map((r) => r.draws.length));
    const table = h('div', { class: 'sample-grid' });
    // Thumbnails shrink to fit the card (down to 28px) rather than scroll.
    table.style.gridTemplateColumns = `minmax(4em, max-content) repeat(${draws + 1}, minmax(28px, 64px))`;
    table.append(h('div'), h('div', { class: 'sample-head', text: 'original' }), ...Array.from({ length: draws }, (_, i) => h('div', { class: 'sample-head', text: `draw ${i + 1}` })));
    for (const row of rows) {
      table.append(h('div', { class: 'sample-label', text: row.label, title: row.label }), image(row.original, `${row.label}, original`, true));
      for (let i = 0; i < draws; i++) table.append(row.draws[i] !== undefined ? image(row.draws[i], `${row.label}, draw ${i + 1}`, false) : h('div'));
    }
    this.element.replaceChildren(table);
  }
}

function image(base64: string, alt: string, original: boolean): HTMLElement {
  const img = h('img', { class: original ? 'sample original' : 'sample', attrs: { alt } });
  img.src = `data:image/png;base64,${base64}`;
  img.decoding = 'async';
  return img;
}
