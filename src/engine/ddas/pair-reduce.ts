/**
 * The all-reduce behind synchronised batch norm across two instances (the main thread
 * and one gradient worker) sharing a SharedArrayBuffer. Each exchange: write your
 * vector to your slot, count yourself in, wait for the other, then add the two slots
 * in a fixed order (main's first), so both get bit-identical sums. Exchanges alternate
 * between two slot pairs: exchange k + 2 reuses k's slots only after both sides passed
 * exchange k + 1, that is, after both finished reading k.
 */
import type { BatchSync } from '../nn';

/** The longest vector one exchange carries (batch norm sends 2 x channels). */
export const MAX_REDUCE_LENGTH = 8192;
const WAIT_TIMEOUT_MS = 120_000;

export function createReduceBuffer(): SharedArrayBuffer {
  // 8 bytes of counter (Int32 + padding), then 2 parities x 2 parties x MAX floats.
  return new SharedArrayBuffer(8 + 2 * 2 * MAX_REDUCE_LENGTH * 8);
}

export class PairReduce implements BatchSync {
  private readonly counter: Int32Array;
  private readonly slots: Float64Array;
  private exchanges = 0;

  /** party 0 = the main thread, 1 = the worker; the buffer's counter must start at 0. */
  constructor(
    buffer: SharedArrayBuffer,
    private readonly party: 0 | 1,
    readonly batchTotal: number,
  ) {
    this.counter = new Int32Array(buffer, 0, 1);
    this.slots = new Float64Array(buffer, 8);
  }

  /** Zeroes the counter; only before both sides start a new round of exchanges. */
  static reset(buffer: SharedArrayBuffer): void {
    Atomics.store(new Int32Array(buffer, 0, 1), 0, 0);
  }

  allReduce(local: Float32Array): Float32Array {
    const n = local.length;
    if (n > MAX_REDUCE_LENGTH) throw new RangeError(`synchronised batch norm: ${n} values exceed the exchange buffer (${MAX_REDUCE_LENGTH})`);
    const base = (this.exchanges % 2) * 2 * MAX_REDUCE_LENGTH;
    this.slots.set(local, base + this.party * MAX_REDUCE_LENGTH);
    const target = 2 * (this.exchanges + 1);
    Atomics.add(this.counter, 0, 1);
    Atomics.notify(this.counter, 0);
    const deadline = Date.now() + WAIT_TIMEOUT_MS;
    for (;;) {
      const seen = Atomics.load(this.counter, 0);
      if (seen >= target) break;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('synchronised batch norm: the other instance did not arrive (it may have failed)');
      Atomics.wait(this.counter, 0, seen, Math.min(left, 1000));
    }
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.slots[base + i] + this.slots[base + MAX_REDUCE_LENGTH + i];
    this.exchanges++;
    return out;
  }
}
