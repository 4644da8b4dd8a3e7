/**
 * A least-recently-used cache bounded by the total size of its values (by default each
 * value counts 1, i.e. bounded by entry count). Map keeps insertion order, so
 * re-inserting an entry marks it most recent and the first entries are the oldest.
 */
export class Lru<K, V> {
  private readonly entries = new Map<K, V>();
  private used = 0;

  constructor(
    readonly capacity: number,
    private readonly sizeOf: (value: V) => number = () => 1,
  ) {}

  /** Total size of the values held. */
  get total(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.used -= this.sizeOf(old);
    }
    const size = this.sizeOf(value);
    if (size > this.capacity) return;
    this.entries.set(key, value);
    this.used += size;
    for (const [k, v] of this.entries) {
      if (this.used <= this.capacity) break;
      this.entries.delete(k);
      this.used -= this.sizeOf(v);
    }
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }
}
