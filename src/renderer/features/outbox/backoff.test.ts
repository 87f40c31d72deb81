import { describe, expect, it } from 'vitest';
import { fullJitterDelay } from './backoff';

describe('full-jitter backoff', () => {
  const policy = { baseMs: 1_000, capMs: 60_000 };
  it('grows exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((attempt) => fullJitterDelay(attempt, policy, () => 0.999999))).toEqual([
      999, 1999, 3999, 7999, 15999, 31999, 59999, 59999, 59999,
    ]);
  });
  it('is uniform below the ceiling, from zero', () => {
    expect(fullJitterDelay(3, policy, () => 0)).toBe(0);
    expect(fullJitterDelay(3, policy, () => 0.5)).toBe(2000);
  });
});
