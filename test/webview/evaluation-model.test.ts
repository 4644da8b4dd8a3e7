/** How evaluation events become the evaluation section's state (webview/evaluation-model.ts). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EvaluateEvent } from '../../src/shared/evaluation';
import type { EvaluationInfo, ToPanel } from '../../src/shared/webview-protocol';
import { EvaluationModel } from '../../webview/evaluation-model';
import { PanelModel } from '../../webview/model';

interface Fixture {
  readonly info: EvaluationInfo;
  readonly events: readonly EvaluateEvent[];
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixture-evaluation.json'), 'utf8')) as Fixture;
const RUNNING = { running: true };
const resultIndex = fixture.events.findIndex((e) => e.kind === 'evaluateResult');
const report = (fixture.events[resultIndex] as Extract<EvaluateEvent, { kind: 'evaluateResult' }>).report;

/** Read through a call: an assertion on the getter would narrow it for the rest of the test. */
function verdictOf(ev: EvaluationModel): EvaluationModel['verdict'] {
  return ev.verdict;
}

/** The events up to (not including) the n-th finished run. */
function upToRun(n: number): EvaluateEvent[] {
  let runs = 0;
  const out: EvaluateEvent[] = [];
  for (const e of fixture.events) {
    if (e.kind === 'evaluateRun' && runs++ === n) break;
    out.push(e);
  }
  return out;
}

