import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from './rate-limiter';

describe('TokenBucketLimiter', () => {
  it('allows a burst, then refills at the rate, with an accurate retryAfterMs', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(4, 3, () => now);
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 250 });
    now = 100;
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 150 });
    now = 250;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('b').ok).toBe(true); // buckets are per key
  });

  it('never holds more than the burst, and forgets full buckets on prune', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(10, 2, () => now);
    limiter.take('a');
    now = 60_000;
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, false]);
    now = 61_000;
    limiter.take('b');
    now = 61_050;
    limiter.prune();
    expect(limiter.size).toBe(1); // 'a' refilled completely; 'b' has not
  });
});
