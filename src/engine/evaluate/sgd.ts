/**
 * SGD with Nesterov momentum and L2 weight decay, as PyTorch's torch.optim.SGD does it
 * (g += wd w; v = mu v + g; w -= lr (g + mu v)), with the velocities in a ParamSet so a
 * checkpoint stores and restores them like the weights.
 */
import { Rng } from '../../shared/rng';
import { ParamSet, type StoredTensor } from '../nn';
import { tf } from '../tf';

export interface SgdOptions {
  readonly momentum: number;
  readonly weightDecay: number;
}

export class NesterovSgd {
  private constructor(
    private readonly velocity: ParamSet,
    private readonly options: SgdOptions,
  ) {}

  /** Zero velocities for `weights`. */
  static for(weights: ParamSet, options: SgdOptions): NesterovSgd {
    const specs = weights.specs.map((s) => ({ ...s, init: { kind: 'zeros' as const } }));
    return new NesterovSgd(ParamSet.create(specs, Rng.seeded(0), false), options);
  }

  /** One update of `weights` by `grads` (same order) at learning rate `lr`; the caller keeps `grads`. */
  step(weights: ParamSet, grads: readonly tf.Tensor[], lr: number): void {
    const { momentum, weightDecay } = this.options;
    weights.variables.forEach((w, i) => {
      tf.tidy(() => {
        const v = this.velocity.variables[i];
        const g = tf.add(grads[i], tf.mul(w, weightDecay));
        const vNext = tf.add(tf.mul(v, momentum), g);
        v.assign(vNext);
        w.assign(tf.sub(w, tf.mul(tf.add(g, tf.mul(vNext, momentum)), lr)));
      });
    });
  }

  toStored(): StoredTensor[] {
    return this.velocity.toStored();
  }

  loadStored(stored: readonly StoredTensor[]): void {
    this.velocity.loadStored(stored);
  }

  dispose(): void {
    this.velocity.dispose();
  }
}
