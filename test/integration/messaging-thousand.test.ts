// 1,000 messages each way between two cores through a real relay, with the connections cut again and again: every
// message arrives, decrypts exactly once, nothing fails to decrypt, and at the end both inboxes and both relay
// mailboxes are empty. (A WebSocket is one ordered stream: deliveries cannot overtake each other on it, and
// protocol v2 clients refuse any that do; the ratchet's own tests cover out-of-order decryption.)
import { afterAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { startWsTapProxy, type WsTapProxy } from '../support/ws-tap-proxy';
import { TestUser, addContact, dm, mailboxPending, sendTexts } from './messaging-harness';
import { waitFor } from './support';

const COUNT = 1_000;
let relay: TestRelay | undefined;
const proxies: WsTapProxy[] = [];
const users: TestUser[] = [];

afterAll(async () => {
  await Promise.all(users.map((user) => user.close()));
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await relay?.close();
});

describe('1,000 messages each way', () => {
  it('arrive exactly once through dropped connections', { timeout: 120_000 }, async () => {
    relay = await startTestRelay({ rateLimitPerSecond: 100_000, rateLimitBurst: 100_000 });
    const aliceProxy = await startWsTapProxy({ port: relay.port });
    const bobProxy = await startWsTapProxy({ port: relay.port });
    proxies.push(aliceProxy, bobProxy);
    const alice = await TestUser.create(aliceProxy.url, 'alice');
    const bob = await TestUser.create(bobProxy.url, 'bob');
    users.push(alice, bob);
    await addContact(alice, bob);
    await addContact(bob, alice);

    const started = performance.now();
    let drops = 0;
    let sending = true;
    const dropper = (async () => {
      while (sending) {
        await new Promise((resolve) => setTimeout(resolve, 700));
        if (!sending) break;
        (drops % 2 === 0 ? aliceProxy : bobProxy).dropAll();
        drops++;
      }
    })();
    await Promise.all([sendTexts(alice, dm(bob), COUNT, 'a'), sendTexts(bob, dm(alice), COUNT, 'b')]);
    await waitFor(() => bob.texts(dm(alice)).length === COUNT && alice.texts(dm(bob)).length === COUNT, 'all messages', 60_000);
    sending = false;
    await dropper;
    const seconds = (performance.now() - started) / 1000;
    console.info(`1,000 each way: ${seconds.toFixed(1)} s, ${((2 * COUNT) / seconds).toFixed(0)} messages/s through both cores, ${drops} drops`);

    expect(new Set(bob.texts(dm(alice)))).toEqual(new Set(Array.from({ length: COUNT }, (_, i) => `a message ${i}`)));
    expect(new Set(alice.texts(dm(bob)))).toEqual(new Set(Array.from({ length: COUNT }, (_, i) => `b message ${i}`)));
    expect(alice.duplicates + bob.duplicates).toBe(0);
    const stats = [alice, bob].map((user) => user.core.client.messenger().receiveStats);
    expect(stats.map((s) => s.failed)).toEqual([0, 0]);
    expect(drops).toBeGreaterThanOrEqual(3);
    // Each sender's messages arrive in the order sent (invariant 3).
    expect(bob.texts(dm(alice))).toEqual(Array.from({ length: COUNT }, (_, i) => `a message ${i}`));
    expect(alice.texts(dm(bob))).toEqual(Array.from({ length: COUNT }, (_, i) => `b message ${i}`));

    await alice.commitAll();
    await bob.commitAll();
    await waitFor(() => mailboxPending(relay!.dataDir, alice.username) === 0 && mailboxPending(relay!.dataDir, bob.username) === 0, 'relay mailboxes empty', 20_000);
    expect(await alice.call('messages.pending', {})).toEqual([]);
    expect(await bob.call('messages.pending', {})).toEqual([]);
  });
});
