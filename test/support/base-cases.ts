/**
 * Base transforms and draws the pixel-equality tests of the engine, the TS runtime and
 * the Python export share: random draws plus the edges (crop windows in the corners,
 * Cutout centres on the border, padding and Cutout wider than the image).
 */
import type { BaseTransform } from '../../src/shared/base';
import { drawBases, type BaseDraw } from '../../src/shared/base-draw';
import { Rng } from '../../src/shared/rng';

export interface BaseCase {
  readonly base: BaseTransform;
  readonly draws: readonly BaseDraw[];
}

const BASES: readonly BaseTransform[] = [
  { cropPadding: 4, flipLR: false, cutout: 0 },
  { cropPadding: 0, flipLR: true, cutout: 0 },
  { cropPadding: 0, flipLR: false, cutout: 12 },
  { cropPadding: 3, flipLR: true, cutout: 9 },
  { cropPadding: 30, flipLR: true, cutout: 70 },
  { cropPadding: 0, flipLR: false, cutout: 0 },
];

function edges(base: BaseTransform): BaseDraw[] {
  const far = 2 * base.cropPadding;
  return [
    { crop: [0, 0], flip: true, position: [0, 0] },
    { crop: [far, far], flip: false, position: [0.99999, 0.99999] },
    { crop: [0, far], flip: true, position: [0.02, 0.97] },
    { crop: [far, 0], flip: false, position: [0.5, 0.5] },
  ];
}

export function baseCases(randomDraws = 6): BaseCase[] {
  return BASES.map((base, k) => ({ base, draws: [...edges(base), ...drawBases(base, randomDraws, Rng.seeded(100 + k))] }));
}
