/**
 * The baselines an evaluation compares a policy with, drawn exactly as torchvision 0.14
 * draws them: RandAugment(num_ops=2, magnitude=9, num_magnitude_bins=31) and
 * TrivialAugmentWide(num_magnitude_bins=31), nearest interpolation, fill 0. Plans carry
 * each op's concrete parameter as `level`, because TrivialAugmentWide's ranges (and
 * torchvision's float32 grids) are not the catalog's magnitude mapping.
 */
import type { OpName } from '../../shared/ops';
import type { Rng } from '../../shared/rng';
import type { AppliedOp, ImagePlan } from '../../shared/sampler';

export type BaselineAugment = 'randaugment' | 'trivialaugment';

export const BASELINE_AUGMENTS: readonly BaselineAugment[] = ['randaugment', 'trivialaugment'];

/** torchvision's num_magnitude_bins, and RandAugment's magnitude (a bin index). */
export const MAGNITUDE_BINS = 31;
export const RANDAUGMENT_MAGNITUDE = 9;
export const RANDAUGMENT_OPS = 2;

/** One op of a torchvision augmentation space: its magnitude grid (null: none) and whether it is signed. */
export interface BaselineOp {
  readonly op: OpName;
  /** torchvision's magnitude per bin, as the doubles `.item()` returns; null for ops without one. */
  readonly grid: readonly number[] | null;
  readonly signed: boolean;
}

export interface ImageShape {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/** Per-image plans of torchvision 0.14's RandAugment(num_ops=2, magnitude=9, num_magnitude_bins=31) or TrivialAugmentWide(num_magnitude_bins=31), for images of this size and channels. */
export function baselinePlans(name: BaselineAugment, count: number, image: ImageShape, rng: Rng): ImagePlan[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`baselinePlans: count ${count} is not a whole number >= 0`);
  const space = baselineSpace(name, image);
  const plans: ImagePlan[] = [];
  for (let i = 0; i < count; i++) {
    if (name === 'randaugment') {
      // num_ops draws with replacement, each at the fixed magnitude bin.
      const ops: AppliedOp[] = [];
      for (let k = 0; k < RANDAUGMENT_OPS; k++) ops.push(drawApplied(space[rng.int(space.length)], () => RANDAUGMENT_MAGNITUDE, rng));
      plans.push(ops);
    } else {
      // One op, uniform; then a uniform bin (only ops with a grid draw one).
      plans.push([drawApplied(space[rng.int(space.length)], (bins) => rng.int(bins), rng)]);
    }
  }
  return plans;
}

/** The op, then its bin, then its sign: torchvision's order of draws. */
function drawApplied(entry: BaselineOp, pickBin: (bins: number) => number, rng: Rng): AppliedOp {
  if (entry.grid === null) return baselineOp(entry, 0, 1);
  const bin = pickBin(entry.grid.length);
  // torchvision: `if signed and torch.randint(2, (1,))`: negative with probability 1/2.
  return baselineOp(entry, bin, entry.signed ? rng.sign() : 1);
}

/**
 * One op of a baseline space at a bin and sign. `magnitude` holds the bin's place in the
 * grid (bin / 30), `level` the parameter the kernels apply; ops without a grid get neither.
 */
export function baselineOp(entry: BaselineOp, bin: number, sign: 1 | -1): AppliedOp {
  if (entry.grid === null) return { op: entry.op, magnitude: 0, sign: 1, position: [0.5, 0.5] };
  if (!Number.isInteger(bin) || bin < 0 || bin >= entry.grid.length) throw new RangeError(`${entry.op}: bin ${bin} is outside 0..${entry.grid.length - 1}`);
  const s: 1 | -1 = entry.signed ? sign : 1;
  return { op: entry.op, magnitude: bin / (entry.grid.length - 1), sign: s, position: [0.5, 0.5], level: kernelLevel(entry.op, s * entry.grid[bin]) };
}

/**
 * torchvision's `_apply_op` argument (signed magnitude) as the kernel's parameter: the
 * enhance ops take the factor 1.0 + magnitude; the rest take it as it is (Translate and
 * Posterize are truncated by the kernels, as torchvision's int()).
 */
export function kernelLevel(op: OpName, magnitude: number): number {
  return op === 'Brightness' || op === 'Color' || op === 'Contrast' || op === 'Sharpness' ? 1.0 + magnitude : magnitude;
}

/**
 * The space in torchvision's dict order (its op index draws depend on it):
 * RandAugment._augmentation_space(31, (height, width)) or TrivialAugmentWide's.
 */
