/** The `preview` request: augmented samples of given images as PNG bytes (base64). */
import sharp from 'sharp';
import { OPS } from '../../shared/ops';
import type { PreviewRequest } from '../../shared/protocol';
import { Rng } from '../../shared/rng';
import { fixedOp, samplePlans, type ImagePlan } from '../../shared/sampler';
import { augmentRaw } from '../augment/raw';
import { UserError } from '../errors';
import { encodePng, readImage, type RawImage } from '../io/images';

export async function renderPreview(req: PreviewRequest): Promise<{ source: number; draws: string[] }[]> {
  if ((req.ops === undefined) === (req.policy === undefined)) throw new UserError('preview needs exactly one of "ops" or "policy".');
  const images: RawImage[] = [];
  for (const [i, src] of req.images.entries()) {
    const { droppedAlpha: _, ...image } = 'path' in src ? await readImage(src.path) : await readImage(`images[${i}]`, Buffer.from(src.base64, 'base64'));
    images.push(image);
  }
  const rng = Rng.seeded(req.seed);
  const plansFor = (): ImagePlan[] => {
    if (req.policy) return samplePlans(req.policy, images.length, rng);
    const ops = req.ops ?? [];
    for (const o of ops) {
      if (OPS[o.op].magnitude && o.magnitude === undefined) throw new UserError(`preview: ${o.op} needs a magnitude in [0, 1].`);
    }
    return images.map(() => ops.map((o) => fixedOp(o.op, o.magnitude ?? 0, o.sign ?? 'random', rng)));
  };
  const out = images.map((_, source) => ({ source, draws: [] as string[] }));
  for (let k = 0; k < req.count; k++) {
    const augmented = augmentRaw(images, plansFor(), req.policy?.options ?? {});
    for (const [i, img] of augmented.entries()) out[i].draws.push((await thumbnail(img, req.minSize)).toString('base64'));
  }
  return out;
}

async function thumbnail(img: RawImage, minSize: number | undefined): Promise<Buffer> {
  const png = await encodePng(img);
  const side = Math.max(img.width, img.height);
  if (!minSize || side >= minSize) return png;
  const scale = Math.ceil(minSize / side);
  return sharp(png).resize(img.width * scale, img.height * scale, { kernel: 'nearest' }).png().toBuffer();
}
