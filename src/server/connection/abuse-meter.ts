// Counts rejected frames of one connection in a fixed window; past the threshold the connection is closed
// with 4011. One bad frame is a bug, a stream of them is abuse.
export class AbuseMeter {
  private windowStart = 0;
  private count = 0;

  constructor(
    private readonly threshold: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one rejected frame; true when the connection has now crossed the threshold. */
  record(): boolean {
    const now = this.now();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.count = 0;
    }
    this.count += 1;
    return this.count > this.threshold;
  }
}
