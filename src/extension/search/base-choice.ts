/**
 * Start Search's "what your training already does" step, without `vscode`: the choices,
 * which one the `ddas.search.base` setting preselects, and checks of typed numbers. The
 * search must run under the user's own base transform (DESIGN section 3), so it asks.
 */
import { BaseTransformSchema, describeBase, type BaseTransform } from '../../shared/base';

/** 'default': the engine's default for the dataset's image size (a mild random crop). */
export type BaseSetting = BaseTransform | 'default';

export type BaseChoiceId = 'default' | 'crop-flip' | 'none' | 'custom';

export interface BaseChoice {
  readonly id: BaseChoiceId;
  readonly label: string;
  readonly detail: string;
  /** Undefined for Custom (asked next). */
  readonly base?: BaseSetting;
}

export const CROP_FLIP: BaseTransform = { cropPadding: 4, flipLR: true, cutout: 0 };
const NONE: BaseTransform = { cropPadding: 0, flipLR: false, cutout: 0 };

/**
 * Reads the setting: "default", or an object {cropPadding, flipLR, cutout} (keys left
 * out are off). Anything else falls back to "default" with a problem to show.
 */
export function readBaseSetting(value: unknown): { base: BaseSetting; problem?: string } {
  if (value === undefined || value === null || value === 'default') return { base: 'default' };
  if (typeof value === 'object' && !Array.isArray(value)) {
    const parsed = BaseTransformSchema.safeParse({ ...NONE, ...value });
    if (parsed.success) return { base: parsed.data };
    const why = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
    return { base: 'default', problem: `The setting ddas.search.base is not valid (${why}); using the default. Set it to "default" or to {"cropPadding": 4, "flipLR": false, "cutout": 0}.` };
  }
  return { base: 'default', problem: `The setting ddas.search.base must be "default" or an object {"cropPadding", "flipLR", "cutout"} (got ${JSON.stringify(value)}); using the default.` };
}

function same(a: BaseSetting, b: BaseSetting): boolean {
  if (a === 'default' || b === 'default') return a === b;
  return a.cropPadding === b.cropPadding && a.flipLR === b.flipLR && a.cutout === b.cutout;
}

/** The quick pick's items, the one matching the setting first (a setting matching none: Custom first). */
export function baseChoices(setting: BaseSetting): BaseChoice[] {
  const choices: BaseChoice[] = [
    { id: 'default', label: 'Default: random crop', detail: 'Random crop with zero padding of about 1/8 of the side (4 px at 32 px), no flip, no Cutout. Flips and Cutout are left to the search.', base: 'default' },
    { id: 'crop-flip', label: 'Crop + flip', detail: `${describeBase(CROP_FLIP)}: the usual CIFAR training transform. Only for data that means the same mirrored.`, base: CROP_FLIP },
    { id: 'none', label: 'None', detail: 'My training does nothing to the images besides the policy.', base: NONE },
    { id: 'custom', label: 'Custom...', detail: setting === 'default' || isFixedChoice(setting) ? 'Crop padding, flip and Cutout size of your own' : `From the setting ddas.search.base: ${describeBase(setting)}` },
  ];
  const preferred = choices.find((c) => c.base !== undefined && same(c.base, setting))?.id ?? 'custom';
  return [...choices].sort((a, b) => Number(b.id === preferred) - Number(a.id === preferred));
}

/** Whether a concrete base is one of the fixed choices (so Custom needs no mention of it). */
function isFixedChoice(base: BaseTransform): boolean {
  return same(base, CROP_FLIP) || same(base, NONE);
}

/** Checks a typed size in pixels (crop padding or Cutout side); returns the problem or undefined. */
export function checkBasePixels(field: 'cropPadding' | 'cutout', text: string): string | undefined {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(v)) return 'Enter a whole number of pixels (0 = off).';
  const max = field === 'cropPadding' ? 256 : 4096;
  if (v < 0 || v > max) return `Enter a number from 0 to ${max}.`;
  return undefined;
}
