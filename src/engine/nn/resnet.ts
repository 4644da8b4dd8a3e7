/**
 * resnet-small: a ResNet-8-style proxy (about 78k parameters for 16/32/64 channels) -
 * a 3x3 stem, three stages of one basic block each, stride 2 between stages, batch
 * norm + ReLU, global average pooling and a dense classifier.
 */
import { tf } from '../tf';
import { batchNorm, bnBufferSpecs, bnSpecs, conv, convSpec, dense, denseSpecs, normaliseInput, type ForwardMode } from './functional';
import type { InputShape, ProxyNet } from './net';
import type { ParamSpec, Params } from './params';

export interface ResNetOptions {
  /** Channels of the three stages. Default [16, 32, 64]. */
  readonly widths?: readonly number[];
}

interface Block {
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly stride: number;
}

export function resnetSmall(input: InputShape, options: ResNetOptions = {}): ProxyNet {
  const widths = options.widths ?? [16, 32, 64];
  const params: ParamSpec[] = [convSpec('stem.conv', 3, input.channels, widths[0]), ...bnSpecs('stem.bn', widths[0])];
  const buffers: ParamSpec[] = [...bnBufferSpecs('stem.bn', widths[0])];
  const blocks: Block[] = widths.map((w, i) => ({ name: `stage${i + 1}`, inChannels: i === 0 ? widths[0] : widths[i - 1], outChannels: w, stride: i === 0 ? 1 : 2 }));
  for (const b of blocks) {
    params.push(convSpec(`${b.name}.conv1`, 3, b.inChannels, b.outChannels), ...bnSpecs(`${b.name}.bn1`, b.outChannels));
    params.push(convSpec(`${b.name}.conv2`, 3, b.outChannels, b.outChannels), ...bnSpecs(`${b.name}.bn2`, b.outChannels));
    buffers.push(...bnBufferSpecs(`${b.name}.bn1`, b.outChannels), ...bnBufferSpecs(`${b.name}.bn2`, b.outChannels));
    if (hasProjection(b)) {
      params.push(convSpec(`${b.name}.proj`, 1, b.inChannels, b.outChannels), ...bnSpecs(`${b.name}.projbn`, b.outChannels));
      buffers.push(...bnBufferSpecs(`${b.name}.projbn`, b.outChannels));
    }
  }
  params.push(...denseSpecs('fc', widths[widths.length - 1], input.classes));

  const forward = (p: Params, x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D => {
    let h = normaliseInput(x, input.mean, input.std);
    h = tf.relu(batchNorm(p, 'stem.bn', conv(p, 'stem.conv', h, 1), mode));
    for (const b of blocks) {
      const y = tf.relu(batchNorm(p, `${b.name}.bn1`, conv(p, `${b.name}.conv1`, h, b.stride), mode));
      const z = batchNorm(p, `${b.name}.bn2`, conv(p, `${b.name}.conv2`, y, 1), mode);
      const shortcut = hasProjection(b) ? batchNorm(p, `${b.name}.projbn`, conv(p, `${b.name}.proj`, h, b.stride), mode) : h;
      h = tf.relu(tf.add(z, shortcut)) as tf.Tensor4D;
    }
    return dense(p, 'fc', tf.mean(h, [1, 2]) as tf.Tensor2D);
  };
  return { name: 'resnet-small', input, params, buffers, forward };
}

function hasProjection(b: Block): boolean {
  return b.stride !== 1 || b.inChannels !== b.outChannels;
}
