// The reconnect schedule: full-jitter backoff (src/shared/base/backoff.ts) counted over consecutive failures. No
// attempt limit — the transport retries forever — and reset() after a successful session starts the schedule over.
import { backoffCeiling, fullJitterDelay, type BackoffPolicy } from '../../../shared/base';

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
  private readonly backoff: BackoffPolicy;

  constructor(private readonly options: ReconnectPolicyOptions) {
    if (!(options.baseDelayMs > 0) || !(options.maxDelayMs >= options.baseDelayMs)) {
      throw new RangeError('backoff needs 0 < baseDelayMs <= maxDelayMs');
    }
    this.random = options.random ?? Math.random;
    this.backoff = { baseMs: options.baseDelayMs, capMs: options.maxDelayMs };
  }

  /** How many delays have been handed out since the last reset. */
  get attempt(): number {
    return this.failures;
  }

  /** The ceiling of the delay for a given attempt (0-based): min(cap, base·2^attempt). */
  ceilingFor(attempt: number): number {
    return backoffCeiling(attempt, this.backoff);
  }

  /** The delay before the next attempt, and advances the schedule. */
  nextDelay(): number {
    return fullJitterDelay(this.failures++, this.backoff, this.random);
  }

  reset(): void {
    this.failures = 0;
  }
}
