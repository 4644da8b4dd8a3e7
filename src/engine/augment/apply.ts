/**
 * Applies per-image plans (from the policy sampler) to a batch: at each step the images
 * are grouped by the op they draw, each group goes through its batched op in one call,
 * and the batch is put back in its original order.
 */
import { opParameter, type OpName } from '../../shared/ops';
import type { ImagePlan } from '../../shared/sampler';
import { tf } from '../tf';
import { BATCH_OPS } from './table';
import { gatherRows } from './pixelmath';
import type { ImageBatch, OpContext } from './types';

export interface ApplyOptions {
  readonly fill?: number;
  readonly interpolation?: 'nearest' | 'bilinear';
}

export function applyPlans(images: ImageBatch, plans: readonly ImagePlan[], options: ApplyOptions = {}): ImageBatch {
  const [n, height, width] = images.shape;
  if (plans.length !== n) throw new RangeError(`applyPlans: ${plans.length} plans for a batch of ${n} images`);
  const steps = plans.reduce((m, p) => Math.max(m, p.length), 0);
  const size = { width, height };
  return tf.tidy(() => {
    let x = images;
    for (let t = 0; t < steps; t++) {
      const groups = new Map<OpName, number[]>();
      const rest: number[] = [];
      plans.forEach((plan, i) => {
        const step = plan[t];
        if (!step || step.op === 'Identity') rest.push(i);
        else {
          const g = groups.get(step.op);
          if (g) g.push(i);
          else groups.set(step.op, [i]);
        }
      });
      if (groups.size === 0) continue;
      const order: number[] = [];
      const parts: tf.Tensor4D[] = [];
      for (const [op, idx] of groups) {
        const params = new Float64Array(idx.length);
        const positions = new Float32Array(idx.length * 2);
        idx.forEach((i, j) => {
          const a = plans[i][t];
          params[j] = opParameter(op, a.magnitude, a.sign, size);
          positions[2 * j] = a.position[0];
          positions[2 * j + 1] = a.position[1];
        });
        const ctx: OpContext = { positions, fill: options.fill ?? 0, interpolation: options.interpolation ?? 'nearest' };
        const sub = idx.length === n ? x : gatherRows(x, idx);
        parts.push(BATCH_OPS[op](sub, params, ctx));
        order.push(...idx);
      }
      if (rest.length > 0) {
        parts.push(gatherRows(x, rest));
        order.push(...rest);
      }
      if (parts.length === 1 && rest.length === 0) {
        x = parts[0];
        continue;
      }
      const inverse = new Int32Array(n);
      order.forEach((i, pos) => (inverse[i] = pos));
      x = gatherRows(tf.concat(parts, 0), inverse);
    }
    return x === images ? images.clone() : x;
  });
}
