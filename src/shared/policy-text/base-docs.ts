/**
 * Hover documentation of a policy's `base` section: what each key does, in the words of
 * torchvision, and what the value under the cursor means. Pure, so it is unit-tested;
 * the extension only turns the result into a hover.
 */
import { BaseTransformSchema, describeBase, type BaseTransform } from '../base';
import { CUTOUT_FILL } from '../ops';
import { nodeAtOffset, property, type TextNode } from './tree';

export type BaseKey = keyof BaseTransform;

const BASE_KEYS: readonly BaseKey[] = ['cropPadding', 'flipLR', 'cutout'];

const DOCS: Readonly<Record<BaseKey | 'base', string>> = {
  base:
    '**base**: the base transform - what your training does to every image *after* the policy\'s operations, in this order: ' +
    'random crop (`cropPadding`), horizontal flip (`flipLR`), Cutout (`cutout`). The search ran under it, and every export ' +
    '(Python `DdasAugment`, the TS runtime) applies it. Without `base`, nothing is done after the operations.',
  cropPadding:
    '**cropPadding**: pixels of zero padding on each side before a random crop back to the image size ' +
    '(torchvision `RandomCrop(size, padding=cropPadding, fill=0)`); 0 = no crop. About 1/8 of the shorter side ' +
    '(4 px at 32 px) is the usual choice.',
  flipLR:
    '**flipLR**: mirror left-right with probability 1/2 (torchvision `RandomHorizontalFlip()`). Leave it `false` for data ' +
    'whose labels depend on left and right (digits, text, arrows): a base flip hides from the search that mirroring hurts. ' +
    '`FlipLR` is an operation of the search space, so the search can decide it.',
  cutout:
    `**cutout**: side in pixels of a gray (${CUTOUT_FILL}) square at a uniformly random centre, clipped at the border ` +
    '(the `Cutout` operation, pixel for pixel); 0 = off.',
};

function isBaseKey(key: unknown): key is BaseKey {
  return (BASE_KEYS as readonly unknown[]).includes(key);
}

/** What a valid value means, in one sentence; undefined when the value is not valid (diagnostics say why). */
function valueLine(key: BaseKey, value: unknown): string | undefined {
  const parsed = BaseTransformSchema.shape[key].safeParse(value);
  if (!parsed.success) return undefined;
  const v = parsed.data;
  if (key === 'cropPadding') return v === 0 ? 'Here: no crop.' : `Here: shifts each image by up to ${String(v)} px in x and y (uniformly, independently), filling with black.`;
  if (key === 'flipLR') return v ? 'Here: half the images, drawn at random, are mirrored.' : 'Here: no flip.';
  return v === 0 ? 'Here: no Cutout.' : `Here: a ${String(v)} x ${String(v)} px square on every image (less where it crosses the border).`;
}

function plain(node: TextNode | undefined): unknown {
  return node?.kind === 'scalar' ? node.value : undefined;
}

export interface BaseDoc {
  readonly markdown: string;
  readonly offset: number;
  readonly length: number;
}

/** The doc of the `base` key or of one of its keys (key or value) at `offset`, if the cursor is there. */
export function baseDocAt(root: TextNode | undefined, offset: number): BaseDoc | undefined {
  const hit = nodeAtOffset(root, offset);
  if (root?.kind !== 'object' || !hit || hit.path[0] !== 'base') return undefined;
  const baseProp = property(root, 'base');
  if (!baseProp) return undefined;
  const baseNode = baseProp.value;
  const key = hit.path[1];
  if (hit.path.length === 2 && isBaseKey(key) && baseNode?.kind === 'object') {
    const prop = property(baseNode, key);
    if (prop) {
      const line = valueLine(key, plain(prop.value));
      const stop = prop.value ? prop.value.offset + prop.value.length : prop.keyOffset + prop.keyLength;
      return { markdown: line ? `${DOCS[key]}\n\n${line}` : DOCS[key], offset: prop.keyOffset, length: stop - prop.keyOffset };
    }
  }
  if (hit.path.length !== 1) return undefined;
  const parsed = baseNode?.kind === 'object' ? BaseTransformSchema.safeParse(Object.fromEntries(baseNode.properties.map((p) => [p.key, plain(p.value)]))) : undefined;
  const here = parsed?.success ? `\n\nHere: ${describeBase(parsed.data)}.` : '';
  const stop = baseNode ? baseNode.offset + baseNode.length : baseProp.keyOffset + baseProp.keyLength;
  return { markdown: DOCS.base + here, offset: baseProp.keyOffset, length: stop - baseProp.keyOffset };
}
