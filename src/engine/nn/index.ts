/** Proxy networks for the search: parameter sets, layers, and the model registry. */
import type { InputShape, ProxyNet } from './net';
import { resnetSmall } from './resnet';
import { wideResNet } from './wrn';

export type { InputShape, ProxyNet } from './net';
export { ParamSet, decodeFloats, encodeFloats, type ParamSpec, type Params, type StoredTensor } from './params';
export { updateRunningStats, type ForwardMode } from './functional';
export type { BatchSync } from './layers';
export { correctCount, crossEntropy } from './loss';
export { resnetSmall } from './resnet';
export { wideResNet } from './wrn';

export const MODEL_NAMES = ['resnet-small', 'wrn-40-2'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export function createNet(name: ModelName, input: InputShape): ProxyNet {
  switch (name) {
    case 'resnet-small':
      return resnetSmall(input);
    case 'wrn-40-2':
      return wideResNet(input, 40, 2);
  }
}
