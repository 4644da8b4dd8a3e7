/**
 * The operation catalog: the one place that names every augmentation, its magnitude
 * range and what it does. The JSON schema, hover docs, the engine's op table and the
 * exporters all derive from this table.
 *
 * Ranges follow torchvision's RandAugment (torchvision/transforms/autoaugment.py) so an
 * exported policy means the same thing in PyTorch: magnitude m in [0, 1] maps linearly
 * onto the range, and signed ops draw the sign per image ('+' = torchvision's positive).
 */

export const OP_NAMES = [
  'Identity',
  'FlipLR',
  'FlipUD',
  'AutoContrast',
  'Equalize',
  'Invert',
  'Blur',
  'Smooth',
  'Rotate',
  'ShearX',
  'ShearY',
  'TranslateX',
  'TranslateY',
  'Posterize',
  'Solarize',
  'Color',
  'Contrast',
  'Brightness',
  'Sharpness',
  'Cutout',
] as const;

export type OpName = (typeof OP_NAMES)[number];

/** How magnitude m in [0, 1] becomes the op's parameter. */
export type MagnitudeKind =
  | 'shear' // shear factor s = 0.3 m, signed
  | 'translate' // pixels = trunc(150/331 * side * m), signed
  | 'rotate' // degrees = 30 m, signed, counter-clockwise for +
  | 'enhance' // PIL ImageEnhance factor = 1 + 0.9 m, signed
  | 'posterize' // bits kept = 8 - round(4 m)
  | 'solarize' // threshold = 255 (1 - m); pixels >= threshold are inverted
  | 'cutout'; // square side = round(0.5 m min(H, W)) pixels

export interface MagnitudeSpec {
  readonly kind: MagnitudeKind;
  /** Whether the sign is drawn per image (+/-). */
  readonly signed: boolean;
  /** The op's parameter at m = 1, in `unit`. */
  readonly max: number;
  readonly unit: string;
}

export interface OpSpec {
  readonly name: OpName;
  /** One line a person reads in a hover or a table. */
  readonly summary: string;
  /** null for ops without magnitude. */
  readonly magnitude: MagnitudeSpec | null;
  /** Resampling geometric ops (options.fill and options.interpolation apply); flips and Cutout are not. */
  readonly geometric: boolean;
}

const TRANSLATE_FRACTION = 150 / 331;

function plain(name: OpName, summary: string, geometric = false): OpSpec {
  return { name, summary, magnitude: null, geometric };
}

function scaled(name: OpName, summary: string, magnitude: MagnitudeSpec, geometric = false): OpSpec {
  return { name, summary, magnitude, geometric };
}

const enhance: MagnitudeSpec = { kind: 'enhance', signed: true, max: 0.9, unit: 'factor offset (factor = 1 +/- 0.9 m)' };

