// Exponential backoff with full jitter: retry n (0 = the first retry) waits a uniform random time in
// [0, min(cap, base·2^n)). The one backoff of the code base: the relay reconnect and the outbox both use it, so a
// fleet of clients coming back online never retries in lock-step and a long outage never grows the wait unbounded.

export interface BackoffPolicy {
  /** Upper bound of the first retry's delay, in ms. */
  baseMs: number;
  /** Largest upper bound any retry's delay may have, in ms. */
  capMs: number;
}

/** min(cap, base·2^retry). 2^retry overflows to Infinity for big retries, which min() then caps. */
export function backoffCeiling(retry: number, policy: BackoffPolicy): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry));
}

/** The wait before retry number `retry` (0-based). A misbehaving random source is clamped into [0, 1]. */
export function fullJitterDelay(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.floor(unit * backoffCeiling(retry, policy));
}
