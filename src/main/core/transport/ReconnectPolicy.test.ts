import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ReconnectPolicy } from './ReconnectPolicy';

/** A small seeded PRNG (mulberry32) so the distribution test is reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('ReconnectPolicy', () => {
  it('doubles the ceiling per attempt up to the cap', () => {
    const policy = new ReconnectPolicy({ baseDelayMs: 500, maxDelayMs: 30_000, random: () => 0.999999 });
    const delays = Array.from({ length: 10 }, () => policy.nextDelay());
    expect(delays).toEqual([499, 999, 1999, 3999, 7999, 15999, 29999, 29999, 29999, 29999]);
    expect(policy.attempt).toBe(10);
  });

  it('uses the injected random source for full jitter: delay = floor(r · ceiling)', () => {
    const values = [0, 0.5, 0.25, 0.75];
    const policy = new ReconnectPolicy({ baseDelayMs: 1000, maxDelayMs: 60_000, random: () => values.shift() ?? 0 });
    expect([policy.nextDelay(), policy.nextDelay(), policy.nextDelay(), policy.nextDelay()]).toEqual([0, 1000, 1000, 6000]);
  });

  it('never exceeds the cap, however many attempts (no attempt limit)', () => {
    const policy = new ReconnectPolicy({ baseDelayMs: 500, maxDelayMs: 30_000, random: () => 0.999999 });
    let delay = 0;
    for (let i = 0; i < 5_000; i++) delay = policy.nextDelay();
    expect(delay).toBe(29999);
    expect(policy.ceilingFor(5_000)).toBe(30_000);
  });

  it('stays within [0, ceiling] for any settings, attempt and random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (base, extra, attempts, r) => {
          const policy = new ReconnectPolicy({ baseDelayMs: base, maxDelayMs: base + extra, random: () => r });
          for (let i = 0; i < attempts; i++) policy.nextDelay();
          const ceiling = Math.min(base + extra, base * 2 ** attempts);
          const delay = policy.nextDelay();
          return delay >= 0 && delay <= ceiling && Number.isInteger(delay);
        },
      ),
    );
  });

  it('clamps a misbehaving random source', () => {
    const policy = new ReconnectPolicy({ baseDelayMs: 100, maxDelayMs: 100, random: () => Number.NaN });
    expect(policy.nextDelay()).toBe(0);
    const big = new ReconnectPolicy({ baseDelayMs: 100, maxDelayMs: 100, random: () => 7 });
    expect(big.nextDelay()).toBe(100);
  });

  it('spreads delays uniformly over [0, ceiling) (full jitter, not equal jitter)', () => {
    const policy = new ReconnectPolicy({ baseDelayMs: 1000, maxDelayMs: 1000, random: seeded(42) });
    const buckets = new Array<number>(10).fill(0);
    const samples = 20_000;
    let sum = 0;
    for (let i = 0; i < samples; i++) {
      const delay = policy.nextDelay();
      sum += delay;
      buckets[Math.floor(delay / 100)]! += 1;
    }
    // Each tenth of the range gets about 10% of the samples, including the lowest one (full jitter reaches 0).
    for (const count of buckets) expect(Math.abs(count - samples / 10)).toBeLessThan(samples * 0.015);
    expect(sum / samples).toBeGreaterThan(480);
    expect(sum / samples).toBeLessThan(520);
  });

  it('starts over after reset()', () => {
    const policy = new ReconnectPolicy({ baseDelayMs: 500, maxDelayMs: 30_000, random: () => 0.999999 });
    policy.nextDelay();
    policy.nextDelay();
    policy.nextDelay();
    policy.reset();
    expect(policy.attempt).toBe(0);
    expect(policy.nextDelay()).toBe(499);
  });

  it('rejects nonsensical settings', () => {
    expect(() => new ReconnectPolicy({ baseDelayMs: 0, maxDelayMs: 10 })).toThrow(RangeError);
    expect(() => new ReconnectPolicy({ baseDelayMs: 100, maxDelayMs: 10 })).toThrow(RangeError);
  });
});
