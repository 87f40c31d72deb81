// Exponential backoff with full jitter: the n-th retry waits random(0, min(cap, base·2^n)). No attempt limit —
// the transport retries forever — and reset() after a successful session starts the schedule over.

export interface ReconnectPolicyOptions {
  /** Upper bound of the first retry's delay, in ms. */
  baseDelayMs: number;
  /** Largest upper bound any retry's delay may have, in ms. */
  maxDelayMs: number;
  /** Uniform random source in [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
}

export class ReconnectPolicy {
  private failures = 0;
  private readonly random: () => number;

  constructor(private readonly options: ReconnectPolicyOptions) {
    if (!(options.baseDelayMs > 0) || !(options.maxDelayMs >= options.baseDelayMs)) {
      throw new RangeError('backoff needs 0 < baseDelayMs <= maxDelayMs');
    }
    this.random = options.random ?? Math.random;
  }

  /** How many delays have been handed out since the last reset. */
  get attempt(): number {
    return this.failures;
  }

  /** The ceiling of the delay for a given attempt (0-based): min(cap, base·2^attempt). */
  ceilingFor(attempt: number): number {
    // 2^attempt overflows to Infinity for big attempts, which min() then caps: no special case needed.
    return Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** attempt);
  }

  /** The delay before the next attempt, and advances the schedule. */
  nextDelay(): number {
    const ceiling = this.ceilingFor(this.failures);
    this.failures++;
    const r = this.random();
    // Clamp a misbehaving random source rather than produce a negative or over-cap delay.
    const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
    return Math.floor(unit * ceiling);
  }

  reset(): void {
    this.failures = 0;
  }
}
