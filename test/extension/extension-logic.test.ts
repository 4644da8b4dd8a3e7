/** The extension's logic that needs no VS Code: discovery, plans, logs, policies, targets, lines. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { validatePolicy } from '../../src/shared/policy';
import type { EngineEvent, ProgressEvent } from '../../src/shared/protocol';
import { commitTargets } from '../../src/extension/commit/commit-targets';
import { LineSplitter, parseEventLine } from '../../src/extension/engine/event-lines';
import { datasetName, defaultOutputName, discoverDatasets } from '../../src/extension/search/dataset-discovery';
import { baseChoices, checkBasePixels, readBaseSetting } from '../../src/extension/search/base-choice';
import { SearchLog } from '../../src/extension/search/search-log';
import { budgetFor, checkBudgetField, searchRequest, type SearchPlan } from '../../src/extension/search/search-plan';
import { parseCategory, policyFromSnapshot } from '../../src/extension/search/snapshot-policy';
import { parseRequest } from '../../src/shared/protocol';

const W = '/ws';

describe('dataset discovery', () => {
  it('finds ImageFolder trees, IDX and CIFAR folders from file lists', () => {
    const files = [
      `${W}/data/pets/cat/1.png`, `${W}/data/pets/cat/2.png`, `${W}/data/pets/dog/1.JPG`, `${W}/data/pets/dog/2.jpeg`, `${W}/data/pets/bird/1.webp`,
      `${W}/mnist/train-images-idx3-ubyte.gz`, `${W}/mnist/t10k-images-idx3-ubyte.gz`, `${W}/mnist/train-labels-idx1-ubyte.gz`,
      `${W}/raw/cifar-10-batches-bin/data_batch_1.bin`, `${W}/raw/cifar-10-batches-bin/data_batch_2.bin`, `${W}/raw/cifar-10-batches-bin/test_batch.bin`,
      `${W}/c100/train.bin`,
      // Not datasets: one class only, a lone icon, images in the workspace root.
      `${W}/media/icons/a.png`, `${W}/media/icons/b.png`, `${W}/media/icons/c.png`, `${W}/media/icons/d.png`, `${W}/logo.png`,
    ];
    const found = discoverDatasets(files);
    assert.deepEqual(found.map((c) => [c.kind, path.relative(W, c.path), c.name]), [
      ['cifar', 'c100', 'c100'],
      ['imagefolder', 'data/pets', 'pets'],
      ['idx', 'mnist', 'mnist'],
      ['cifar', 'raw/cifar-10-batches-bin', 'cifar-10'],
    ]);
    const pets = found.find((c) => c.kind === 'imagefolder');
    assert.match(pets?.detail ?? '', /3 classes \(bird, cat, dog\), 5 images/);
    // One image per class first, so previews show several classes.
    assert.deepEqual(pets?.sampleImages.map((f) => path.basename(path.dirname(f))), ['bird', 'cat', 'dog', 'cat']);
    assert.match(found.find((c) => c.kind === 'idx')?.detail ?? '', /t10k-images-idx3-ubyte\.gz, train-images-idx3-ubyte\.gz/);
  });

  it('names outputs after the dataset folder', () => {
    assert.equal(datasetName('/a/b/cifar-100-binary'), 'cifar-100');
    assert.equal(defaultOutputName('/a/My Data!'), 'My-Data.augpolicy.json');
    assert.equal(defaultOutputName('/'), 'dataset.augpolicy.json');
  });
});

describe('search plans', () => {
  const plan: SearchPlan = { dataset: '/ws/d', datasetName: 'd', sampleImages: [], preset: 'custom', budget: budgetFor('custom', { epochs: 2, trainSize: 40, valSize: 20 }), outFile: '/ws/d.augpolicy.json' };

  it('turn into valid engine requests (custom budgets keep Quick\'s model and rates)', () => {
    const req = searchRequest(plan, 's1', '/tmp/ck', true);
    const parsed = parseRequest(JSON.stringify(req));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
    assert.deepEqual(req.kind === 'search' && req.budget, { epochs: 2, trainSize: 40, valSize: 20, batch: 32, valBatch: 64 });
    assert.equal(req.kind === 'search' && req.model, 'resnet-small');
    assert.equal(req.kind === 'search' && req.resume, true);
  });

  it('carry the base transform into the request; the default leaves it to the engine', () => {
    const base = { cropPadding: 2, flipLR: true, cutout: 8 };
    const req = searchRequest({ ...plan, base }, 's2', '/tmp/ck');
    const parsed = parseRequest(JSON.stringify(req));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
    assert.deepEqual(parsed.request.kind === 'search' && parsed.request.base, base);
    assert.equal('base' in searchRequest(plan, 's3', '/tmp/ck'), false);
  });

  it('offer the base choices with the setting first, and read the setting strictly', () => {
    assert.deepEqual(baseChoices('default').map((c) => c.id), ['default', 'crop-flip', 'none', 'custom']);
    assert.deepEqual(baseChoices({ cropPadding: 0, flipLR: false, cutout: 0 }).map((c) => c.id)[0], 'none');
    assert.deepEqual(baseChoices({ cropPadding: 4, flipLR: true, cutout: 0 })[0].id, 'crop-flip');
    const own = baseChoices({ cropPadding: 3, flipLR: false, cutout: 10 });
    assert.equal(own[0].id, 'custom');
    assert.match(own[0].detail, /From the setting ddas\.search\.base: crop \(pad 3\) \+ Cutout 10 px/);
    assert.equal(own[0].base, undefined, 'Custom asks next');
    assert.deepEqual(readBaseSetting('default'), { base: 'default' });
    assert.deepEqual(readBaseSetting(undefined), { base: 'default' });
    assert.deepEqual(readBaseSetting({ cropPadding: 4 }), { base: { cropPadding: 4, flipLR: false, cutout: 0 } }, 'keys left out are off');
    const bad = readBaseSetting({ cropPadding: -2, flip: true });
    assert.equal(bad.base, 'default');
    assert.match(bad.problem ?? '', /ddas\.search\.base is not valid \(.*cropPadding.*\); using the default\. Set it to "default" or to \{"cropPadding": 4/);
    assert.match(readBaseSetting('crop').problem ?? '', /must be "default" or an object/);
    assert.equal(checkBasePixels('cropPadding', '4'), undefined);
    assert.equal(checkBasePixels('cutout', '0'), undefined);
    assert.match(checkBasePixels('cropPadding', '-1') ?? '', /from 0 to 256/);
    assert.match(checkBasePixels('cutout', '2.5') ?? '', /whole number of pixels/);
  });

  it('check typed budget numbers', () => {
    assert.equal(checkBudgetField('epochs', '3'), undefined);
    assert.match(checkBudgetField('epochs', '0') ?? '', /from 1/);
    assert.match(checkBudgetField('trainSize', '1.5') ?? '', /whole number/);
    assert.match(checkBudgetField('valSize', '') ?? '', /whole number/);
  });
});

describe('engine event lines', () => {
  it('accepts events and rejects other lines with a reason', () => {
    assert.equal(parseEventLine('{"kind":"log","level":"info","message":"hi"}').ok, true);
    assert.deepEqual(parseEventLine('Warning: something'), { ok: false, reason: 'not JSON' });
    assert.deepEqual(parseEventLine('[1]'), { ok: false, reason: 'not a JSON object' });
    assert.equal(parseEventLine('{"kind":"nope"}').ok, false);
    assert.equal(parseEventLine('{"kind":"ready","id":3}').ok, false);
  });

  it('splits chunks into lines across chunk borders', () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push('{"a":1}\n{"b"'), ['{"a":1}']);
    assert.deepEqual(s.push(':2}\r\n\n{"c":3}'), ['{"b":2}']);
    assert.deepEqual(s.flush(), ['{"c":3}']);
  });
});

describe('policies from snapshots', () => {
  it('parses category keys and renormalises over the known ones', () => {
    assert.deepEqual(parseCategory('Rotate@0.5'), { op: 'Rotate', magnitude: 0.5 });
    assert.deepEqual(parseCategory('FlipLR'), { op: 'FlipLR' });
    assert.equal(parseCategory('Rotate'), undefined);
    assert.equal(parseCategory('Teleport@1'), undefined);
    const policy = policyFromSnapshot(['FlipLR', 'Rotate@0.25', 'Teleport@1'], [0.2, 0.6, 0.2], 0.4);
    assert.ok(policy);
    const v = validatePolicy(policy);
    assert.ok(v.ok, JSON.stringify(v));
    assert.deepEqual(policy.operations.map((o) => Math.round(o.probability * 100)), [25, 75]);
    assert.equal(policyFromSnapshot(['FlipLR'], [0.5, 0.5], 0.4), undefined);
  });
});

describe('the search log', () => {
  const progress = (epoch: number, step: number): ProgressEvent => ({ kind: 'progress', id: 's', epoch, epochs: 3, step, stepsPerEpoch: 2, pAug: 0.5, p: [1], trainLoss: 1, valLoss: 1, valAccuracy: 0.5, imagesPerSecond: 1, etaSeconds: 1 });
  const started = (resumedFromEpoch?: number): EngineEvent => ({ kind: 'started', id: 's', categories: ['FlipLR'], backend: { name: 'wasm', device: 'cpu', skipped: [] }, model: 'm', datasetSize: 10, ...(resumedFromEpoch !== undefined ? { resumedFromEpoch } : {}) });

  it('keeps search events, and on a resume drops what came after the last checkpoint', () => {
    const log = new SearchLog();
    assert.equal(log.add({ kind: 'preview', id: 'p', images: [] }), false);
    log.add(started());
    log.add(progress(0, 0));
    log.add(progress(0, 1));
    log.add({ kind: 'snapshot', id: 's', epoch: 0, pAug: 0.5, p: [1], valAccuracy: 0.5 });
    log.add({ kind: 'checkpoint', id: 's', epoch: 0, path: '/ck/ddas-checkpoint.json' });
    log.add(progress(1, 0));
    log.add({ kind: 'log', level: 'warn', message: 'dying' });
    assert.equal(log.lastCheckpoint, '/ck/ddas-checkpoint.json');
    log.add(started(1));
    assert.deepEqual(log.events.map((e) => e.kind), ['started', 'progress', 'progress', 'snapshot', 'checkpoint', 'log', 'started']);
    assert.equal(log.lastSnapshot?.epoch, 0);
    assert.equal(log.lastProgress?.epoch, 0);
  });

  it('thins old progress events beyond its bound', () => {
    const log = new SearchLog();
    for (let i = 0; i < 4100; i++) log.add(progress(0, i));
    assert.ok(log.events.length <= 4000 && log.events.length > 1000, String(log.events.length));
  });
});

describe('commit targets', () => {
  it('puts other formats beside the JSON file and points JSON/YAML at the schema copy', () => {
    const t = commitTargets('/ws/policies/pets.augpolicy.json', ['json', 'yaml', 'ts', 'python'], '/ws/.vscode/augpolicy.schema.json');
    assert.deepEqual(t.map((x) => [x.format, x.file, x.schemaRef]), [
      ['json', '/ws/policies/pets.augpolicy.json', '../.vscode/augpolicy.schema.json'],
      ['yaml', '/ws/policies/pets.augpolicy.yaml', '../.vscode/augpolicy.schema.json'],
      ['ts', '/ws/policies/pets.augpolicy.ts', undefined],
      ['python', '/ws/policies/pets_augpolicy.py', undefined],
    ]);
    assert.equal(commitTargets('/ws/x.augpolicy.json', ['json'], '/ws/x/augpolicy.schema.json')[0].schemaRef, './x/augpolicy.schema.json');
  });
});
