// Prometheus metrics: served on their own loopback listener (not on the devices' port), and the counters move with
// traffic: sends by outcome, deliveries stored and pushed, acks, error frames by code, commit latency, connected
// devices and their backlog.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMessageId, randomPayload, registeredDevice } from '../../test/support/raw-device';
import { startTestRelay, type TestRelay } from '../../test/support/relay-harness';

let relay: TestRelay;

beforeAll(async () => {
  relay = await startTestRelay({ metricsPort: 0 });
});
afterAll(async () => {
  await relay.close();
});

async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(relay.metricsUrl!);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const values = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(canonical(line.slice(0, space)), Number(line.slice(space + 1)));
  }
  return values;
}

/** `name{b="2",a="1"}` → `name{a="1",b="2"}`: label order is not part of a series' identity. */
function canonical(series: string): string {
  const open = series.indexOf('{');
  if (open === -1) return series;
  const labels = series.slice(open + 1, -1).match(/[a-z_]+="[^"]*"/g) ?? [];
  return `${series.slice(0, open)}{${labels.sort().join(',')}}`;
}

describe('relay metrics', () => {
  it('serves /metrics on a loopback port of its own, not on the devices’ port', async () => {
    const url = new URL(relay.metricsUrl!);
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).not.toBe(relay.port);
    expect((await fetch(`${relay.httpUrl}/metrics`)).status).toBe(404);
    expect((await fetch(new URL('/other', url))).status).toBe(404);
  });

  it('moves with traffic', async () => {
    const before = await scrape();
    const alice = await registeredDevice(relay.url);
    const bob = await registeredDevice(relay.url);
    await bob.next('drained');
    const ids = [newMessageId(), newMessageId(), newMessageId()];
    for (const id of ids) await alice.sendOk(bob.address, randomPayload(), id);
    await alice.send(bob.address, randomPayload(), ids[0]); // a resend: duplicate
    await alice.send({ user: 'nobody-here', device: 1 }, randomPayload()); // refused with an error frame
    await bob.waitForDeliveries(3);
    const during = await scrape();
    const moved = (name: string) => (during.get(canonical(name)) ?? 0) - (before.get(canonical(name)) ?? 0);
    expect(during.get('parley_connected_devices{store="sqlite"}')).toBe(2);
    expect(during.get('parley_deliveries_unacked{store="sqlite"}')).toBe(3);
    expect(during.get('parley_connected_mailbox_backlog{store="sqlite"}')).toBe(3);
    expect(moved('parley_sends_total{outcome="stored",store="sqlite"}')).toBe(3);
    expect(moved('parley_sends_total{outcome="duplicate",store="sqlite"}')).toBe(1);
    expect(moved('parley_sends_total{outcome="unknown_recipient",store="sqlite"}')).toBe(1);
    expect(moved('parley_deliveries_stored_total{store="sqlite"}')).toBe(3);
    expect(moved('parley_deliveries_pushed_total{store="sqlite"}')).toBe(3);
    expect(moved('parley_errors_total{code="unknown_recipient",store="sqlite"}')).toBe(1);
    expect(moved('parley_commit_seconds_count{store="sqlite"}')).toBeGreaterThanOrEqual(1);
    expect(moved('parley_store_seconds_count{operation="page_mailbox",store="sqlite"}')).toBeGreaterThanOrEqual(1);

    bob.ackThrough(3);
    // An ack alone is committed a little later (it may wait for sends to ride along): wait for the state.
    const acked = () => (after.get('parley_acks_total{store="sqlite"}') ?? 0) > (before.get('parley_acks_total{store="sqlite"}') ?? 0);
    let after = await scrape();
    for (let tries = 0; !acked() && tries < 200; tries++) {
      await bob.ping();
      after = await scrape();
    }
    expect(acked()).toBe(true);
    expect(after.get('parley_deliveries_unacked{store="sqlite"}')).toBe(0);
    expect(after.get('parley_connected_mailbox_backlog{store="sqlite"}')).toBe(0);
    await Promise.all([alice.close(), bob.close()]);
  });

  it('documents every metric it serves, and the Grafana dashboard uses only those', async () => {
    const text = await (await fetch(relay.metricsUrl!)).text();
    const served = new Set([...text.matchAll(/^# TYPE (parley_[a-z_]+) /gm)].map(([, name]) => name!));
    expect(served.size).toBe(11);
    const docs = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    for (const name of served) expect(docs).toContain(`| \`${name}`);
    const dashboard = readFileSync(new URL('../../docs/grafana/parley-relay.json', import.meta.url), 'utf8');
    const used = new Set([...dashboard.matchAll(/parley_[a-z_]+/g)].map(([name]) => name.replace(/_(bucket|sum|count)$/, '')));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(served).toContain(name);
  });
});