export const OPS: Readonly<Record<OpName, OpSpec>> = {
  Identity: plain('Identity', 'Leaves the image unchanged.'),
  FlipLR: plain('FlipLR', 'Mirrors the image left to right.'),
  FlipUD: plain('FlipUD', 'Mirrors the image top to bottom.'),
  AutoContrast: plain('AutoContrast', 'Stretches each channel so its darkest pixel becomes 0 and its brightest 255 (PIL ImageOps.autocontrast).'),
  Equalize: plain('Equalize', 'Equalises each channel\'s histogram (PIL ImageOps.equalize).'),
  Invert: plain('Invert', 'Inverts every pixel: v -> 255 - v.'),
  Blur: plain('Blur', 'Blurs with PIL\'s ImageFilter.BLUR 5x5 ring kernel; a 2-pixel border is kept.'),
  Smooth: plain('Smooth', 'Smooths with PIL\'s ImageFilter.SMOOTH 3x3 kernel; a 1-pixel border is kept.'),
  Rotate: scaled('Rotate', 'Rotates about the centre by up to 30 degrees (counter-clockwise for +), filling uncovered pixels.', { kind: 'rotate', signed: true, max: 30, unit: 'degrees' }, true),
  ShearX: scaled('ShearX', 'Shears horizontally about the top-left corner, factor s up to 0.3: row y moves by -s y pixels (torchvision\'s convention).', { kind: 'shear', signed: true, max: 0.3, unit: 'shear factor' }, true),
  ShearY: scaled('ShearY', 'Shears vertically about the top-left corner, factor s up to 0.3: column x moves by -s x pixels (torchvision\'s convention).', { kind: 'shear', signed: true, max: 0.3, unit: 'shear factor' }, true),
  TranslateX: scaled('TranslateX', 'Shifts horizontally by up to 45% of the width (whole pixels, truncated toward 0).', { kind: 'translate', signed: true, max: TRANSLATE_FRACTION, unit: 'fraction of width' }, true),
  TranslateY: scaled('TranslateY', 'Shifts vertically by up to 45% of the height (whole pixels, truncated toward 0).', { kind: 'translate', signed: true, max: TRANSLATE_FRACTION, unit: 'fraction of height' }, true),
  Posterize: scaled('Posterize', 'Keeps the top 8 - round(4 m) bits of each channel (8 bits at m = 0, 4 at m = 1).', { kind: 'posterize', signed: false, max: 4, unit: 'bits removed' }),
  Solarize: scaled('Solarize', 'Inverts pixels at or above the threshold 255 (1 - m).', { kind: 'solarize', signed: false, max: 255, unit: 'threshold drop' }),
  Color: scaled('Color', 'Changes saturation with PIL ImageEnhance.Color, factor 1 +/- 0.9 m (no effect on grayscale).', enhance),
  Contrast: scaled('Contrast', 'Changes contrast with PIL ImageEnhance.Contrast, factor 1 +/- 0.9 m.', enhance),
  Brightness: scaled('Brightness', 'Changes brightness with PIL ImageEnhance.Brightness, factor 1 +/- 0.9 m.', enhance),
  Sharpness: scaled('Sharpness', 'Sharpens or softens with PIL ImageEnhance.Sharpness, factor 1 +/- 0.9 m.', enhance),
  Cutout: scaled('Cutout', 'Fills a randomly placed square of side up to half the image with gray (128).', { kind: 'cutout', signed: false, max: 0.5, unit: 'fraction of the shorter side' }),
};

/** Default magnitude bins of a search space (the official DDAS space uses four). */
export const DEFAULT_MAGNITUDE_BINS: readonly number[] = [0.25, 0.5, 0.75, 1.0];

/** Gray level Cutout fills with. */
export const CUTOUT_FILL = 128;

export function isOpName(name: string): name is OpName {
  return (OP_NAMES as readonly string[]).includes(name);
}

export function hasMagnitude(op: OpName): boolean {
  return OPS[op].magnitude !== null;
}

/**
 * The op's concrete parameter for magnitude m and sign (+1/-1) on an image of the given
 * size: degrees for Rotate, shear factor, whole pixels for Translate, enhance factor,
 * bits kept for Posterize, threshold for Solarize, square side in pixels for Cutout.
 * Ops without magnitude return 0.
 */
export function opParameter(op: OpName, m: number, sign: 1 | -1, size: { width: number; height: number }): number {
  const spec = OPS[op].magnitude;
  if (spec === null) return 0;
  const s = spec.signed ? sign : 1;
  switch (spec.kind) {
    case 'shear':
    case 'rotate':
      return s * spec.max * m;
    case 'translate': {
      const side = op === 'TranslateX' ? size.width : size.height;
      return s * Math.trunc(spec.max * side * m);
    }
    case 'enhance':
      return 1 + s * spec.max * m;
    case 'posterize':
      return 8 - Math.round(spec.max * m);
    case 'solarize':
      return spec.max * (1 - m);
    case 'cutout':
      return Math.round(spec.max * m * Math.min(size.width, size.height));
  }
}

/** "Rotate 15 degrees", "Posterize to 6 bits" - for tables, hovers and logs. */
export function describeOp(op: OpName, m?: number): string {
  const spec = OPS[op].magnitude;
  if (spec === null || m === undefined) return op;
  const pm = spec.signed ? '+/-' : '';
  switch (spec.kind) {
    case 'shear':
      return `${op} ${pm}${round3(spec.max * m)}`;
    case 'rotate':
      return `${op} ${pm}${round3(spec.max * m)} degrees`;
    case 'translate':
      return `${op} ${pm}${round3(100 * spec.max * m)}% of the ${op === 'TranslateX' ? 'width' : 'height'}`;
    case 'enhance':
      return `${op} factor 1 ${pm} ${round3(spec.max * m)}`;
    case 'posterize':
      return `${op} to ${8 - Math.round(spec.max * m)} bits`;
    case 'solarize':
      return `${op} above ${round3(spec.max * (1 - m))}`;
    case 'cutout':
      return `${op} square ${round3(100 * spec.max * m)}% of the side`;
  }
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
