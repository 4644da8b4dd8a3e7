import assert from 'node:assert/strict';
import { parsePolicyText } from '../../src/shared/policy-text/parse';
import { Lru } from '../../src/shared/lru';
import { allOperations, drawVariants, operationAt, thumbnailMarkdown, HOVER_MARKDOWN_BUDGET } from '../../src/shared/policy-text/preview';

const yaml = `version: 1
opsPerImage: 2
applyProbability: 0.5
operations:
  - op: Identity
    probability: 0.5
  - op: Rotate
    magnitude: 0.5
    probability: 0.5
  - op: Rotat
    magnitude: 0.5
    probability: 0
schedule:
  - untilProgress: 1
    applyProbability: 0.5
    operations: [{ op: Cutout, magnitude: 0.25, probability: 1 }]
`;

describe('policy previews', () => {
  const { root } = parsePolicyText(yaml, 'yaml');

  it('finds the operation entry under the cursor (op, magnitude or probability)', () => {
    for (const word of ['op: Rotate', 'magnitude: 0.5\n    probability: 0.5', 'Rotate']) {
      const ref = operationAt(root, yaml.indexOf(word) + 3);
      assert.deepEqual(ref && { op: ref.op, magnitude: ref.magnitude, path: ref.path }, { op: 'Rotate', magnitude: 0.5, path: ['operations', 1] });
    }
    assert.deepEqual(operationAt(root, yaml.indexOf('Identity'))?.magnitude, undefined);
    assert.equal(operationAt(root, yaml.indexOf('Identity'))?.op, 'Identity');
    assert.equal(operationAt(root, yaml.indexOf('Rotat\n')), undefined, 'unknown ops have no preview');
    assert.equal(operationAt(root, yaml.indexOf('opsPerImage')), undefined);
    assert.deepEqual(operationAt(root, yaml.indexOf('Cutout'))?.path, ['schedule', 0, 'operations', 0]);
  });

  it('lists every valid entry for CodeLenses', () => {
    assert.deepEqual(allOperations(root).map((r) => r.op), ['Identity', 'Rotate', 'Cutout']);
  });

  it('draws both signs of signed ops and several Cutouts', () => {
    assert.deepEqual(drawVariants('Rotate', 0.5).map((v) => [v.sign, v.caption]), [[1, 'Rotate +15 degrees'], [-1, 'Rotate -15 degrees']]);
    assert.deepEqual(drawVariants('Cutout', 0.5).map((v) => v.count), [3]);
    assert.deepEqual(drawVariants('FlipLR', undefined), [{ count: 1, caption: 'FlipLR' }]);
    assert.deepEqual(drawVariants('Posterize', 1).map((v) => v.sign), [undefined]);
  });

  it('evicts the least recently used entry', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    assert.equal(lru.get('a'), 1);
    lru.set('c', 3);
    assert.equal(lru.get('b'), undefined);
    assert.equal(lru.get('a'), 1);
    assert.equal(lru.size, 2);
  });

  it('keeps the hover markdown under its budget', () => {
    const png = 'A'.repeat(10_000);
    const rows = Array.from({ length: 8 }, (_, i) => ({ label: `img ${i}`, original: png, draws: [{ base64: png, caption: 'Rotate +15 degrees' }, { base64: png, caption: 'Rotate -15 degrees' }] }));
    const all = thumbnailMarkdown('**Rotate**', rows, 64, 1_000_000);
    assert.equal(all.rows, 8);
    assert.equal(all.draws, 16);
    const capped = thumbnailMarkdown('**Rotate**', rows);
    assert.ok(capped.markdown.length <= HOVER_MARKDOWN_BUDGET, String(capped.markdown.length));
    assert.ok(capped.rows >= 2 && capped.rows < 8);
    assert.match(capped.markdown, /More images/);
    assert.match(capped.markdown, /<img src="data:image\/png;base64,A+" width="64" height="64" title="Rotate \+15 degrees"/);
    // A row too big for the budget loses draws first, then the hover says where to look.
    const few = thumbnailMarkdown('h', rows, 64, 25_000);
    assert.equal(few.rows, 1);
    assert.equal(few.draws, 1);
    const none = thumbnailMarkdown('h', rows, 64, 5_000);
    assert.equal(none.rows, 0);
    assert.match(none.markdown, /too large/);
  });

  it('escapes captions', () => {
    const { markdown } = thumbnailMarkdown('h', [{ draws: [{ base64: 'x', caption: '<b>"' }] }]);
    assert.match(markdown, /title="&lt;b&gt;&quot;"/);
  });
});
