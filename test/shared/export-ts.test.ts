/**
 * The TypeScript export compiles on its own under strict tsc (TypeScript compiler API),
 * its types agree with the zod schema both ways, and the value it evaluates to is the
 * policy it was written from.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import ts from 'typescript';
import { writePolicyTs } from '../../src/shared/export';
import type { Policy } from '../../src/shared/policy';
import { FULL, MINIMAL } from './export-fixtures';

const root = path.join(__dirname, '..', '..');

const STRICT: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  noUnusedLocals: true,
  noUnusedParameters: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  isolatedModules: true,
  skipLibCheck: true,
  types: [],
};

function diagnostics(files: string[], options: ts.CompilerOptions = STRICT): string[] {
  const program = ts.createProgram(files, options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}

/** Runs the transpiled module and returns its exports. */
function evaluate(source: string): Record<string, unknown> {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  vm.runInNewContext(js, { module, exports: module.exports });
  return module.exports;
}

describe('TypeScript export', function () {
  this.timeout(60000);
  let dir: string;

  before(() => {
    // Inside the repository so the check files resolve zod and src/ (.tmp is git-ignored).
    fs.mkdirSync(path.join(root, '.tmp'), { recursive: true });
    dir = fs.mkdtempSync(path.join(root, '.tmp', 'export-ts-'));
    fs.writeFileSync(path.join(dir, 'full.augpolicy.ts'), writePolicyTs(FULL));
    fs.writeFileSync(path.join(dir, 'minimal.augpolicy.ts'), writePolicyTs(MINIMAL));
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('compiles on its own under strict tsc (exactOptionalPropertyTypes, noUncheckedIndexedAccess)', () => {
    assert.deepEqual(diagnostics([path.join(dir, 'full.augpolicy.ts'), path.join(dir, 'minimal.augpolicy.ts')]), []);
  });

  it('evaluates to the same data', () => {
    const { $schema: _, ...expected } = FULL;
    const full = evaluate(fs.readFileSync(path.join(dir, 'full.augpolicy.ts'), 'utf8'));
    // JSON round trip: the value comes from another realm (vm context).
    assert.deepEqual(JSON.parse(JSON.stringify(full.policy)), expected);
    assert.equal(full.default, full.policy);
    assert.deepEqual(JSON.parse(JSON.stringify(evaluate(fs.readFileSync(path.join(dir, 'minimal.augpolicy.ts'), 'utf8')).policy)), MINIMAL);
  });

  it('its value fits the input types of the zod schema and of the runtime, and wrong entries do not compile', () => {
    const rel = (p: string): string => path.relative(dir, path.join(root, p)).split(path.sep).join('/');
    const check = path.join(dir, 'check.ts');
    fs.writeFileSync(
      check,
      `import type { z } from 'zod';
import type { PolicySchema } from '${rel('src/shared/policy')}';
import type { PolicyInput } from '${rel('src/runtime/types')}';
import { policy, type Policy } from './full.augpolicy';

type DeepReadonly<T> = T extends readonly (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
// Every value of the exported type fits the schema's input type. (The other way round
// does not hold at compile time: zod's inferred op entry lets any op name go with or
// without a magnitude, which only validatePolicy rejects; the exported type is exact.)
export const typed: Policy = policy;
export const c: DeepReadonly<z.input<typeof PolicySchema>> = typed;
// createAugmenter (src/runtime) takes it as it is.
export const input: PolicyInput = policy;
`,
    );
    const bad = path.join(dir, 'bad.ts');
    fs.writeFileSync(
      bad,
      `import type { Policy } from './full.augpolicy';
export const missingMagnitude: Policy = { version: 1, opsPerImage: 1, applyProbability: 1, operations: [{ op: 'Rotate', probability: 1 }] };
export const unknownOp: Policy = { version: 1, opsPerImage: 1, applyProbability: 1, operations: [{ op: 'Rotato', probability: 1 }] };
export const magnitudeOnPlain: Policy = { version: 1, opsPerImage: 1, applyProbability: 1, operations: [{ op: 'Invert', magnitude: 1, probability: 1 }] };
`,
    );
    const options: ts.CompilerOptions = { ...STRICT, exactOptionalPropertyTypes: false, noUncheckedIndexedAccess: false, types: ['node'], lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'] };
    const all = diagnostics([check, bad], options);
    assert.deepEqual(all.filter((e) => !e.startsWith('bad.ts:')), []);
    const errors = all.filter((e) => e.startsWith('bad.ts:'));
    assert.deepEqual(errors.map((e) => e.split(':')[1]), ['2', '3', '4'], errors.join('\n'));
  });

  it('a validated Policy is what the writer takes (compile-time)', () => {
    const p: Policy = MINIMAL;
    assert.ok(writePolicyTs(p).includes("{ op: 'FlipLR', probability: 1 }"));
  });
});
