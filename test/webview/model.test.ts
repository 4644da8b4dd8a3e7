/** The panel's pure parts: category layout, bounded history and the model. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EngineEvent, ProgressEvent } from '../../src/shared/protocol';
import { describeBase, type BaseTransform } from '../../src/shared/base';
import { heatmapLayout, parseCategory } from '../../webview/categories';
import { formatBase } from '../../webview/format';
import { History } from '../../webview/history';
import { PanelModel, topIndices } from '../../webview/model';

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixture-search.json'), 'utf8')) as { events: EngineEvent[] };
const started = fixture.events.find((e): e is Extract<EngineEvent, { kind: 'started' }> => e.kind === 'started');

function progress(step: number, over: Partial<ProgressEvent> = {}): EngineEvent {
  return { kind: 'progress', id: 's', epoch: Math.floor(step / 10), epochs: 1000, step: step % 10, stepsPerEpoch: 10, pAug: 0.3, p: [0.5, 0.5], trainLoss: 1, valLoss: 1, valAccuracy: 0.5, imagesPerSecond: 10, etaSeconds: 5, ...over };
}

describe('search panel model', () => {
  it('lays the 52 default categories out as 8 whole rows and 11 ops x 4 bins', () => {
    assert.ok(started);
    const layout = heatmapLayout(started.categories.map(parseCategory));
    assert.deepEqual(layout.magnitudes, [0.25, 0.5, 0.75, 1]);
    assert.equal(layout.rows.length, 19);
    assert.equal(layout.rows.filter((r) => r.cells.length === 1 && r.cells[0].column === 'all').length, 8);
    assert.equal(layout.rows.reduce((n, r) => n + r.cells.length, 0), 52);
    assert.deepEqual(new Set(layout.rows.flatMap((r) => r.cells.map((c) => c.index))).size, 52);
    assert.deepEqual(parseCategory('Rotate@0.5', 3), { index: 3, key: 'Rotate@0.5', op: 'Rotate', magnitude: 0.5 });
  });

  it('keeps history bounded and always ends at the newest step', () => {
    const h = new History(100);
    for (let i = 0; i < 10_000; i++) h.push({ x: i, pAug: 0, trainLoss: 0, valLoss: 0, valAccuracy: 0, p: new Float32Array(1) });
    assert.ok(h.size < 100 && h.size >= 50, `size ${h.size}`);
    const view = h.view();
    assert.equal(view[0].x, 0);
    assert.equal(view[view.length - 1].x, 9999);
  });

  it('replays a recorded search and derives phase, progress and buttons state', () => {
    const m = new PanelModel();
    m.apply({ type: 'init', search: { id: 'search-1', dataset: 'd', preset: 'quick' }, events: fixture.events.slice(0, -1), samples: [], status: { running: true, canResume: false, canCommit: false } });
    assert.equal(m.phase, 'running');
    assert.equal(m.categories.length, 52);
    assert.equal(m.snapshots.length, 5);
    assert.equal(m.progress, 1);
    m.apply({ type: 'event', event: fixture.events[fixture.events.length - 1] });
    m.apply({ type: 'status', status: { running: false, canResume: false, canCommit: true } });
    assert.equal(m.phase, 'done');
    m.apply({ type: 'status', status: { running: false, canResume: true, canCommit: false, problem: 'engine died' } });
    assert.equal(m.phase, 'failed');
    assert.equal(m.problem, 'engine died');
  });

  it('keeps history across a resume of the same search and resets on a new one', () => {
    const m = new PanelModel();
    const start = (id: string, resumedFromEpoch?: number): EngineEvent => ({ kind: 'started', id, categories: ['A', 'B'], backend: { name: 'cpu', device: 'cpu', skipped: [] }, model: 'm', datasetSize: 4, resumedFromEpoch });
    m.apply({ type: 'event', event: start('s') });
    for (let i = 0; i < 25; i++) m.apply({ type: 'event', event: progress(i) });
    m.apply({ type: 'event', event: start('s', 2) });
    assert.equal(m.history.view().length, 20, 'steps of epochs 0-1 kept, epoch 2 redone');
    m.apply({ type: 'event', event: start('other') });
    assert.equal(m.history.view().length, 0);
  });

  it('knows the base transform from the start event, else from the result, and forgets it on a new search', () => {
    const m = new PanelModel();
    const crop: BaseTransform = { cropPadding: 4, flipLR: false, cutout: 0 };
    const start = (id: string, base?: BaseTransform): EngineEvent => ({ kind: 'started', id, categories: ['A'], backend: { name: 'cpu', device: 'cpu', skipped: [] }, model: 'm', datasetSize: 4, ...(base ? { base } : {}) });
    m.apply({ type: 'event', event: start('s', crop) });
    assert.deepEqual(m.base, crop);
    m.apply({ type: 'event', event: start('t') });
    assert.equal(m.base, null);
    const policy = { version: 1 as const, opsPerImage: 1, applyProbability: 1, operations: [{ op: 'Identity' as const, probability: 1 }], base: { cropPadding: 2, flipLR: true, cutout: 8 } };
    m.apply({ type: 'init', search: null, events: [{ kind: 'result', id: 'old', policy }], samples: [], status: { running: false, canResume: false, canCommit: true } });
    assert.deepEqual(m.base, policy.base);
  });

  it('words the base as the engine and the CLI do (describeBase)', () => {
    for (const base of [{ cropPadding: 4, flipLR: false, cutout: 0 }, { cropPadding: 0, flipLR: true, cutout: 16 }, { cropPadding: 3, flipLR: true, cutout: 5 }, { cropPadding: 0, flipLR: false, cutout: 0 }]) {
      assert.equal(formatBase(base), describeBase(base));
    }
  });

  it('ranks the top categories', () => {
    assert.deepEqual(topIndices([0.1, 0.4, 0.2, 0.3], 2), [1, 3]);
  });
});

