/**
 * The request DDAS: Evaluate Policy builds, on a real `ddas serve` (started as the
 * extension starts it): the engine accepts it, the extension's log keeps what the panel
 * needs, the panel's model replays it to the report's verdict, and a cancelled evaluation
 * resumes from its checkpoint to the same runs. A tiny budget (seconds on wasm).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EvaluationReport } from '../../src/shared/evaluation';
import type { Policy } from '../../src/shared/policy';
import type { EngineEvent } from '../../src/shared/protocol';
import { EngineClient } from '../../src/extension/engine/engine-client';
import { engineLaunch } from '../../src/extension/engine/launch';
import { evaluateRequest, evaluationInfo, policyLabel, type EvaluatePlan } from '../../src/extension/evaluate/evaluate-plan';
import { EvaluationLog } from '../../src/extension/evaluate/evaluation-log';
import { EvaluationModel } from '../../webview/evaluation-model';

const ROOT = path.join(__dirname, '..', '..');
const SAMPLE = path.join(ROOT, 'sample', 'fashion-mnist');
const POLICY = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'uniform.augpolicy.json'), 'utf8')) as Policy;

function plan(): EvaluatePlan {
  return {
    source: { policy: POLICY, label: policyLabel(path.join(ROOT, 'examples', 'uniform.augpolicy.json')), file: path.join(ROOT, 'examples', 'uniform.augpolicy.json'), origin: 'test' },
    dataset: SAMPLE,
    datasetName: 'fashion-mnist',
    baselines: ['none', 'base'],
    budgetChoice: 'custom',
    budget: { seeds: 2, epochs: 2, trainSize: 60, testSize: 60 },
  };
}

/** Sends the request and collects its events until one of `until` (or an error). */
function run(client: EngineClient, request: ReturnType<typeof evaluateRequest>, log: EvaluationLog, onEvent: (e: EngineEvent) => void = () => undefined): Promise<EngineEvent> {
  return new Promise((resolve, reject) => {
    const sub = client.onEvent((e) => {
      if (e.id !== request.id) return;
      log.add(e);
      onEvent(e);
      if (e.kind === 'evaluateResult' || e.kind === 'cancelled') {
        sub.dispose();
        resolve(e);
      } else if (e.kind === 'error') {
        sub.dispose();
        reject(new Error(`${e.code}: ${e.message}`));
      }
    });
    client.send(request);
  });
}

describe('Evaluate Policy against a real ddas serve', function () {
  this.timeout(120000);
  let client: EngineClient | undefined;
  let dir: string;

  before(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'engine.js'))) {
      const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(build.status, 0, build.stderr);
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddas-evaluate-'));
    client = await EngineClient.start(engineLaunch({ extensionPath: ROOT, nodePath: process.execPath, backend: 'wasm' }));
  });

  after(() => {
    client?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs the request, and its logged events replay in the panel to the report', async () => {
    assert.ok(client);
    const p = plan();
    assert.equal(p.source.label, 'uniform (policy)', 'the policy file named uniform does not pass for the baseline');
    const log = new EvaluationLog();
    const request = evaluateRequest(p, 'evaluate-test-1', path.join(dir, 'a'));
    const end = await run(client, request, log);
    assert.equal(end.kind, 'evaluateResult');
    const report = (end as Extract<EngineEvent, { kind: 'evaluateResult' }>).report;
    assert.deepEqual(report.entries.map((e) => [e.label, e.kind]), [['uniform (policy)', 'policy'], ['none', 'baseline'], ['base', 'baseline']]);
    assert.ok(log.events.length < 20, `the replay log stays small (${log.events.length} events)`);
    const model = new EvaluationModel();
    model.reset({ info: evaluationInfo(p, request.id), events: log.events, status: { running: false } });
    assert.equal(model.phase, 'done');
    assert.equal(model.verdict?.text, report.verdict);
    assert.deepEqual(model.rows.map((r) => r.runs), [2, 2, 2]);
    assert.deepEqual(model.rows.map((r) => r.curve.length), [2, 2, 2]);
  });

  it('a cancelled evaluation resumes from its checkpoint to the same runs', async () => {
    assert.ok(client);
    const p = plan();
    const checkpointDir = path.join(dir, 'b');
    const log = new EvaluationLog();
    const first = evaluateRequest(p, 'evaluate-test-2', checkpointDir);
    const c = client;
    const end = await run(c, first, log, (e) => {
      if (e.kind === 'evaluateRun' && log.runsDone === 2) c.send({ kind: 'cancel', id: 'cancel-1', target: first.id });
    });
    assert.equal(end.kind, 'cancelled');
    const done = log.runsDone;
    assert.ok(done >= 2 && done < 6, `stopped after ${done} runs`);
    assert.ok(log.lastCheckpoint && fs.existsSync(log.lastCheckpoint));

    const resumed = new EvaluationLog();
    const second = evaluateRequest(p, 'evaluate-test-3', checkpointDir, true);
    const finished = await run(c, second, resumed);
    assert.equal(finished.kind, 'evaluateResult');
    const started = resumed.events[0];
    assert.ok(started.kind === 'evaluateStarted' && started.resumedRuns === done, JSON.stringify(started));
    const report: EvaluationReport = (finished as Extract<EngineEvent, { kind: 'evaluateResult' }>).report;
    assert.deepEqual(report.entries.map((e) => e.accuracies.length), [2, 2, 2]);
    const model = new EvaluationModel();
    model.reset({ info: evaluationInfo(p, second.id), events: resumed.events, status: { running: false } });
    assert.equal(model.verdict?.text, report.verdict);
  });
});
