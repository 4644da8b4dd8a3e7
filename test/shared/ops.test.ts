import assert from 'node:assert/strict';
import { DEFAULT_MAGNITUDE_BINS, OPS, OP_NAMES, describeOp, hasMagnitude, opParameter } from '../../src/shared/ops';
import { buildSpace, categoryKey } from '../../src/shared/space';

const size = { width: 32, height: 32 };

describe('op catalog', () => {
  it('has the 20 ops of the design, each described in one line', () => {
    assert.equal(OP_NAMES.length, 20);
    for (const op of OP_NAMES) {
      assert.equal(OPS[op].name, op);
      assert.ok(OPS[op].summary.length > 10 && !OPS[op].summary.includes('\n'), `${op} summary`);
    }
  });

  it('maps magnitudes onto torchvision RandAugment ranges', () => {
    assert.equal(opParameter('Rotate', 1, 1, size), 30);
    assert.equal(opParameter('Rotate', 0.5, -1, size), -15);
    assert.equal(opParameter('ShearX', 1, -1, size), -0.3);
    assert.equal(opParameter('TranslateX', 1, 1, { width: 331, height: 10 }), 150);
    assert.equal(opParameter('TranslateY', 1, -1, { width: 331, height: 32 }), -14); // trunc(14.5)
    assert.equal(opParameter('TranslateX', 0.25, -1, size), -3); // trunc(3.63) toward 0
    assert.ok(Math.abs(opParameter('Brightness', 1, -1, size) - 0.1) < 1e-12);
    assert.equal(opParameter('Posterize', 0, 1, size), 8);
    assert.equal(opParameter('Posterize', 1, 1, size), 4);
    assert.equal(opParameter('Solarize', 0.25, 1, size), 191.25);
    assert.equal(opParameter('Solarize', 0.5, -1, size), 127.5, 'unsigned ops ignore the sign');
    assert.equal(opParameter('Cutout', 1, 1, size), 16);
    assert.equal(opParameter('Invert', 1, 1, size), 0);
  });

  it('gives every default magnitude bin of every op a distinct parameter (the released DDAS code did not)', () => {
    for (const op of OP_NAMES.filter(hasMagnitude)) {
      const values = DEFAULT_MAGNITUDE_BINS.map((m) => opParameter(op, m, 1, size));
      assert.equal(new Set(values).size, DEFAULT_MAGNITUDE_BINS.length, `${op}: ${values}`);
    }
  });

  it('describes ops for people', () => {
    assert.equal(describeOp('Rotate', 0.5), 'Rotate +/-15 degrees');
    assert.equal(describeOp('Posterize', 1), 'Posterize to 4 bits');
    assert.equal(describeOp('FlipLR'), 'FlipLR');
  });

  it('builds the default 56-category space (the official 52 + Cutout at 4 bins)', () => {
    const space = buildSpace();
    assert.equal(space.length, 56);
    assert.equal(new Set(space.map(categoryKey)).size, 56);
    assert.throws(() => buildSpace(['Rotate', 'Rotate']), /twice/);
  });
});
