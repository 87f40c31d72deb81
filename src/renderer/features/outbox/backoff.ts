// Retry delays for the outbox: exponential with full jitter, capped (so a fleet of clients coming back online
// does not retry in lock-step, and a long outage does not grow the wait without bound).
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const OUTBOX_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000 };

/** The wait before retry number `attempt` (1 = first retry): uniform in [0, min(cap, base·2^(attempt−1))). */
export function fullJitterDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
