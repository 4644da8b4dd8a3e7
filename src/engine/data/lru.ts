/** A least-recently-used cache bounded by the total byte size of its values. */
export class ByteLru<K> {
  private readonly entries = new Map<K, Uint8Array>();
  private used = 0;

  constructor(readonly capacityBytes: number) {}

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): Uint8Array | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry as most recent.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: Uint8Array): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.used -= old.byteLength;
    }
    if (value.byteLength > this.capacityBytes) return;
    this.entries.set(key, value);
    this.used += value.byteLength;
    for (const [k, v] of this.entries) {
      if (this.used <= this.capacityBytes) break;
      this.entries.delete(k);
      this.used -= v.byteLength;
    }
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }
}
