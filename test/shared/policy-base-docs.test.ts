/** Hover docs of the base section (src/shared/policy-text/base-docs.ts) in JSON, YAML and TypeScript text. */
import assert from 'node:assert/strict';
import { baseDocAt } from '../../src/shared/policy-text/base-docs';
import { parsePolicyText } from '../../src/shared/policy-text/parse';
import type { PolicyFormat } from '../../src/shared/policy-text/tree';

const TEXTS: Record<PolicyFormat, string> = {
  json: '{\n  "version": 1,\n  "opsPerImage": 1,\n  "applyProbability": 1,\n  "operations": [{ "op": "Identity", "probability": 1 }],\n  "base": { "cropPadding": 4, "flipLR": false, "cutout": 16 }\n}\n',
  yaml: 'version: 1\nopsPerImage: 1\napplyProbability: 1\noperations:\n  - op: Identity\n    probability: 1\nbase:\n  cropPadding: 4\n  flipLR: false\n  cutout: 16\n',
  ts: "export const policy = {\n  version: 1, opsPerImage: 1, applyProbability: 1,\n  operations: [{ op: 'Identity', probability: 1 }],\n  base: { cropPadding: 4, flipLR: false, cutout: 16 },\n};\n",
};

function docAt(text: string, format: PolicyFormat, needle: string, after = 1): ReturnType<typeof baseDocAt> {
  return baseDocAt(parsePolicyText(text, format).root, text.indexOf(needle) + after);
}

describe('base section hover docs', () => {
  for (const [format, text] of Object.entries(TEXTS) as [PolicyFormat, string][]) {
    it(`${format}: explains base and each key, with what the value means, over the key and its value`, () => {
      const section = docAt(text, format, 'base');
      assert.ok(section);
      assert.match(section.markdown, /^\*\*base\*\*: the base transform/);
      assert.match(section.markdown, /Here: crop \(pad 4\) \+ Cutout 16 px\.$/);
      assert.ok(text.slice(section.offset, section.offset + section.length).replace(/"/g, '').startsWith('base'));
      const crop = docAt(text, format, 'cropPadding');
      assert.ok(crop);
      assert.match(crop.markdown, /RandomCrop\(size, padding=cropPadding, fill=0\)/);
      assert.match(crop.markdown, /Here: shifts each image by up to 4 px/);
      assert.match(text.slice(crop.offset, crop.offset + crop.length), /cropPadding["']?: 4$/);
      // On the value as well as on the key.
      assert.deepEqual(docAt(text, format, 'cropPadding', 'cropPadding'.length + 3), crop);
      assert.match(docAt(text, format, 'flipLR')?.markdown ?? '', /RandomHorizontalFlip[\s\S]*Here: no flip\./);
      assert.match(docAt(text, format, 'cutout')?.markdown ?? '', /gray \(128\) square[\s\S]*Here: a 16 x 16 px square/);
      // Elsewhere: nothing.
      assert.equal(docAt(text, format, 'opsPerImage'), undefined);
      assert.equal(docAt(text, format, 'Identity'), undefined);
    });
  }

  it('keeps the key docs but says nothing about invalid values (diagnostics do)', () => {
    const text = '{ "version": 1, "base": { "cropPadding": -3, "flipLR": "yes" } }';
    const crop = docAt(text, 'json', 'cropPadding');
    assert.ok(crop && /^\*\*cropPadding\*\*/.test(crop.markdown) && !/Here:/.test(crop.markdown));
    assert.ok(!/Here:/.test(docAt(text, 'json', 'base')?.markdown ?? 'Here:'));
  });
});
