/**
 * Coalesces redraw requests: at most one frame per `intervalMs`, so hundreds of progress
 * events a second cost a handful of chart updates. Uses animation frames, which a hidden
 * webview does not run: work waits until the panel is seen again.
 */
export class FrameScheduler {
  private pending = false;
  private lastRun = -Infinity;

  constructor(
    private readonly run: () => void,
    private readonly intervalMs = 250,
  ) {}

  request(): void {
    if (this.pending) return;
    this.pending = true;
    const wait = Math.max(0, this.lastRun + this.intervalMs - performance.now());
    setTimeout(() => requestAnimationFrame(() => this.flush()), wait);
  }

  /** Runs now (first paint after `init`). */
  flush(): void {
    this.pending = false;
    this.lastRun = performance.now();
    this.run();
  }
}
