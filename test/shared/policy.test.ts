import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatProblems, policyAt, validatePolicy, type Policy } from '../../src/shared/policy';

function base(): Record<string, unknown> {
  return {
    version: 1,
    opsPerImage: 2,
    applyProbability: 0.5,
    operations: [
      { op: 'Identity', probability: 0.5 },
      { op: 'Rotate', magnitude: 0.5, probability: 0.5 },
    ],
  };
}

function problemsOf(input: unknown): { path: string; message: string }[] {
  const r = validatePolicy(input);
  assert.equal(r.ok, false, 'expected validation to fail');
  return r.ok ? [] : r.problems;
}

describe('policy validation', () => {
  it('accepts a valid policy and the example file', () => {
    assert.equal(validatePolicy(base()).ok, true);
    const example = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'uniform.augpolicy.json'), 'utf8'));
    const r = validatePolicy(example);
    assert.ok(r.ok, r.ok ? '' : formatProblems(r.problems));
  });

  it('names an unknown op and lists the allowed ones', () => {
    const p = base();
    (p.operations as object[])[1] = { op: 'Rotat', magnitude: 0.5, probability: 0.5 };
    const [problem] = problemsOf(p);
    assert.equal(problem.path, 'operations[1]');
    assert.match(problem.message, /unknown operation "Rotat"; allowed: Identity, FlipLR/);
  });

  it('requires a magnitude exactly for ops that take one', () => {
    const p = base();
    (p.operations as object[])[1] = { op: 'Rotate', probability: 0.5 };
    assert.match(problemsOf(p)[0].message, /Rotate needs a "magnitude" in \[0, 1\]/);
    (p.operations as object[])[1] = { op: 'FlipLR', magnitude: 0.5, probability: 0.5 };
    assert.match(problemsOf(p)[0].message, /FlipLR takes no magnitude/);
  });

  it('reports an out-of-range magnitude with its path and value', () => {
    const p = base();
    (p.operations as object[])[1] = { op: 'Rotate', magnitude: 1.5, probability: 0.5 };
    const [problem] = problemsOf(p);
    assert.equal(problem.path, 'operations[1].magnitude');
    assert.match(problem.message, /<=1 \(got 1.5\)/);
  });

  it('reports wrong top-level fields with their paths', () => {
    const p = { ...base(), applyProbability: 2, version: 3, extra: true };
    const problems = problemsOf(p);
    const paths = problems.map((x) => x.path).sort();
    assert.deepEqual(paths, ['(root)', 'applyProbability', 'version']);
    assert.match(problems.find((x) => x.path === 'applyProbability')!.message, /<=1 \(got 2\)/);
    assert.match(problems.find((x) => x.path === '(root)')!.message, /unknown key "extra"; remove it/);
  });

  it('catches probabilities that do not sum to 1, with the fix', () => {
    const p = base();
    (p.operations as { probability: number }[])[0].probability = 0.3;
    const [problem] = problemsOf(p);
    assert.equal(problem.path, 'operations');
    assert.match(problem.message, /sum to 0.8, not 1; divide each by 0.8/);
  });

  it('catches duplicate (op, magnitude) entries', () => {
    const p = base();
    p.operations = [
      { op: 'Rotate', magnitude: 0.5, probability: 0.5 },
      { op: 'Rotate', magnitude: 0.5, probability: 0.5 },
    ];
    const [problem] = problemsOf(p);
    assert.equal(problem.path, 'operations[1]');
    assert.match(problem.message, /duplicates operations\[0\]/);
  });

  it('checks schedule order and that it reaches 1, and picks the entry in force', () => {
    const ops = [{ op: 'Identity', probability: 1 }];
    const bad = { ...base(), schedule: [{ untilProgress: 0.6, applyProbability: 0.1, operations: ops }, { untilProgress: 0.5, applyProbability: 0.2, operations: ops }] };
    const paths = problemsOf(bad).map((x) => x.path);
    assert.deepEqual(paths, ['schedule[1].untilProgress', 'schedule[1].untilProgress']);
    const good = validatePolicy({ ...base(), schedule: [{ untilProgress: 0.5, applyProbability: 0.1, operations: ops }, { untilProgress: 1, applyProbability: 0.2, operations: ops }] });
    assert.ok(good.ok);
    const policy = (good as { policy: Policy }).policy;
    assert.equal(policyAt(policy, 0).applyProbability, 0.1);
    assert.equal(policyAt(policy, 0.5).applyProbability, 0.2);
    assert.equal(policyAt(policy, 1).applyProbability, 0.2);
  });

  it('rejects non-objects clearly', () => {
    assert.equal(problemsOf(42)[0].path, '(root)');
    assert.equal(problemsOf(null)[0].path, '(root)');
  });
});
