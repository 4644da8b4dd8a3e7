/**
 * Evaluate Policy's logic that needs no VS Code: requests from the picks, budgets, the
 * dataset a policy names, the replay log, the progress text, and the evaluation record
 * Commit Policy writes into the policy and its commit message.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BASELINE_DESCRIPTIONS, BASELINE_NAMES, type EvaluateEvent, type EvaluationReport } from '../../src/shared/evaluation';
import { evaluationMetadata, withEvaluation } from '../../src/shared/evaluation-record';
import { commitMessage, evaluationLine, exportPolicy, importPolicy, EXPORT_FORMATS } from '../../src/shared/export';
import { validatePolicy, type Policy } from '../../src/shared/policy';
import { parseRequest, type EngineEvent } from '../../src/shared/protocol';
import { EVALUATE_PRESETS, baselineItems, budgetFor, budgetLabel, checkEvaluateField, datasetOfPolicy, evaluateRequest, evaluationInfo, policyChoices, policyLabel, runCount, type EvaluatePlan, type PolicyChoice } from '../../src/extension/evaluate/evaluate-plan';
import { parseEventLine } from '../../src/extension/engine/event-lines';
import { EvaluationLog } from '../../src/extension/evaluate/evaluation-log';
import { evaluationOf, policyFingerprint, recordEvaluation, withLastEvaluation } from '../../src/extension/evaluate/evaluation-records';
import { evaluationFraction, evaluationProgressText } from '../../src/extension/evaluate/progress-text';

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'webview', 'fixture-evaluation.json'), 'utf8')) as { events: EvaluateEvent[] };
const report = fixture.events.flatMap((e) => (e.kind === 'evaluateResult' ? [e.report] : []))[0] as EvaluationReport;

const POLICY: Policy = {
  version: 1,
  opsPerImage: 2,
  applyProbability: 0.4,
  operations: [{ op: 'Rotate', magnitude: 0.5, probability: 0.75 }, { op: 'FlipLR', probability: 0.25 }],
  base: { cropPadding: 4, flipLR: false, cutout: 0 },
  search: { method: 'ddas', dataset: { path: '/data/fmnist', images: 4000 }, model: 'resnet-small', epochs: 4, seed: 0, backend: 'wasm', seconds: 60 },
};

const source: PolicyChoice = { policy: POLICY, label: policyLabel('/ws/fmnist.augpolicy.json'), file: '/ws/fmnist.augpolicy.json', origin: 'fmnist.augpolicy.json (active editor)' };

function plan(over: Partial<EvaluatePlan> = {}): EvaluatePlan {
  return { source, dataset: '/data/fmnist', datasetName: 'fmnist', baselines: [...BASELINE_NAMES], budgetChoice: 'quick', budget: budgetFor('quick'), ...over };
}

describe('evaluate plans', () => {
  it('become valid engine requests: the policy first, then the baselines picked', () => {
    const req = evaluateRequest(plan({ baselines: ['base', 'randaugment'] }), 'evaluate-1', '/tmp/ck');
    const parsed = parseRequest(JSON.stringify(req));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
    assert.equal(parsed.request.kind, 'evaluate');
    if (parsed.request.kind !== 'evaluate') return;
    const r = parsed.request;
    assert.deepEqual(r.entries.map((e) => (e.kind === 'policy' ? `policy:${e.label}` : e.name)), ['policy:fmnist', 'base', 'randaugment']);
    assert.deepEqual(r.entries[0].kind === 'policy' && r.entries[0].policy, POLICY);
    assert.deepEqual(r.budget, { seeds: 3, epochs: 15, trainSize: 1000, testSize: 2000, batch: 128 });
    assert.equal(r.checkpointDir, '/tmp/ck');
    assert.equal(r.resume, false);
    assert.equal(r.model, 'resnet-small');
    // No baselines at all is a valid evaluation of the policy alone.
    assert.ok(parseRequest(JSON.stringify(evaluateRequest(plan({ baselines: [] }), 'e', '/ck', true))).ok);
  });

  it('offer the Quick, Standard and Custom budgets', () => {
    assert.deepEqual(budgetFor('standard'), { seeds: 3, epochs: 40, trainSize: 2000 });
    assert.match(EVALUATE_PRESETS.quick.label, /^Quick: 3 seeds x 15 epochs, 1,000 images$/);
    assert.match(EVALUATE_PRESETS.standard.label, /^Standard: 3 seeds x 40 epochs, 2,000 images$/);
    assert.deepEqual(budgetFor('custom', { seeds: 5, epochs: 2, trainSize: 50 }), { seeds: 5, epochs: 2, trainSize: 50 });
    assert.equal(budgetLabel('standard', budgetFor('standard')), 'Standard (3 seeds x 40 epochs, 2,000 training images)');
    assert.equal(budgetLabel('quick', budgetFor('quick')), 'Quick (3 seeds x 15 epochs, 1,000 training images, up to 2,000 held-out images)');
    assert.equal(runCount(5, budgetFor('quick')), 18);
    assert.equal(checkEvaluateField('seeds', '3'), undefined);
    assert.match(checkEvaluateField('seeds', '51') ?? '', /from 1 to 50/);
    assert.match(checkEvaluateField('trainSize', '9') ?? '', /from 10/);
    assert.match(checkEvaluateField('epochs', '2.5') ?? '', /whole number/);
  });

  it('lists every baseline with its description, all preselected', () => {
    const items = baselineItems();
    assert.deepEqual(items.map((i) => i.name), ['none', 'base', 'randaugment', 'trivialaugment', 'uniform']);
    assert.ok(items.every((i) => i.picked && i.detail === BASELINE_DESCRIPTIONS[i.name]));
  });

  it('label the policy so that no baseline has its name, and ask for the source only when there are two', () => {
    assert.equal(policyLabel('/ws/pets.augpolicy.yaml'), 'pets');
    assert.equal(policyLabel('/ws/uniform.augpolicy.json'), 'uniform (policy)');
    assert.equal(policyLabel(undefined), 'search result');
    const result: PolicyChoice = { policy: POLICY, label: 'search result', origin: 'last search result' };
    assert.deepEqual(policyChoices(undefined, result), [result]);
    assert.deepEqual(policyChoices(source, result), [source, result]);
    assert.deepEqual(policyChoices(undefined, undefined), []);
  });

  it('find the dataset the policy was searched on when it is here', () => {
    const here = new Set(['/data/fmnist', '/ws/policies/data/pets', '/ws/data/cars']);
    const exists = (p: string): boolean => here.has(p);
    assert.equal(datasetOfPolicy(POLICY, undefined, '/ws', exists), '/data/fmnist');
    const relative = (p: string): Policy => ({ ...POLICY, search: { ...POLICY.search!, dataset: { path: p, images: 1 } } });
    assert.equal(datasetOfPolicy(relative('data/pets'), '/ws/policies/pets.augpolicy.json', '/ws', exists), '/ws/policies/data/pets');
    assert.equal(datasetOfPolicy(relative('data/cars'), '/ws/policies/cars.augpolicy.json', '/ws', exists), '/ws/data/cars');
    assert.equal(datasetOfPolicy(relative('/elsewhere/gone'), undefined, '/ws', exists), undefined);
    assert.equal(datasetOfPolicy({ ...POLICY, search: undefined }, undefined, '/ws', exists), undefined);
  });

  it('tell the panel the entries and their kinds', () => {
    const info = evaluationInfo(plan({ baselines: ['none', 'base'] }), 'evaluate-9');
    assert.deepEqual(info.entries, [{ label: 'fmnist', kind: 'policy' }, { label: 'none', kind: 'baseline' }, { label: 'base', kind: 'baseline' }]);
    assert.equal(info.id, 'evaluate-9');
    assert.match(info.budget, /^Quick \(3 seeds x 15 epochs/);
  });
});

describe('the evaluation log', () => {
  it('gets the engine\'s evaluation events through the extension\'s line parser', () => {
    for (const e of fixture.events) assert.equal(parseEventLine(JSON.stringify(e)).ok, true, e.kind);
  });

  it('keeps what the panel draws from, bounded: runs, the training run\'s epoch ends and the newest step', () => {
    const log = new EvaluationLog();
    let panelEvents = 0;
    for (const e of fixture.events) if (log.add(e)) panelEvents++;
    assert.equal(panelEvents, fixture.events.length);
    assert.equal(log.add({ kind: 'checkpoint', id: 'evaluate-1', epoch: 0, path: '/ck/ddas-evaluate-checkpoint.json' }), false);
    assert.equal(log.lastCheckpoint, '/ck/ddas-evaluate-checkpoint.json');
    assert.deepEqual(log.events.map((e) => e.kind).filter((k) => k !== 'evaluateRun'), ['evaluateStarted', 'evaluateResult']);
    assert.equal(log.runsDone, 18);
    assert.equal(log.report?.verdict, report.verdict);
  });

  it('mid-run keeps the run in progress and its epoch ends; a resumed start begins afresh', () => {
    const log = new EvaluationLog();
    const cut = fixture.events.findIndex((e) => e.kind === 'evaluateProgress' && e.run === 2 && e.epoch === 3 && e.step === 0);
    for (const e of fixture.events.slice(0, cut + 1)) log.add(e);
    const kinds = log.events.map((e) => (e.kind === 'evaluateProgress' ? `p${e.run}:${e.epoch}${e.testAccuracy !== undefined ? 'T' : ''}` : e.kind));
    assert.deepEqual(kinds, ['evaluateStarted', 'evaluateRun', 'evaluateRun', 'p2:0T', 'p2:1T', 'p2:2T', 'p2:3']);
    const started = fixture.events[0] as Extract<EngineEvent, { kind: 'evaluateStarted' }>;
    log.add({ ...started, id: 'evaluate-2', resumedRuns: 2 });
    assert.deepEqual(log.events.map((e) => e.kind), ['evaluateStarted']);
    assert.equal(log.add({ kind: 'log', level: 'info', message: 'x' }), false);
  });

  it('says how far the evaluation is', () => {
    const p = fixture.events.find((e): e is Extract<EvaluateEvent, { kind: 'evaluateProgress' }> => e.kind === 'evaluateProgress' && e.run === 3 && e.epoch === 7 && e.testAccuracy !== undefined);
    assert.ok(p);
    assert.ok(Math.abs(evaluationFraction(p) - 4 / 18) < 1e-9);
    assert.match(evaluationProgressText(p), /^run 4\/18 · randaugment, seed 0 · epoch 8\/8 · held-out 74\.3% · \d+:\d\d left$/);
  });
});

describe('the evaluation record of a policy', () => {
  const meta = evaluationMetadata(report, 'hand-tuned');

  it('is a compact summary of the report', () => {
    assert.deepEqual(meta.heldOut, { name: 'held-out 10% (stratified, seed 0)', images: 400 });
    assert.deepEqual(meta.budget, { seeds: 3, epochs: 8, trainSize: 800 });
    assert.equal(meta.model, 'resnet-small');
    assert.equal(meta.backend, 'wasm');
    assert.equal(meta.policy, 'hand-tuned');
    assert.deepEqual(meta.entries[0], { label: 'hand-tuned', mean: 0.7225, low: 0.6914, high: 0.7536 });
    assert.equal(meta.entries.length, 6);
    assert.equal(meta.verdict, report.verdict);
    assert.equal(meta.finishedAt, report.finishedAt);
    assert.equal(evaluationMetadata(report, 'not an entry').policy, undefined);
  });

  it('validates inside the policy and survives every export format', () => {
    const policy = withEvaluation(POLICY, meta);
    const v = validatePolicy(policy);
    assert.ok(v.ok, JSON.stringify(v));
    for (const format of EXPORT_FORMATS) {
      const back = importPolicy(exportPolicy(policy, format, format === 'python' ? { moduleName: 'fmnist_augpolicy' } : {}), format);
      assert.ok(back.ok, `${format}: ${JSON.stringify(back)}`);
      assert.deepEqual(back.policy.evaluation, meta, format);
    }
    assert.equal(withEvaluation(policy, undefined).evaluation, undefined);
  });

  it('is found again for the same policy however it was read, and not for an edited one', () => {
    const records = recordEvaluation({}, POLICY, meta);
    const reread: Policy = JSON.parse(JSON.stringify({ $schema: './x.json', search: POLICY.search, operations: POLICY.operations, version: 1, base: POLICY.base, applyProbability: 0.4, opsPerImage: 2 }));
    assert.equal(policyFingerprint(reread), policyFingerprint(POLICY));
    assert.deepEqual(evaluationOf(records, reread), meta);
    assert.deepEqual(withLastEvaluation(reread, records).evaluation, meta);
    const edited: Policy = { ...POLICY, applyProbability: 0.5 };
    assert.equal(evaluationOf(records, edited), undefined);
    assert.equal(withLastEvaluation(edited, records).evaluation, undefined);
    // An older record the file already carries stays when there is no newer one.
    const carried = withEvaluation(edited, { ...meta, verdict: 'old' });
    assert.equal(withLastEvaluation(carried, records).evaluation?.verdict, 'old');
    // A re-evaluation replaces the record; the store stays bounded.
    let many = records;
    for (let i = 0; i < 30; i++) many = recordEvaluation(many, { ...POLICY, applyProbability: i / 100 }, meta);
    assert.equal(Object.keys(many).length, 20);
  });

  it('puts the verdict in the commit message', () => {
    const message = commitMessage(withEvaluation(POLICY, meta), { files: ['fmnist.augpolicy.json'] });
    const line = `Held-out evaluation: ${report.verdict} (3 seeds x 8 epochs, 800 training images, resnet-small, wasm)`;
    assert.equal(evaluationLine(meta), line);
    assert.ok(message.split('\n').includes(line), message);
    assert.ok(!commitMessage(POLICY).includes('Held-out evaluation'));
  });
});
