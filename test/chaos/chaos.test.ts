// The short, fixed-seed chaos run of `npm test` (the long one is `npm run chaos`, docs/operations.md): three relay
// processes on one Redis with AOF always, three real client cores sending to each other through latency/drop
// proxies, and six seeded faults — kill -9 of relays, a relay restart, Redis killed and restarted on its AOF,
// latency, dropped connections. Every acknowledged message reaches its recipient's application exactly once, in
// its sender's order. Steps wait on acknowledged sends, never on time.
import { describe, expect, it } from 'vitest';
import { faultCounts, runChaos } from './chaos-run';
import { renderChaosReport } from './report';
import { FAULT_LABELS, firstSteps, type FaultKind } from './schedule';

const SEED = 7;
const STEPS = 6;

describe('chaos schedule', () => {
  it('is the same for the same seed and differs for another', () => {
    const options = { seed: SEED, relays: 3, minGap: 10, maxGap: 30 };
    expect(firstSteps(options, 50)).toEqual(firstSteps(options, 50));
    expect(firstSteps({ ...options, seed: SEED + 1 }, 50)).not.toEqual(firstSteps(options, 50));
  });

  it('never takes the last relay down and restarts only relays that are down', () => {
    for (const seed of [1, 2, 3, SEED]) {
      const down = new Set<number>();
      for (const { fault, afterAcks } of firstSteps({ seed, relays: 3, minGap: 10, maxGap: 30 }, 500)) {
        expect(afterAcks).toBeGreaterThanOrEqual(10);
        expect(afterAcks).toBeLessThanOrEqual(30);
        if (fault.kind === 'kill-relay') {
          expect(down.has(fault.relay)).toBe(false);
          down.add(fault.relay);
        } else if (fault.kind === 'restart-relay') {
          expect(down.delete(fault.relay)).toBe(true);
        } else if (fault.kind === 'drop-connections') {
          expect(down.has(fault.relay)).toBe(false);
        }
        expect(down.size).toBeLessThan(3);
      }
    }
  });
});

describe('chaos run', () => {
  it(`loses and duplicates nothing, one-to-one and in a group, through ${STEPS} seeded faults (seed ${SEED})`, { timeout: 240_000 }, async () => {
    const report = await runChaos({ seed: SEED, relays: 3, clients: 3, steps: STEPS, durationS: 0, minGap: 10, maxGap: 30, groups: true, recoveryTimeoutMs: 90_000 });
    console.info(renderChaosReport(report));
    // The seed was chosen so that its first six steps inject every kind of fault.
    expect(new Set(faultCounts(report.faults).keys())).toEqual(new Set(Object.keys(FAULT_LABELS) as FaultKind[]));
    expect(report.faults).toHaveLength(STEPS);
    expect(report.acknowledged).toBeGreaterThan(STEPS * 10);
    expect({ lost: report.lost, duplicated: report.duplicated, outOfOrder: report.outOfOrder, failedSends: report.failedSends, unexpectedRelayExits: report.unexpectedRelayExits }).toEqual({
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      failedSends: 0,
      unexpectedRelayExits: 0,
    });
  });
});
