/**
 * Inside the real extension host: settings, a real search through ddas.startSearch (with
 * arguments instead of the quick picks), Commit Policy into the workspace's git
 * repository, and an engine killed mid-search -> problem reported, Resume continues from
 * the last checkpoint. The workspace is the harness's: a git repository holding
 * fashion-mnist/ (a copy of the embedded sample).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EngineEvent } from '../../../src/shared/protocol';
import { api, root, until } from './support';

/** Searches take minutes: poll every 200 ms for up to 2 minutes. */
const waitFor = (what: string, check: () => boolean, timeoutMs = 120_000): Promise<boolean> => until(what, check, timeoutMs, 200);

const tiny = (epochs: number, outFile = 'fashion-mnist.augpolicy.json'): Record<string, unknown> => ({
  dataset: 'fashion-mnist',
  preset: 'custom',
  budget: { epochs, trainSize: 64, valSize: 32, batch: 16, valBatch: 16 },
  outFile,
});

describe('settings', () => {
  it('contributes the DDAS settings with their defaults', () => {
    const c = vscode.workspace.getConfiguration('ddas');
    assert.equal(c.get('engine.backend'), 'auto');
    assert.equal(c.get('engine.nodePath'), '');
    assert.deepEqual(c.get('commit.formats'), ['json']);
    assert.equal(c.get('search.defaultPreset'), 'quick');
    assert.equal(c.get('search.base'), 'default');
    assert.equal(c.get('preview.images'), '');
  });
});

describe('search, commit, crash and resume', function () {
  this.timeout(240_000);

  it('runs a search from ddas.startSearch to a result', async () => {
    const ddas = await api();
    const started = await vscode.commands.executeCommand<boolean>('ddas.startSearch', tiny(2));
    assert.equal(started, true);
    await waitFor('the search to end', () => !ddas.isSearchRunning());
    const kinds = ddas.searchEvents().map((e: EngineEvent) => e.kind);
    assert.deepEqual([...new Set(kinds)], ['started', 'log', 'progress', 'snapshot', 'checkpoint', 'result'], ddas.searchStatus().problem);
    // A scripted start takes ddas.search.base ("default": a crop padded by 1/8 of the 28 px side).
    const start = ddas.searchEvents().find((e: EngineEvent) => e.kind === 'started');
    assert.deepEqual(start?.kind === 'started' ? start.base : undefined, { cropPadding: 4, flipLR: false, cutout: 0 });
    assert.ok(ddas.lastResult());
    assert.equal(ddas.searchStatus().canCommit, true);
  });

  it('commits the result as JSON + YAML with a schema copy, in one git commit', async () => {
    const outcome = await vscode.commands.executeCommand<{ written: string[]; committed: boolean }>('ddas.commitPolicy', { formats: ['json', 'yaml'], overwrite: 'always', commit: true, fromResult: true });
    assert.ok(outcome);
    const json = path.join(root(), 'fashion-mnist.augpolicy.json');
    assert.deepEqual([...outcome.written].sort(), [path.join(root(), '.vscode', 'augpolicy.schema.json'), json, path.join(root(), 'fashion-mnist.augpolicy.yaml')].sort());
    assert.equal(outcome.committed, true);
    const written = JSON.parse(fs.readFileSync(json, 'utf8')) as { $schema?: string };
    assert.equal(written.$schema, './.vscode/augpolicy.schema.json');
    const log = spawnSync('git', ['log', '-1', '--name-only', '--format=%s'], { cwd: root(), encoding: 'utf8' }).stdout;
    assert.match(log, /^Add DDAS augmentation policy for fashion-mnist/);
    assert.match(log, /fashion-mnist\.augpolicy\.json/);
    assert.match(log, /fashion-mnist\.augpolicy\.yaml/);
    // Committing the same policy again changes nothing.
    const again = await vscode.commands.executeCommand<{ written: string[] }>('ddas.commitPolicy', { formats: ['json'], overwrite: 'never', commit: false, fromResult: true });
    assert.deepEqual(again?.written, []);
  });

  it('reports an engine killed mid-search and resumes from the last checkpoint', async () => {
    const ddas = await api();
    assert.equal(await vscode.commands.executeCommand<boolean>('ddas.startSearch', tiny(40, 'crash.augpolicy.json')), true);
    await waitFor('a checkpoint', () => ddas.searchEvents().some((e) => e.kind === 'checkpoint'));
    const pid = ddas.enginePid();
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    await waitFor('the search to stop', () => !ddas.isSearchRunning(), 30_000);
    const status = ddas.searchStatus();
    assert.match(status.problem ?? '', /engine stopped during the search/);
    assert.equal(status.canResume, true);

    assert.equal(await vscode.commands.executeCommand<boolean>('ddas.resumeSearch'), true);
    await waitFor('the resumed start', () => ddas.searchEvents().some((e) => e.kind === 'started' && e.resumedFromEpoch !== undefined));
    const resumed = ddas.searchEvents().find((e) => e.kind === 'started' && e.resumedFromEpoch !== undefined);
    assert.ok(resumed && resumed.kind === 'started' && (resumed.resumedFromEpoch ?? 0) >= 1);
    await vscode.commands.executeCommand('ddas.stopSearch');
    await waitFor('the stop', () => !ddas.isSearchRunning(), 60_000);
    assert.equal(ddas.searchStatus().canResume, true);
    assert.ok(ddas.searchEvents().some((e) => e.kind === 'cancelled'));
  });
});
