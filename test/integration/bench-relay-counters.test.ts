// bench:relay reads the relay's group-commit counters from its metrics endpoint around each measured window: the
// parsing, and that a relay started the way the bench starts it names that endpoint and answers there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRelayCounters, readRelayCounters } from '../../bench/relay/relay-counters';
import { startRelay } from '../../bench/relay/system-run';
import { REPO_ROOT } from '../../bench/relay/processes';

describe('bench:relay relay counters', () => {
  it('sums commits, sends over every outcome, and acks from the Prometheus text', () => {
    const text = [
      '# HELP parley_sends_total Envelopes sent to the relay, by outcome',
      'parley_sends_total{outcome="stored"} 120',
      'parley_sends_total{outcome="duplicate"} 3',
      'parley_acks_total 118',
      'parley_commit_seconds_bucket{le="0.005"} 4',
      'parley_commit_seconds_sum 0.031',
      'parley_commit_seconds_count 5',
    ].join('\n');
    expect(parseRelayCounters(text)).toEqual({ 'relay.commits': 5, 'relay.sends': 123, 'relay.acks': 118 });
  });

  it('finds the endpoint of a relay started as the bench starts it, and reads it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-counters-'));
    const relay = await startRelay({ cwd: REPO_ROOT, dataDir, env: { PARLEY_RELAY_METRICS_PORT: '0' }, nodeArgs: [], placement: {} });
    try {
      expect(relay.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(await readRelayCounters(relay.metricsUrl!)).toEqual({ 'relay.commits': 0, 'relay.sends': 0, 'relay.acks': 0 });
    } finally {
      await relay.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
