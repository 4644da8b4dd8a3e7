/** The engine's op table: one byte-level implementation per catalog op. */
import type { OpName } from '../../shared/ops';
import * as geometric from './geometric';
import type { ImageOp } from './image';
import * as pixel from './pixel';

export const IMAGE_OPS: Readonly<Record<OpName, ImageOp>> = {
  Identity: (src, dst) => dst.set(src),
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
