/** The engine's op table: one batched implementation per catalog op. */
import type { OpName } from '../../shared/ops';
import * as geometric from './geometric';
import * as pixel from './pixel';
import type { BatchOp } from './types';

export const BATCH_OPS: Readonly<Record<OpName, BatchOp>> = {
  Identity: (images) => images.clone(),
  FlipLR: geometric.flipLR,
  FlipUD: geometric.flipUD,
  AutoContrast: pixel.autoContrast,
  Equalize: pixel.equalize,
  Invert: pixel.invert,
  Blur: pixel.blur,
  Smooth: pixel.smooth,
  Rotate: geometric.rotate,
  ShearX: geometric.shearX,
  ShearY: geometric.shearY,
  TranslateX: geometric.translateX,
  TranslateY: geometric.translateY,
  Posterize: pixel.posterize,
  Solarize: pixel.solarize,
  Color: pixel.color,
  Contrast: pixel.contrast,
  Brightness: pixel.brightness,
  Sharpness: pixel.sharpness,
  Cutout: geometric.cutout,
};
