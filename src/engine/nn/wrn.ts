/**
 * Wide ResNet (Zagoruyko & Komodakis): pre-activation basic blocks, depth = 6n + 4,
 * stage widths 16k/32k/64k. wrn-40-2 (n = 6, k = 2, about 2.2M parameters) is the DDAS
 * paper's proxy for CIFAR; it is meant for GPU backends.
 */
import { tf } from '../tf';
import { batchNorm, bnBufferSpecs, bnSpecs, conv, convSpec, dense, denseSpecs, normaliseInput, type ForwardMode } from './functional';
import type { InputShape, ProxyNet } from './net';
import type { ParamSpec, Params } from './params';

interface Block {
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly stride: number;
}

export function wideResNet(input: InputShape, depth = 40, widen = 2): ProxyNet {
  if ((depth - 4) % 6 !== 0 || depth < 10) throw new RangeError(`WRN depth must be 6n + 4 (>= 10), got ${depth}`);
  const n = (depth - 4) / 6;
  const widths = [16 * widen, 32 * widen, 64 * widen];
  const params: ParamSpec[] = [convSpec('stem.conv', 3, input.channels, 16)];
  const buffers: ParamSpec[] = [];
  const blocks: Block[] = [];
  let channels = 16;
  widths.forEach((w, s) => {
    for (let i = 0; i < n; i++) {
      blocks.push({ name: `stage${s + 1}.block${i + 1}`, inChannels: channels, outChannels: w, stride: i === 0 && s > 0 ? 2 : 1 });
      channels = w;
    }
  });
  for (const b of blocks) {
    params.push(...bnSpecs(`${b.name}.bn1`, b.inChannels), convSpec(`${b.name}.conv1`, 3, b.inChannels, b.outChannels));
    params.push(...bnSpecs(`${b.name}.bn2`, b.outChannels), convSpec(`${b.name}.conv2`, 3, b.outChannels, b.outChannels));
    buffers.push(...bnBufferSpecs(`${b.name}.bn1`, b.inChannels), ...bnBufferSpecs(`${b.name}.bn2`, b.outChannels));
    if (b.inChannels !== b.outChannels) params.push(convSpec(`${b.name}.proj`, 1, b.inChannels, b.outChannels));
  }
  params.push(...bnSpecs('final.bn', channels), ...denseSpecs('fc', channels, input.classes));
  buffers.push(...bnBufferSpecs('final.bn', channels));

  const forward = (p: Params, x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D => {
    let h = conv(p, 'stem.conv', normaliseInput(x, input.mean, input.std), 1);
    for (const b of blocks) {
      const a = tf.relu(batchNorm(p, `${b.name}.bn1`, h, mode));
      const y = tf.relu(batchNorm(p, `${b.name}.bn2`, conv(p, `${b.name}.conv1`, a, b.stride), mode));
      const z = conv(p, `${b.name}.conv2`, y, 1);
      // Pre-activation: a projected shortcut reads the activated input, an identity one the raw input.
      const shortcut = b.inChannels !== b.outChannels ? conv(p, `${b.name}.proj`, a, b.stride) : h;
      h = tf.add(z, shortcut);
    }
    h = tf.relu(batchNorm(p, 'final.bn', h, mode));
    return dense(p, 'fc', tf.mean(h, [1, 2]) as tf.Tensor2D);
  };
  return { name: `wrn-${depth}-${widen}`, input, params, buffers, forward };
}
