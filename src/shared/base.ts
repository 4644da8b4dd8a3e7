/**
 * The base transform: what the user's training already does to every image after the
 * policy's operations (DESIGN section 3). It is explicit - a section of the policy file,
 * a search option, applied identically by the engine and every export - because a
 * hidden base changes what the search measures (a base flip makes it blind to
 * label-destroying flips).
 */
import { z } from 'zod';

export const BaseTransformSchema = z
  .strictObject({
    cropPadding: z.number().int().min(0).max(256).meta({ description: 'Zero padding in pixels on each side before a random crop back to the image size (torchvision RandomCrop(size, padding)); 0 = no crop.' }),
    flipLR: z.boolean().meta({ description: 'Mirror left-right with probability 1/2 (torchvision RandomHorizontalFlip). Wrong for data whose labels depend on left and right.' }),
    cutout: z.number().int().min(0).max(4096).meta({ description: 'Side in pixels of a gray square cut out at a uniformly random centre (clipped at the border); 0 = off.' }),
  })
  .meta({ title: 'Base transform', description: 'What training does to every image after the policy (in this order: random crop, horizontal flip, Cutout). The search ran under it; exports apply it.' });

export type BaseTransform = z.infer<typeof BaseTransformSchema>;

export const NO_BASE: BaseTransform = { cropPadding: 0, flipLR: false, cutout: 0 };

/** Default: a mild random crop (padding about 1/8 of the shorter side), no flip, no Cutout. */
export function defaultBase(image: { readonly width: number; readonly height: number }): BaseTransform {
  return { cropPadding: Math.max(1, Math.round(Math.min(image.width, image.height) / 8)), flipLR: false, cutout: 0 };
}

/** "crop 4 + flip", "none" - for headers, logs and commit messages. */
export function describeBase(base: BaseTransform): string {
  const parts: string[] = [];
  if (base.cropPadding > 0) parts.push(`crop (pad ${base.cropPadding})`);
  if (base.flipLR) parts.push('flip LR');
  if (base.cutout > 0) parts.push(`Cutout ${base.cutout} px`);
  return parts.length > 0 ? parts.join(' + ') : 'none';
}

/**
 * Parses the CLI form: "none", "default", or comma-separated "crop=4", "flip", "cutout=16"
 * (e.g. "crop=4,flip"). Items not named are off. Throws an Error saying what is allowed.
 */
export function parseBase(text: string, image?: { readonly width: number; readonly height: number }): BaseTransform | 'default' {
  const t = text.trim().toLowerCase();
  if (t === 'default') return image ? defaultBase(image) : 'default';
  if (t === 'none' || t === '') return NO_BASE;
  let cropPadding = 0;
  let flipLR = false;
  let cutout = 0;
  for (const item of t.split(',').map((s) => s.trim())) {
    const m = /^(crop|cutout|flip)(?:=(\d+))?$/.exec(item);
    if (!m) throw new Error(`"${item}" is not a base transform item; use "none", "default" or a list such as "crop=4,flip,cutout=16"`);
    const [, key, value] = m;
    if (key === 'flip') {
      if (value !== undefined) throw new Error('"flip" takes no value');
      flipLR = true;
    } else {
      if (value === undefined) throw new Error(`"${key}" needs a size in pixels, e.g. "${key}=4"`);
      if (key === 'crop') cropPadding = Number(value);
      else cutout = Number(value);
    }
  }
  return BaseTransformSchema.parse({ cropPadding, flipLR, cutout });
}
