/** The held-out record of a search's dataset (search.dataset.heldOut) survives every export format. */
import assert from 'node:assert/strict';
import { EXPORT_FORMATS, exportPolicy, importPolicy } from '../../src/shared/export';
import { validatePolicy, type Policy } from '../../src/shared/policy';
import { FULL } from './export-fixtures';

describe('policy export: the held-out record', () => {
  const search = FULL.search;
  if (!search) throw new Error('FULL has search metadata');
  const cases: Policy[] = [
    { ...FULL, search: { ...search, dataset: { ...search.dataset, heldOut: { name: 'held-out 10% (stratified, seed 0)', images: 400, share: 0.1, seed: 0 } } } },
    { ...FULL, search: { ...search, dataset: { ...search.dataset, heldOut: { name: 't10k', images: 10000 } } } },
  ];
  for (const format of EXPORT_FORMATS) {
    it(`${format}: round-trips search.dataset.heldOut`, () => {
      for (const p of cases) {
        const back = importPolicy(exportPolicy(p, format, { schemaRef: 'x.json' }), format);
        assert.ok(back.ok, `${format}: ${JSON.stringify(!back.ok && back.problems)}`);
        assert.deepEqual(back.policy.search?.dataset.heldOut, p.search?.dataset.heldOut);
      }
    });
  }

  it('the schema rejects a share outside (0, 1)', () => {
    const bad = { ...cases[0], search: { ...search, dataset: { ...search.dataset, heldOut: { name: 'x', images: 1, share: 1 } } } };
    assert.equal(validatePolicy(JSON.parse(JSON.stringify(bad))).ok, false);
  });
});
