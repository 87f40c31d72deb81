// 1,000 messages each way between two cores through a real relay, with the relay's deliveries shuffled within a
// window on the way to each core and the connections cut again and again: every message arrives, decrypts exactly
// once, nothing fails to decrypt, and at the end both inboxes and both relay mailboxes are empty.
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
  it('arrive exactly once through reordering and dropped connections', { timeout: 120_000 }, async () => {
    relay = await startTestRelay({ rateLimitPerSecond: 100_000, rateLimitBurst: 100_000 });
    const aliceProxy = await startWsTapProxy({ port: relay.port });
    const bobProxy = await startWsTapProxy({ port: relay.port });
    proxies.push(aliceProxy, bobProxy);
    const alice = await TestUser.create(aliceProxy.url, 'alice');
    const bob = await TestUser.create(bobProxy.url, 'bob');
    users.push(alice, bob);
    await addContact(alice, bob);
    await addContact(bob, alice);

    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    aliceProxy.reorder(8, random);
    bobProxy.reorder(8, random);

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
    // The shuffling really happened: some messages arrived after ones sent later.
    const outOfOrder = (texts: string[]) => texts.map((t) => Number(t.split(' ').pop())).filter((n, i, all) => i > 0 && n < all[i - 1]!).length;
    const inversions = outOfOrder(bob.texts(dm(alice))) + outOfOrder(alice.texts(dm(bob)));
    console.info(`arrivals out of order: ${inversions}`);
    expect(inversions).toBeGreaterThan(0);

    aliceProxy.inOrder();
    bobProxy.inOrder();
    await alice.commitAll();
    await bob.commitAll();
    await waitFor(() => mailboxPending(relay!.dataDir, alice.username) === 0 && mailboxPending(relay!.dataDir, bob.username) === 0, 'relay mailboxes empty', 20_000);
    expect(await alice.call('messages.pending', {})).toEqual([]);
    expect(await bob.call('messages.pending', {})).toEqual([]);
  });
});
