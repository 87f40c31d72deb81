// Catch-up through the core: what waited on the relay reaches the renderer as one messages.received event per
// receive batch (not one per message), each event's messages in the order they were sent, none twice.
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_RECEIVED_PER_EVENT } from '../../src/shared/ipc';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { TestUser, addContact, dm, sendTexts } from './messaging-harness';
import { waitFor } from './support';

const COUNT = 300;
let relay: TestRelay | undefined;
const users: TestUser[] = [];

afterAll(async () => {
  await Promise.all(users.map((user) => user.close().catch(() => undefined)));
  await relay?.close();
});

describe('catch-up events', () => {
  it('hands a waiting backlog over a batch per event, in order', { timeout: 90_000 }, async () => {
    relay = await startTestRelay({ rateLimitPerSecond: 100_000, rateLimitBurst: 100_000 });
    const alice = await TestUser.create(relay.url, 'alice');
    const bob = await TestUser.create(relay.url, 'bob');
    users.push(alice, bob);
    await addContact(alice, bob);
    await addContact(bob, alice);
    await sendTexts(alice, dm(bob), 1, 'first');
    await waitFor(() => bob.texts(dm(alice)).length === 1, 'the first message');

    await bob.close();
    await sendTexts(alice, dm(bob), COUNT, 'waiting');
    const before = bob.receivedEvents.length;
    await bob.restart();
    await waitFor(() => bob.texts(dm(alice)).length === COUNT + 1, `${COUNT} waiting messages`, 60_000);

    const events = bob.receivedEvents.slice(before);
    const expected = Array.from({ length: COUNT }, (_, i) => `waiting message ${i}`);
    expect(events.flat().flatMap((message) => (message.content.kind === 'text' ? [message.content.body] : []))).toEqual(expected);
    expect(events.every((event) => event.length >= 1 && event.length <= MAX_RECEIVED_PER_EVENT)).toBe(true);
    // The relay hands the backlog over in frames of several deliveries, and the core decrypts them in batches.
    expect(events.length).toBeLessThan(COUNT / 4);
    expect(bob.duplicates).toBe(0);
  });
});
