// Placeholder: implemented by the geometric-ops work (FlipLR, FlipUD, Rotate, ShearX/Y, TranslateX/Y, Cutout).
import type { BatchOp } from './types';

function todo(name: string): BatchOp {
  return () => {
    throw new Error(`${name} is not implemented yet`);
  };
}

export const flipLR = todo('FlipLR');
export const flipUD = todo('FlipUD');
export const rotate = todo('Rotate');
export const shearX = todo('ShearX');
export const shearY = todo('ShearY');
export const translateX = todo('TranslateX');
export const translateY = todo('TranslateY');
export const cutout = todo('Cutout');
