/**
 * Seeded random numbers with a serialisable state (checkpoints store it), built on
 * pure-rand's xoroshiro128+. Pure TypeScript: the engine, the runtime sampler and the
 * tests draw from the same stream for the same seed.
 */
import { xoroshiro128plus, type RandomGenerator } from 'pure-rand';

export class Rng {
  private constructor(private readonly gen: RandomGenerator) {}

  static seeded(seed: number): Rng {
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    return new Rng(xoroshiro128plus(seed | 0));
  }

  static fromState(state: readonly number[]): Rng {
    return new Rng(xoroshiro128plus.fromState(state));
  }

  state(): number[] {
    return [...this.gen.getState()];
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.gen.unsafeNext() >>> 5; // 27 bits
    const lo = this.gen.unsafeNext() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** +1 or -1 with equal probability. */
  sign(): 1 | -1 {
    return this.uniform() < 0.5 ? 1 : -1;
  }

  /** Index drawn from unnormalised non-negative weights. */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    let u = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    // Rounding left a sliver: return the last index with non-zero weight.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
    throw new RangeError('categorical() needs at least one positive weight');
  }
}