describe('evaluation section model', () => {
  it('starts empty and shows nothing without an evaluation', () => {
    const m = new PanelModel();
    m.apply({ type: 'init', search: null, events: [], samples: [], status: { running: false, canResume: false, canCommit: false } });
    assert.equal(m.evaluation.hasEvaluation, false);
    assert.deepEqual(m.evaluation.rows, []);
    assert.equal(m.evaluation.verdict, null);
  });

  it('replays a recorded evaluation to the report\'s numbers', () => {
    const m = new PanelModel();
    const parts = m.apply({ type: 'init', search: null, events: [], samples: [], status: { running: false, canResume: false, canCommit: false }, evaluation: { info: fixture.info, events: fixture.events, status: { running: false } } });
    assert.ok(parts.has('evaluation'));
    const ev = m.evaluation;
    assert.equal(ev.phase, 'done');
    assert.equal(ev.progress, 1);
    assert.deepEqual(ev.runCounts, { done: 18, total: 18 });
    assert.deepEqual(ev.labels, ['hand-tuned', 'none', 'base', 'randaugment', 'trivialaugment', 'uniform']);
    assert.equal(ev.bestBaseline, 'none');
    assert.deepEqual(ev.verdict, { text: report.verdict, final: true });
    const rows = ev.rows;
    assert.deepEqual(rows.map((r) => [r.label, r.kind, r.runs]), [['hand-tuned', 'policy', 3], ['none', 'baseline', 3], ['base', 'baseline', 3], ['randaugment', 'baseline', 3], ['trivialaugment', 'baseline', 3], ['uniform', 'baseline', 3]]);
    rows.forEach((r, i) => assert.deepEqual(r.accuracy, report.entries[i].accuracy));
    assert.equal(rows[1].isBestBaseline, true);
    assert.equal(rows[1].difference, null, 'the reference has no difference to itself');
    assert.deepEqual(rows[0].difference, report.differences.find((d) => d.entry === 'hand-tuned' && d.reference === 'none')?.difference);
    assert.equal(rows[0].curve.length, 8);
  });

  it('fills in live: per-entry means from finished runs, a provisional verdict once a seed is complete', () => {
    const ev = new EvaluationModel();
    ev.reset({ info: fixture.info, events: [], status: RUNNING });
    assert.equal(ev.phase, 'starting');
    assert.equal(ev.progress, null);
    const first = upToRun(1);
    for (const e of first) ev.event(e);
    assert.equal(ev.phase, 'running');
    // One run finished (hand-tuned, seed 0); the next (none, seed 0) is training.
    assert.deepEqual(ev.rows.map((r) => r.runs), [1, 0, 0, 0, 0, 0]);
    assert.equal(ev.rows[0].accuracy?.mean, 0.735);
    assert.equal(ev.rows[0].accuracy?.low, 0.735, 'one seed: no interval');
    assert.equal(ev.current?.label, 'none');
    assert.ok((ev.progress ?? 0) > 1 / 18 && (ev.progress ?? 1) <= 2 / 18 + 1e-12, String(ev.progress));
    assert.equal(verdictOf(ev), null, 'no verdict before every entry has a seed');

    // Seed 0 complete for every entry: a paired comparison over one seed.
    const seed0 = upToRun(6);
    ev.reset({ info: fixture.info, events: seed0, status: RUNNING });
    assert.deepEqual(ev.rows.map((r) => r.runs), [1, 1, 1, 1, 1, 1]);
    assert.equal(ev.bestBaseline, 'none');
    const v = verdictOf(ev);
    assert.ok(v && !v.final);
    assert.match(v.text, /^So far \(1 of 3 seeds\): -3\.2 points vs none on 400 held-out images \(1 seed, so no confidence interval/);
    assert.ok(Math.abs((ev.rows[0].difference?.mean ?? 0) - (0.735 - 0.7675)) < 1e-12);
  });

  it('keeps the training run\'s held-out curve until the run finishes', () => {
    const ev = new EvaluationModel();
    ev.reset({ info: fixture.info, events: [], status: RUNNING });
    const events = upToRun(0);
    for (const e of events) ev.event(e);
    const epochEnds = events.filter((e) => e.kind === 'evaluateProgress' && e.testAccuracy !== undefined);
    assert.equal(ev.current?.curve.length, epochEnds.length);
    assert.deepEqual(ev.current?.curve, epochEnds.map((e) => (e.kind === 'evaluateProgress' ? e.testAccuracy : -1)));
    const run = fixture.events.find((e) => e.kind === 'evaluateRun');
    assert.ok(run);
    ev.event(run);
    assert.equal(ev.current, null);
  });

  it('a resumed evaluation starts over and takes the replayed runs', () => {
    const ev = new EvaluationModel();
    ev.reset({ info: fixture.info, events: upToRun(8), status: RUNNING });
    assert.equal(ev.runs.length, 8);
    const started = fixture.events[0];
    assert.equal(started.kind, 'evaluateStarted');
    ev.event({ ...started, id: 'evaluate-2', resumedRuns: 8 });
    assert.equal(ev.runs.length, 0);
    for (const e of fixture.events.filter((x) => x.kind === 'evaluateRun').slice(0, 8)) ev.event({ ...e, id: 'evaluate-2' });
    assert.equal(ev.runs.length, 8);
    assert.deepEqual(ev.rows.map((r) => r.runs), [2, 2, 1, 1, 1, 1]);
  });

  it('follows status messages: stopped and failed', () => {
    const m = new PanelModel();
    const msgs: ToPanel[] = [
      { type: 'evaluation', evaluation: { info: fixture.info, events: upToRun(3), status: RUNNING } },
      { type: 'evaluationEvent', event: fixture.events[upToRun(3).length] },
      { type: 'evaluationStatus', status: { running: false, cancelled: true } },
    ];
    for (const msg of msgs) assert.deepEqual([...m.apply(msg)], ['evaluation']);
    assert.equal(m.evaluation.phase, 'stopped');
    assert.equal(m.evaluation.runs.length, 4);
    m.apply({ type: 'evaluationStatus', status: { running: false, problem: 'The DDAS engine stopped during the evaluation (killed by SIGKILL).' } });
    assert.equal(m.evaluation.phase, 'failed');
    // A search's init without the evaluation field clears the section (the extension always sends it).
    m.apply({ type: 'init', search: null, events: [], samples: [], status: { running: false, canResume: false, canCommit: false } });
    assert.equal(m.evaluation.hasEvaluation, false);
  });
});
