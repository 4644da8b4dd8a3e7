import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/engine/cli/main';
import { selectBackend } from '../../src/engine/backend/select';
import { runEvaluateJob } from '../../src/engine/evaluate/job';
import { serve } from '../../src/engine/serve/server';
import type { EvaluationReport } from '../../src/shared/evaluation';
import type { BackendReport, EngineEvent } from '../../src/shared/protocol';
import { makeTempDir } from './data-fixtures';
import { SMALL_POLICY, writeEvaluationDataset } from './evaluate-fixtures';

const TINY = ['--seeds', '2', '--epochs', '2', '--train-size', '32', '--test-size', '20', '--batch', '16', '--backend', 'wasm'];

async function ddas(...argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  let err = '';
  const code = await main(argv, { out: (l) => out.push(l), err: (t) => (err += t) });
  return { code, out, err };
}

describe('ddas evaluate (command line and serve)', function () {
  this.timeout(180000);
  let tmp: { dir: string; cleanup: () => void };
  let dataset: string;
  let policy: string;

  before(async () => {
    tmp = makeTempDir('evaluate-cli');
    dataset = await writeEvaluationDataset(path.join(tmp.dir, 'data'));
    policy = path.join(tmp.dir, 'small.augpolicy.json');
    fs.writeFileSync(policy, JSON.stringify(SMALL_POLICY));
  });

  after(() => tmp.cleanup());

  it('prints a line per run, the table and the verdict, writes the report, and cleans up its checkpoint', async () => {
    const out = path.join(tmp.dir, 'report.json');
    const r = await ddas('evaluate', dataset, '--policy', policy, '--baselines', 'none,base', ...TINY, '--out', out);
    assert.equal(r.code, 0, r.err);
    // Not a TTY under mocha: a line per run on stderr.
    assert.match(r.err, /evaluating small, none, base over 2 seeds \(6 runs of 2 epochs\) with resnet-small on wasm: 32 training images, 20 held-out images/);
    assert.equal(r.err.match(/^run \d\/6 {2}\S+ {2}seed \d: \d+\.\d% held-out/gm)?.length, 6, r.err);
    assert.match(r.out[0], /^entry\s+mean\s+95% CI\s+vs (none|base), points \(95% CI\)$/);
    assert.deepEqual(r.out.slice(1, 4).map((l) => l.split(/\s+/)[0]), ['small', 'none', 'base']);
    assert.ok(r.out.some((l) => /best baseline$/.test(l)));
    assert.match(r.out[4], /points .*on 20 held-out images/);
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as EvaluationReport;
    assert.equal(report.verdict, r.out[4]);
    assert.deepEqual(report.entries.map((e) => [e.label, e.kind, e.accuracies.length]), [['small', 'policy', 2], ['none', 'baseline', 2], ['base', 'baseline', 2]]);
    assert.equal(report.budget.epochs, 2);
    assert.ok(!fs.existsSync(`${out}.checkpoint`), 'a finished evaluation leaves no checkpoint (nor its empty folder)');
    const again = await ddas('evaluate', dataset, '--policy', policy, ...TINY, '--out', out);
    assert.equal(again.code, 2);
    assert.match(again.err, /already exists\. Pass --force/);
  });

  it('--json prints the protocol events as JSON lines', async () => {
    const r = await ddas('evaluate', dataset, '--policy', policy, '--baselines', 'none', '--seeds', '1', '--epochs', '1', '--train-size', '16', '--test-size', '10', '--batch', '16', '--backend', 'wasm', '--json', '--checkpoint-dir', path.join(tmp.dir, 'ck-json'));
    assert.equal(r.code, 0, r.err);
    const events = r.out.map((l) => JSON.parse(l) as EngineEvent);
    assert.deepEqual([...new Set(events.map((e) => e.kind))], ['evaluateStarted', 'evaluateProgress', 'checkpoint', 'evaluateRun', 'evaluateResult']);
    const result = events[events.length - 1];
    assert.ok(result.kind === 'evaluateResult' && /1 seed, so no confidence interval/.test(result.report.verdict));
  });

  it('explains bad input with exit code 2: missing policy file, unknown baseline, bad budget, nothing to resume', async () => {
    const missing = await ddas('evaluate', dataset, '--policy', path.join(tmp.dir, 'nope.augpolicy.json'), ...TINY);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /nope\.augpolicy\.json: cannot read the policy \(ENOENT\)\. Check the path\./);
    const unknown = await ddas('evaluate', dataset, '--policy', policy, '--baselines', 'none,autoaugment', ...TINY);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /--baselines: "autoaugment" is not a baseline\. Choose from none, base, randaugment, trivialaugment, uniform/);
    const tooMany = await ddas('evaluate', dataset, '--policy', policy, ...TINY, '--seeds', '99');
    assert.equal(tooMany.code, 2);
    assert.match(tooMany.err, /--seeds: .*50/);
    const nothing = await ddas('evaluate', dataset, ...TINY);
    assert.equal(nothing.code, 2);
    assert.match(nothing.err, /nothing to evaluate: give one or more --policy FILE/);
    const noCkpt = await ddas('evaluate', dataset, '--resume', '--checkpoint-dir', path.join(tmp.dir, 'empty'));
    assert.equal(noCkpt.code, 2);
    assert.match(noCkpt.err, /no evaluation checkpoint to resume from/);
    const noData = await ddas('evaluate', path.join(tmp.dir, 'no-such-data'), '--policy', policy, ...TINY);
    assert.equal(noData.code, 2);
    assert.match(noData.err, /no-such-data/);
  });

  it('serve: the evaluate request emits the same events, one job at a time, and cancel stops it', async () => {
    const backend: BackendReport = { name: 'wasm', device: 'test', skipped: [] };
    await selectBackend('wasm');
    const input = new PassThrough();
    const events: EngineEvent[] = [];
    let wake: () => void = () => undefined;
    const until = (pred: (e: EngineEvent) => boolean): Promise<EngineEvent> =>
      new Promise((resolve) => {
        const check = (): void => {
          const found = events.find(pred);
          if (found) resolve(found);
          else wake = check;
        };
        check();
      });
    const served = serve(input, (text) => {
      for (const line of text.split('\n').filter((l) => l !== '')) events.push(JSON.parse(line) as EngineEvent);
      wake();
    }, {
      backend: async () => backend,
      versions: { ddas: 'test' },
      search: async () => undefined,
      evaluate: async (req, emit, signal) => {
        await runEvaluateJob(req, emit, signal, backend);
      },
    });
    const send = (o: object): boolean => input.write(JSON.stringify(o) + '\n');
    const budget = { seeds: 1, epochs: 1, trainSize: 16, testSize: 10, batch: 16 };
    const entries = [{ kind: 'policy', label: 'small', policy: SMALL_POLICY }, { kind: 'baseline', name: 'base' }];
    send({ kind: 'evaluate', id: 'ev1', dataset, entries, budget });
    const result = await until((e) => e.kind === 'evaluateResult' || (e.kind === 'error' && e.id === 'ev1'));
    assert.equal(result.kind, 'evaluateResult', JSON.stringify(result));
    assert.ok(result.kind === 'evaluateResult' && result.report.entries.length === 2);
    assert.ok(events.some((e) => e.kind === 'evaluateStarted' && e.id === 'ev1'));
    assert.ok(events.some((e) => e.kind === 'evaluateRun' && e.id === 'ev1' && e.label === 'base'));

    send({ kind: 'evaluate', id: 'ev2', dataset, entries, budget: { ...budget, epochs: 50 } });
    await until((e) => e.kind === 'evaluateProgress' && e.id === 'ev2');
    send({ kind: 'evaluate', id: 'ev3', dataset, entries, budget });
    const busy = await until((e) => e.kind === 'error' && e.id === 'ev3');
    assert.ok(busy.kind === 'error' && busy.code === 'busy' && /evaluation "ev2" is running/.test(busy.message));
    send({ kind: 'cancel', id: 'c1', target: 'ev2' });
    await until((e) => e.kind === 'cancelled' && e.id === 'ev2');
    send({ kind: 'evaluate', id: 'bad', dataset, entries: [{ kind: 'baseline', name: 'autoaugment' }], budget });
    const bad = await until((e) => e.kind === 'error' && e.id === 'bad');
    assert.ok(bad.kind === 'error' && bad.code === 'bad-request' && /entries/.test(bad.message));
    input.end();
    await served;
  });
});
