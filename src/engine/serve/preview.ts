/** The `preview` request: augmented samples of given images as PNG bytes (base64). */
import sharp from 'sharp';
import { OPS } from '../../shared/ops';
import type { PreviewImage, PreviewRequest } from '../../shared/protocol';
import { Rng } from '../../shared/rng';
import { fixedOp, samplePlans, type ImagePlan } from '../../shared/sampler';
import { augmentRaw } from '../augment/raw';
import { openDataset } from '../data';
import { UserError } from '../errors';
import { encodePng, readImage, type RawImage } from '../io/images';

interface PreviewSource {
  readonly image: RawImage;
  readonly label?: string;
}

export async function renderPreview(req: PreviewRequest): Promise<PreviewImage[]> {
  if ((req.ops === undefined) === (req.policy === undefined)) throw new UserError('preview needs exactly one of "ops" or "policy".');
  if ((req.images === undefined) === (req.dataset === undefined)) throw new UserError('preview needs exactly one of "images" or "dataset".');
  const sources = req.dataset ? await datasetSources(req.dataset) : await fileSources(req.images ?? []);
  const images = sources.map((s) => s.image);
  const rng = Rng.seeded(req.seed);
  const plansFor = (): ImagePlan[] => {
    if (req.policy) return samplePlans(req.policy, images.length, rng);
    const ops = req.ops ?? [];
    for (const o of ops) {
      if (OPS[o.op].magnitude && o.magnitude === undefined) throw new UserError(`preview: ${o.op} needs a magnitude in [0, 1].`);
    }
    return images.map(() => ops.map((o) => fixedOp(o.op, o.magnitude ?? 0, o.sign ?? 'random', rng)));
  };
  const out = await Promise.all(
    sources.map(async (s, source) => ({
      source,
      draws: [] as string[],
      ...(req.originals ? { original: (await thumbnail(s.image, req.minSize, req.maxSize)).toString('base64') } : {}),
      ...(s.label !== undefined ? { label: s.label } : {}),
    })),
  );
  const draws = Array.from({ length: req.count }, () => augmentRaw(images, plansFor(), req.policy?.options ?? {}));
  // Encode everything at once: while a search runs, each sequential await would wait for
  // the next step boundary, delaying the preview by one step per image.
  const encoded = await Promise.all(draws.flat().map((img) => thumbnail(img, req.minSize, req.maxSize)));
  encoded.forEach((png, j) => out[j % images.length].draws.push(png.toString('base64')));
  return out;
}

async function fileSources(files: NonNullable<PreviewRequest['images']>): Promise<PreviewSource[]> {
  return Promise.all(
    files.map(async (src, i) => {
      const { droppedAlpha: _, ...image } = 'path' in src ? await readImage(src.path) : await readImage(`images[${i}]`, Buffer.from(src.base64, 'base64'));
      return { image };
    }),
  );
}

/** Images of a dataset by index (IDX and CIFAR hold no image files to point at). */
async function datasetSources(spec: NonNullable<PreviewRequest['dataset']>): Promise<PreviewSource[]> {
  // verify: false - a preview must not decode a whole ImageFolder first.
  const dataset = await openDataset(spec.path, { verify: false });
  try {
    const { width, height, channels, size, classNames } = dataset.info;
    let indices = spec.indices;
    if (indices === undefined) {
      const take = Math.min(spec.take ?? 4, size);
      // Spread the picks over the dataset so several classes show up.
      indices = Array.from({ length: take }, (_, i) => Math.floor((i * size) / take));
    }
    const outside = indices.find((i) => i >= size);
    if (outside !== undefined) throw new UserError(`${dataset.info.path}: image index ${outside} is outside the dataset (it has ${size} images).`);
    const batch = await dataset.read(indices);
    const frame = width * height * channels;
    return indices.map((index, j) => ({
      image: { width, height, channels: channels === 1 ? 1 : 3, pixels: batch.pixels.slice(j * frame, (j + 1) * frame) },
      label: `${classNames[batch.labels[j]] ?? batch.labels[j]} #${index}`,
    }));
  } finally {
    await dataset.close();
  }
}

async function thumbnail(img: RawImage, minSize: number | undefined, maxSize: number | undefined): Promise<Buffer> {
  const png = await encodePng(img);
  const side = Math.max(img.width, img.height);
  if (maxSize && side > maxSize) return sharp(png).resize(maxSize, maxSize, { fit: 'inside' }).png().toBuffer();
  if (!minSize || side >= minSize) return png;
  const scale = Math.ceil(minSize / side);
  return sharp(png).resize(img.width * scale, img.height * scale, { kernel: 'nearest' }).png().toBuffer();
}
