import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify as yamlStringify, parse as yamlParse } from 'yaml';
import { semanticProblems, validatePolicy, formatProblems, PolicySchema } from '../../src/shared/policy';
import { applyEdits, itemDeletion } from '../../src/shared/policy-text/edits';
import { parsePolicyText } from '../../src/shared/policy-text/parse';
import { checkPolicyText, normalise, type ProblemCode, type TextProblem } from '../../src/shared/policy-text/problems';
import { toValue, type ArrayNode, type PolicyFormat } from '../../src/shared/policy-text/tree';

type Obj = Record<string, unknown>;

function base(): Obj {
  return {
    version: 1,
    opsPerImage: 2,
    applyProbability: 0.5,
    operations: [
      { op: 'Identity', probability: 0.2 },
      { op: 'Rotate', magnitude: 0.5, probability: 0.3 },
      { op: 'ShearX', magnitude: 0.25, probability: 0.25 },
      { op: 'Cutout', magnitude: 1, probability: 0.25 },
    ],
  };
}

/** TypeScript as people write it: bare keys, single quotes. */
function tsLiteral(v: unknown, indent = ''): string {
  if (Array.isArray(v)) return `[\n${v.map((x) => `${indent}  ${tsLiteral(x, indent + '  ')},`).join('\n')}\n${indent}]`;
  if (v && typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${/^\w+$/.test(k) ? k : `'${k}'`}: ${tsLiteral(x, indent)}`).join(', ')} }`;
  return typeof v === 'string' ? `'${v}'` : String(v);
}

const writers: Record<string, (p: Obj) => string> = {
  json: (p) => JSON.stringify(p, null, 2) + '\n',
  'json-compact': (p) => JSON.stringify(p),
  yaml: (p) => yamlStringify(p),
  'yaml-flow': (p) => yamlStringify(p, { collectionStyle: 'flow' }),
  'yaml-mixed': (p) => yamlStringify(p).replace(/^( +)- op: (.*)\n\1 {2}(magnitude: .*\n\1 {2})?probability: (.*)$/gm, (_m, ind: string, op: string, mag: string | undefined, prob: string) => `${ind}- { op: '${op}', ${mag ? mag.trim() + ', ' : ''}probability: ${prob} }`),
  ts: (p) => `import type { Policy } from 'ddas';\n\nexport const policy = ${tsLiteral(p)} as const satisfies Policy;\n`,
};

function formatOf(writer: string): PolicyFormat {
  return writer.startsWith('json') ? 'json' : writer.startsWith('yaml') ? 'yaml' : 'ts';
}

function read(text: string, format: PolicyFormat): unknown {
  if (format === 'json') return JSON.parse(text);
  if (format === 'yaml') return yamlParse(text);
  const { root } = parsePolicyText(text, 'ts');
  assert.ok(root);
  const v = toValue(root);
  assert.ok(v.known);
  return v.value;
}

function only(problems: readonly TextProblem[], code: ProblemCode): TextProblem[] {
  return problems.filter((p) => p.code === code);
}

function fixAndValidate(text: string, format: PolicyFormat, problem: TextProblem): Obj {
  assert.ok(problem.fixes.length > 0, `no fix for ${problem.code}`);
  const fixed = applyEdits(text, problem.fixes[0].edits);
  const value = read(fixed, format);
  const r = validatePolicy(value);
  assert.ok(r.ok, `after "${problem.fixes[0].title}":\n${fixed}\n${r.ok ? '' : formatProblems(r.problems)}`);
  assert.deepEqual(checkPolicyText(fixed, format, { schema: true, syntax: true }), [], 'the fixed text has no problems left');
  return value as Obj;
}

describe('policy text problems', () => {
  it('finds nothing in a valid policy or the example file', () => {
    const example = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'uniform.augpolicy.json'), 'utf8');
    assert.deepEqual(checkPolicyText(example, 'json', { schema: true, syntax: true }), []);
    for (const [name, write] of Object.entries(writers)) {
      assert.deepEqual(checkPolicyText(write(base()), formatOf(name), { schema: true, syntax: true }), [], name);
      assert.deepEqual(checkPolicyText(write({ ...base(), base: { cropPadding: 4, flipLR: true, cutout: 16 } }), formatOf(name), { schema: true, syntax: true }), [], `${name} with a base`);
    }
  });

  for (const [name, write] of Object.entries(writers)) {
    const format = formatOf(name);
    describe(name, () => {
      it('flags a bad sum on the operations key and normalises it', () => {
        const p = base();
        (p.operations as Obj[])[0].probability = 0.4;
        const text = write(p);
        const [problem] = only(checkPolicyText(text, format), 'sum');
        assert.equal(problem.severity, 'error');
        assert.match(problem.message, /sum to 1\.2, not 1/);
        assert.match(text.slice(problem.offset, problem.offset + problem.length), /^["']?operations["']?$/);
        const fixed = fixAndValidate(text, format, problem);
        const probs = (fixed.operations as { probability: number }[]).map((o) => o.probability);
        assert.deepEqual(probs, normalise([0.4, 0.3, 0.25, 0.25]));
        assert.deepEqual(probs, [0.3334, 0.25, 0.2083, 0.2083]);
      });

      it('merges duplicates into the first and deletes the others', () => {
        const p = base();
        const ops = p.operations as Obj[];
        ops.splice(1, 0, { op: 'Rotate', magnitude: 0.5, probability: 0.1 });
        ops.push({ op: 'Rotate', magnitude: 0.5, probability: 0.05 }, { op: 'Identity', probability: 0.05 });
        ops[0].probability = 0.1;
        ops[2].probability = 0.2;
        const text = write(p);
        const dups = only(checkPolicyText(text, format), 'duplicate');
        assert.deepEqual(dups.map((d) => d.path).sort(), ['operations[2]', 'operations[5]', 'operations[6]']);
        const rotate = dups.find((d) => d.path === 'operations[2]');
        assert.ok(rotate);
        assert.match(text.slice(rotate.offset, rotate.offset + rotate.length), /Rotate/);
        // Fix the Rotate group, then the Identity group.
        const once = applyEdits(text, rotate.fixes[0].edits);
        const left = only(checkPolicyText(once, format), 'duplicate');
        assert.equal(left.length, 1);
        const fixed = fixAndValidate(once, format, left[0]);
        assert.deepEqual(fixed.operations, [
          { op: 'Identity', probability: 0.15 },
          { op: 'Rotate', magnitude: 0.5, probability: 0.35 },
          { op: 'ShearX', magnitude: 0.25, probability: 0.25 },
          { op: 'Cutout', magnitude: 1, probability: 0.25 },
        ]);
      });

      it('names a misspelt op, suggests one and replaces it', () => {
        const p = base();
        (p.operations as Obj[])[1].op = 'Rotat';
        const text = write(p);
        const [problem] = only(checkPolicyText(text, format), 'unknown-op');
        assert.equal(problem.path, 'operations[1].op');
        assert.match(problem.message, /did you mean "Rotate"/);
        assert.match(text.slice(problem.offset, problem.offset + problem.length), /^["']?Rotat["']?$/);
        assert.equal((fixAndValidate(text, format, problem).operations as Obj[])[1].op, 'Rotate');
      });

      it('notes a magnitude off the bins and snaps it', () => {
        const p = base();
        (p.operations as Obj[])[2].magnitude = 0.3;
        const text = write(p);
        const [problem] = only(checkPolicyText(text, format), 'off-bin');
        assert.equal(problem.severity, 'information');
        assert.equal(text.slice(problem.offset, problem.offset + problem.length), '0.3');
        assert.equal((fixAndValidate(text, format, problem).operations as Obj[])[2].magnitude, 0.25);
      });

      it('snaps onto an existing bin by merging into that entry', () => {
        const p = base();
        (p.operations as Obj[]).push({ op: 'Rotate', magnitude: 0.45, probability: 0.1 });
        (p.operations as Obj[])[0].probability = 0.1;
        const text = write(p);
        const [problem] = only(checkPolicyText(text, format), 'off-bin');
        assert.match(problem.fixes[0].title, /merge into operations\[1\]/);
        const fixed = fixAndValidate(text, format, problem);
        assert.equal((fixed.operations as Obj[]).length, 4);
        assert.equal((fixed.operations as Obj[])[1].probability, 0.4);
      });

      it('sorts an out-of-order schedule and completes its end', () => {
        const p = base();
        const stage = (u: number): Obj => ({ untilProgress: u, applyProbability: u / 2, operations: [{ op: 'Identity', probability: 1 }] });
        p.schedule = [stage(0.5), stage(0.25), stage(1)];
        let text = write(p);
        const [order] = only(checkPolicyText(text, format), 'schedule-order');
        assert.equal(order.path, 'schedule[1].untilProgress');
        assert.equal(text.slice(order.offset, order.offset + order.length), '0.25');
        const fixed = fixAndValidate(text, format, order);
        assert.deepEqual((fixed.schedule as Obj[]).map((s) => s.untilProgress), [0.25, 0.5, 1]);
        assert.deepEqual((fixed.schedule as Obj[]).map((s) => s.applyProbability), [0.125, 0.25, 0.5]);

        p.schedule = [stage(0.5), stage(0.9)];
        text = write(p);
        const [last] = only(checkPolicyText(text, format), 'schedule-end');
        assert.equal(last.path, 'schedule[1].untilProgress');
        fixAndValidate(text, format, last);
      });

      it('checks the operations of schedule entries', () => {
        const p = base();
        p.schedule = [{ untilProgress: 1, applyProbability: 0.5, operations: [{ op: 'Identity', probability: 0.5 }] }];
        const [problem] = only(checkPolicyText(write(p), format), 'sum');
        assert.equal(problem.path, 'schedule[0].operations');
        fixAndValidate(write(p), format, problem);
      });

      it('notes a base flip that makes the FlipLR operation do nothing, and turns the flip off', () => {
        const p: Obj = { ...base(), base: { cropPadding: 4, flipLR: true, cutout: 0 } };
        (p.operations as Obj[])[0] = { op: 'FlipLR', probability: 0.2 };
        const text = write(p);
        const [problem] = only(checkPolicyText(text, format), 'base-redundant');
        assert.equal(problem.path, 'base.flipLR');
        assert.equal(problem.severity, 'information');
        assert.match(problem.message, /FlipLR operation changes nothing/);
        assert.equal(text.slice(problem.offset, problem.offset + problem.length), 'true');
        assert.deepEqual(fixAndValidate(text, format, problem).base, { cropPadding: 4, flipLR: false, cutout: 0 });
        // In a schedule entry too; without FlipLR (or without the flip) nothing is said.
        const staged = { ...base(), base: { cropPadding: 0, flipLR: true, cutout: 0 }, schedule: [{ untilProgress: 1, applyProbability: 0.5, operations: [{ op: 'FlipLR', probability: 1 }] }] };
        assert.equal(only(checkPolicyText(write(staged), format), 'base-redundant').length, 1);
        assert.deepEqual(only(checkPolicyText(write({ ...base(), base: { cropPadding: 0, flipLR: true, cutout: 0 } }), format), 'base-redundant'), []);
      });

      it('agrees with semanticProblems on schema-valid policies', () => {
        const p = base();
        const ops = p.operations as Obj[];
        ops.push({ op: 'ShearX', magnitude: 0.25, probability: 0.5 });
        p.schedule = [{ untilProgress: 0.5, applyProbability: 0.5, operations: [{ op: 'Identity', probability: 0.7 }] }, { untilProgress: 0.5, applyProbability: 0.5, operations: [{ op: 'Identity', probability: 1 }] }];
        const expected = semanticProblems(PolicySchema.parse(p)).map((x) => x.path).sort();
        const got = checkPolicyText(write(p), format).filter((x) => x.code !== 'off-bin').map((x) => x.path).sort();
        assert.deepEqual(got, expected);
      });
    });
  }

  it('locates schema problems when asked (TypeScript, YAML without the YAML extension)', () => {
    const p = base();
    (p.operations as Obj[])[1].magnitude = 1.5;
    p.opsPerImage = 0;
    for (const [name, format] of [['ts', 'ts'], ['yaml', 'yaml']] as const) {
      const text = writers[name](p);
      const problems = only(checkPolicyText(text, format, { schema: true }), 'schema');
      assert.deepEqual(problems.map((x) => x.path).sort(), ['operations[1].magnitude', 'opsPerImage']);
      for (const x of problems) assert.match(text.slice(x.offset, x.offset + x.length), /^(1\.5|0)$/);
      assert.deepEqual(only(checkPolicyText(text, format), 'schema'), []);
    }
  });

  it('locates schema problems of the base section at their key path', () => {
    for (const [name, format] of [['ts', 'ts'], ['yaml', 'yaml']] as const) {
      const bad = writers[name]({ ...base(), base: { cropPadding: -1, flipLR: 'yes', cutout: 8 } });
      const problems = only(checkPolicyText(bad, format, { schema: true }), 'schema');
      assert.deepEqual(problems.map((x) => x.path), ['base.cropPadding', 'base.flipLR'], name);
      assert.match(problems[0].message, />=0 \(got -1\)/);
      assert.deepEqual(problems.map((x) => bad.slice(x.offset, x.offset + x.length).replace(/'/g, '')), ['-1', 'yes']);
      const missing = writers[name]({ ...base(), base: { cropPadding: 4, crop: 2 } });
      const found = only(checkPolicyText(missing, format, { schema: true }), 'schema');
      assert.deepEqual(found.map((x) => x.path).sort(), ['base', 'base.cutout', 'base.flipLR'], name);
      assert.ok(found.some((x) => /unknown key "crop"; remove it/.test(x.message)));
      for (const x of found) assert.equal(missing.slice(x.offset, x.offset + x.length), 'base', 'a missing key is shown on "base"');
    }
  });

  it('does not repeat a schema problem that a finer problem explains', () => {
    const p = base();
    (p.operations as Obj[])[1].op = 'Rotat';
    const problems = checkPolicyText(writers.ts(p), 'ts', { schema: true });
    assert.deepEqual(problems.map((x) => x.code), ['unknown-op']);
  });

  it('says which TypeScript parts it cannot check', () => {
    const text = 'export const policy = { version: 1, opsPerImage: 2, applyProbability: 0.5, operations: buildOps() };';
    const problems = checkPolicyText(text, 'ts', { schema: true });
    assert.deepEqual(problems.map((x) => x.code), ['not-literal']);
    assert.equal(text.slice(problems[0].offset, problems[0].offset + problems[0].length), 'buildOps()');
  });

  it('reports syntax errors only when asked', () => {
    assert.equal(checkPolicyText('version: [1\n', 'yaml').length, 0);
    assert.equal(checkPolicyText('version: [1\n', 'yaml', { syntax: true })[0].code, 'syntax');
  });

  it('honours a custom space of bins', () => {
    const p = base();
    assert.equal(only(checkPolicyText(writers.json(p), 'json', { bins: [0.1, 0.2] }), 'off-bin').length, 3);
  });

  it('normalises to 4 decimals summing to exactly 1 (6 when an entry would vanish)', () => {
    const n = normalise([1, 1, 1]);
    assert.deepEqual(n, [0.3334, 0.3333, 0.3333]);
    assert.equal(Math.round(normalise(Array.from({ length: 52 }, (_, i) => i + 1)).reduce((s, x) => s + x, 0) * 1e9) / 1e9, 1);
    assert.deepEqual(normalise([1e-4, 1]).map((x) => x > 0), [true, true]);
  });

  it('deletes the first item of an array with its separator', () => {
    for (const [text, format, expected] of [
      ['[1, 2, 3]', 'json', '[2, 3]'],
      ['- 1\n- 2\n', 'yaml', '- 2\n'],
      ['a:\n  - x: 1\n    y: 2\n  - x: 3 # c\nb: 1\n', 'yaml', 'a:\n  - x: 1\n    y: 2\nb: 1\n'],
    ] as const) {
      const { root } = parsePolicyText(text, format);
      let arr = root as ArrayNode;
      if (root?.kind === 'object') arr = root.properties[0].value as ArrayNode;
      const index = text.startsWith('a:') ? 1 : 0;
      assert.equal(applyEdits(text, [itemDeletion(text, arr, index)]), expected);
    }
  });
});
