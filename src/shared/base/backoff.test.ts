import { describe, expect, it } from 'vitest';
import { backoffCeiling, fullJitterDelay } from './backoff';

describe('full-jitter backoff', () => {
  const policy = { baseMs: 1_000, capMs: 60_000 };

  it('grows exponentially up to the cap, without overflow', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 49, 5_000].map((retry) => fullJitterDelay(retry, policy, () => 0.999999))).toEqual([
      999, 1999, 3999, 7999, 15999, 31999, 59999, 59999, 59999, 59999,
    ]);
    expect(backoffCeiling(5_000, policy)).toBe(60_000);
  });

  it('is uniform below the ceiling, from zero', () => {
    expect(fullJitterDelay(2, policy, () => 0)).toBe(0);
    expect(fullJitterDelay(2, policy, () => 0.5)).toBe(2000);
  });

  it('clamps a misbehaving random source', () => {
    expect(fullJitterDelay(0, policy, () => -3)).toBe(0);
    expect(fullJitterDelay(0, policy, () => 7)).toBe(1000);
    expect(fullJitterDelay(0, policy, () => Number.NaN)).toBe(0);
  });
});
