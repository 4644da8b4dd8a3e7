/**
 * A bounded step history. Once it holds `max` points it keeps every other one and from
 * then on accepts every 2nd (4th, ...) incoming step, so a long search stays a few
 * thousand points whatever its length while still spanning all of it.
 */
export interface HistoryPoint {
  /** Training progress in epochs: epoch + (step + 1) / stepsPerEpoch. */
  readonly x: number;
  readonly pAug: number;
  readonly trainLoss: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  readonly p: Float32Array;
}

export class History {
  private points: HistoryPoint[] = [];
  private stride = 1;
  private seen = 0;
  private last: HistoryPoint | undefined;

  constructor(private readonly max = 2000) {}

  push(point: HistoryPoint): void {
    this.last = point;
    if (this.seen++ % this.stride !== 0) return;
    this.points.push(point);
    if (this.points.length >= this.max) {
      this.points = this.points.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
  }

  /** Drops points past x (a resumed search redoes them). */
  truncate(x: number): void {
    this.points = this.points.filter((p) => p.x <= x);
    if (this.last && this.last.x > x) this.last = this.points[this.points.length - 1];
  }

  clear(): void {
    this.points = [];
    this.stride = 1;
    this.seen = 0;
    this.last = undefined;
  }

  get size(): number {
    return this.points.length;
  }

  /** The kept points plus the newest one, so charts always end at the present. */
  view(): readonly HistoryPoint[] {
    const tail = this.points[this.points.length - 1];
    return this.last && this.last !== tail ? [...this.points, this.last] : this.points;
  }

  latest(): HistoryPoint | undefined {
    return this.last;
  }
}
