// Placeholder: implemented by the pixel-ops work (AutoContrast ... Sharpness).
import type { BatchOp } from './types';

function todo(name: string): BatchOp {
  return () => {
    throw new Error(`${name} is not implemented yet`);
  };
}

export const autoContrast = todo('AutoContrast');
export const equalize = todo('Equalize');
export const invert = todo('Invert');
export const blur = todo('Blur');
export const smooth = todo('Smooth');
export const posterize = todo('Posterize');
export const solarize = todo('Solarize');
export const color = todo('Color');
export const contrast = todo('Contrast');
export const brightness = todo('Brightness');
export const sharpness = todo('Sharpness');