export function baselineSpace(name: BaselineAugment, image: ImageShape): BaselineOp[] {
  checkImage(image);
  const bins = MAGNITUDE_BINS;
  const wide = name === 'trivialaugment';
  const lin = (end: number, start = 0): number[] => torchLinspace(start, end, bins);
  const shear = lin(wide ? 0.99 : 0.3);
  const enhance = lin(wide ? 0.99 : 0.9);
  return [
    { op: 'Identity', grid: null, signed: false },
    { op: 'ShearX', grid: shear, signed: true },
    { op: 'ShearY', grid: shear, signed: true },
    { op: 'TranslateX', grid: lin(wide ? 32 : (150 / 331) * image.width), signed: true },
    { op: 'TranslateY', grid: lin(wide ? 32 : (150 / 331) * image.height), signed: true },
    { op: 'Rotate', grid: lin(wide ? 135 : 30), signed: true },
    { op: 'Brightness', grid: enhance, signed: true },
    { op: 'Color', grid: enhance, signed: true },
    { op: 'Contrast', grid: enhance, signed: true },
    { op: 'Sharpness', grid: enhance, signed: true },
    { op: 'Posterize', grid: posterizeBits(bins, wide ? 6 : 4), signed: false },
    { op: 'Solarize', grid: lin(0, 255), signed: false },
    { op: 'AutoContrast', grid: null, signed: false },
    { op: 'Equalize', grid: null, signed: false },
  ];
}

function checkImage(image: ImageShape): void {
  const { width, height, channels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`baseline augmentation: image size ${width}x${height} is not whole pixels of at least 1x1`);
  }
  if (channels !== 1 && channels !== 3) throw new RangeError(`baseline augmentation: images need 1 or 3 channels, got ${channels} (torchvision's ops take mode L or RGB)`);
}

/** `8 - (torch.arange(bins) / ((bins - 1) / steps)).round().int()`: float32 division, round half to even. */
export function posterizeBits(bins: number, steps: number): number[] {
  const divisor = Math.fround((bins - 1) / steps);
  return Array.from({ length: bins }, (_, k) => 8 - roundHalfEven(Math.fround(k / divisor)));
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * torch.linspace(start, end, steps) in float32 as torch 1.13's CPU kernel computes it
 * with AVX2 (Debian's build; RangeFactoriesKernel.cpp): step = (end - start) / (steps - 1);
 * pairs of 8-lane vectors (while 16 values remain) hold base + lane * step rounded twice,
 * with base = start + step * i (or end - step * (steps - i - 1) past halfway); the rest
 * comes from the scalar loop with the same formula fused (one rounding, FMA). Checked bit
 * for bit against torch by test/engine/baselines.reference.test.ts.
 */
export function torchLinspace(start: number, end: number, steps: number): number[] {
  const f = Math.fround;
  const s = f(start);
  const e = f(end);
  if (steps === 1) return [s];
  const step = f(f(e - s) / (steps - 1));
  const half = Math.floor(steps / 2);
  const out = new Array<number>(steps);
  const fromEnds = (i: number): number => (i < half ? fmaf(step, i, s) : fmaf(-step, steps - i - 1, e));
  let i = 0;
  for (; i + 16 <= steps; i += 16) {
    for (const v of [i, i + 8]) {
      const base = fromEnds(v);
      for (let lane = 0; lane < 8; lane++) out[v + lane] = f(base + f(lane * step));
    }
  }
  for (; i < steps; i++) out[i] = fromEnds(i);
  return out;
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The float32 neighbour of float32 `r` toward `toward`. */
function nextFloat(r: number, toward: number): number {
  if (r === 0) return toward > 0 ? 1.401298464324817e-45 : -1.401298464324817e-45;
  f32[0] = r;
  // Moving away from zero increases the magnitude bits; toward zero decreases them.
  i32[0] += (toward > r) === (r > 0) ? 1 : -1;
  return f32[0];
}

/**
 * C's fmaf(a, b, c) for float32 a, b, c: a * b + c rounded once to float32. The product
 * is exact in a double; the sum's rounding error is recovered (TwoSum) so a double that
 * lands on a float32 midpoint still rounds the way the exact sum does.
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const sum = p + c;
  const bb = sum - p;
  const err = p - (sum - bb) + (c - bb);
  const r = Math.fround(sum);
  if (err === 0 || r === sum) return r;
  const other = nextFloat(r, sum);
  if ((r + other) / 2 !== sum) return r;
  // A midpoint in double: the exact sum lies on err's side of it.
  return err > 0 === other > r ? other : r;
}
