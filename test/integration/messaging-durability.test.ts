// Durability of the core's messaging state through a real relay: a restart of either device mid-conversation, a
// crash between decrypt and commit (the message comes back once from messages.pending, never again as an event,
// and the relay's mailbox ends empty), and a failed decryption that changes no state and lets the conversation go on.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/main/core/transport';
import type { MessagingContext } from '../../src/main/core/messaging/context';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { TestUser, addContact, deliverFrame, dm, mailboxPending, sendFrames, sendTexts, tappedUser, type TappedUser } from './messaging-harness';
import { waitFor } from './support';

let relay: TestRelay;
const users: TestUser[] = [];
const tapped: TappedUser[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
});
afterEach(async () => {
  await Promise.all([...users.splice(0), ...tapped.map((t) => t.user)].map((user) => user.close().catch(() => undefined)));
  await Promise.all(tapped.splice(0).map((t) => t.proxy.close()));
});
afterAll(async () => {
  await relay?.close();
});

async function pair(options: { bobCommits?: boolean } = {}) {
  const alice = await TestUser.create(relay.url, 'alice');
  const bob = await TestUser.create(relay.url, 'bob', { autoCommit: options.bobCommits ?? true });
  users.push(alice, bob);
  await addContact(alice, bob);
  await addContact(bob, alice);
  return { alice, bob };
}

/** Test-only view into a core's messaging state. */
function contextOf(user: TestUser): MessagingContext {
  return (user.core.client.messenger() as unknown as { ctx: MessagingContext }).ctx;
}

describe('durability', () => {
  it('survives a restart of either device mid-conversation', { timeout: 60_000 }, async () => {
    const { alice, bob } = await pair();
    await sendTexts(alice, dm(bob), 5, 'a1');
    await sendTexts(bob, dm(alice), 5, 'b1');
    await waitFor(() => bob.texts(dm(alice)).length === 5 && alice.texts(dm(bob)).length === 5, 'first round');

    // Bob is gone while Alice keeps writing; he comes back on the same data folder.
    await bob.close();
    await sendTexts(alice, dm(bob), 5, 'a2');
    await bob.restart();
    await sendTexts(bob, dm(alice), 5, 'b2');
    await waitFor(() => bob.texts(dm(alice)).length === 10 && alice.texts(dm(bob)).length === 10, 'after Bob restarts');

    // Now Alice restarts, with messages in flight both ways.
    const inFlight = sendTexts(bob, dm(alice), 5, 'b3');
    await alice.restart();
    await inFlight;
    await sendTexts(alice, dm(bob), 5, 'a3');
    await waitFor(() => bob.texts(dm(alice)).length === 15 && alice.texts(dm(bob)).length === 15, 'after Alice restarts');
    expect(bob.texts(dm(alice))).toEqual([1, 2, 3].flatMap((round) => Array.from({ length: 5 }, (_, i) => `a${round} message ${i}`)));
    expect(new Set(alice.texts(dm(bob)))).toEqual(new Set([1, 2, 3].flatMap((round) => Array.from({ length: 5 }, (_, i) => `b${round} message ${i}`))));
    expect(alice.duplicates + bob.duplicates).toBe(0);
    expect(await alice.call('contacts.list', {})).toHaveLength(1);
  });

  it('a crash between decrypt and commit: pending has each message once, commit acks, the mailbox ends empty', { timeout: 60_000 }, async () => {
    const alice = await tappedUser(relay.port, 'alice');
    const bob = await tappedUser(relay.port, 'bob', { autoCommit: false });
    tapped.push(alice, bob);
    await addContact(alice.user, bob.user);
    await sendTexts(alice.user, dm(bob.user), 10, 'x');
    await waitFor(() => bob.user.texts(dm(alice.user)).length === 10, 'Bob decrypted them');
    expect(mailboxPending(relay.dataDir, bob.user.username)).toBe(10);

    // Bob's app dies before its renderer committed anything.
    await bob.user.close();
    bob.user.received.length = 0;
    await bob.user.open();
    const pending = await bob.user.call('messages.pending', {});
    expect(pending.map((m) => (m.content.kind === 'text' ? m.content.body : ''))).toEqual(Array.from({ length: 10 }, (_, i) => `x message ${i}`));
    expect(new Set(pending.map((m) => m.inboxId)).size).toBe(10);
    await bob.user.waitOnline();
    // The relay redelivers all ten on reconnect: recognised as already decrypted, never shown again.
    await waitFor(() => bob.user.core.client.messenger().receiveStats.redelivered >= 10, 'redeliveries recognised');
    expect(bob.user.received).toEqual([]);

    await bob.user.call('messages.commit', { inboxIds: pending.map((m) => m.inboxId) });
    await waitFor(() => mailboxPending(relay.dataDir, bob.user.username) === 0, 'mailbox empty after commit');
    expect(await bob.user.call('messages.pending', {})).toEqual([]);
    expect(bob.user.core.client.messenger().receiveStats.failed).toBe(0);
  });

  it('a redelivery after a lost ack is acked silently, not decrypted again', { timeout: 60_000 }, async () => {
    const alice = await tappedUser(relay.port, 'alice');
    const bob = await tappedUser(relay.port, 'bob');
    tapped.push(alice, bob);
    await addContact(alice.user, bob.user);
    bob.proxy.swallow((frame) => frame.type === 'ack');
    await sendTexts(alice.user, dm(bob.user), 3, 'y');
    await waitFor(() => bob.user.texts(dm(alice.user)).length === 3, 'Bob has them');
    await bob.user.commitAll();
    expect(await bob.user.call('messages.pending', {})).toEqual([]);
    expect(mailboxPending(relay.dataDir, bob.user.username)).toBe(3);
    // The connection drops with the acks lost; the relay delivers the three again.
    bob.proxy.swallow(null);
    bob.proxy.dropAll();
    await waitFor(() => mailboxPending(relay.dataDir, bob.user.username) === 0, 'acked after redelivery');
    const stats = bob.user.core.client.messenger().receiveStats;
    expect(stats).toMatchObject({ received: 3, failed: 0, redelivered: 3 });
    expect(bob.user.received).toHaveLength(3);
    await sendTexts(alice.user, dm(bob.user), 1, 'z');
    await waitFor(() => bob.user.texts(dm(alice.user)).length === 4, 'conversation continues');
  });

  it('a failed decryption changes no state, is acked, and the conversation goes on', { timeout: 60_000 }, async () => {
    const failures: string[] = [];
    const logger = { ...silentLogger, warn: (event: string, fields?: Record<string, unknown>) => void (event === 'receive.decrypt_failed' && failures.push(String(fields?.code))) };
    const alice = await tappedUser(relay.port, 'alice');
    const bob = await tappedUser(relay.port, 'bob', { logger });
    tapped.push(alice, bob);
    await addContact(alice.user, bob.user);
    await sendTexts(alice.user, dm(bob.user), 3, 'ok');
    await waitFor(() => bob.user.texts(dm(alice.user)).length === 3, 'first messages');
    await sendTexts(bob.user, dm(alice.user), 1, 'reply');
    await waitFor(() => alice.user.texts(dm(bob.user)).length === 1, 'reply');

    const aliceAddress = { user: alice.user.username, device: 1 };
    const sessionName = `session:${alice.user.username}.1`;
    const bobCtx = contextOf(bob.user);
    await bobCtx.vault.close();
    const before = await bobCtx.vault.get('records', sessionName);

    // Alice's next message is held in the network; a copy with one bit flipped reaches Bob first.
    bob.proxy.hold();
    const sentCount = sendFrames(alice.sent).length;
    await sendTexts(alice.user, dm(bob.user), 1, 'held');
    const frame = sendFrames(alice.sent)[sentCount]!;
    const bytes = new Uint8Array(frame.payload);
    bytes[bytes.length - 5]! ^= 0x01;
    bob.proxy.inject(deliverFrame(aliceAddress, 'tampered0000000000000001', bytes));
    // A replay of an old message under a new relay id, and bytes that are no message at all.
    const old = sendFrames(alice.sent).find((f) => f.to[0]!.user === bob.user.username)!;
    bob.proxy.inject(deliverFrame(aliceAddress, 'replayed0000000000000001', old.payload));
    bob.proxy.inject(deliverFrame(aliceAddress, 'garbage00000000000000001', new TextEncoder().encode('not a message')));
    await waitFor(() => failures.length === 3, 'three failures');
    expect(failures.sort()).toEqual(['replayed', 'tampered', 'unsupported_payload']);
    await bobCtx.vault.close();
    expect(await bobCtx.vault.get('records', sessionName)).toEqual(before);
    expect(bob.user.texts(dm(alice.user))).toHaveLength(3);

    // The real message still decrypts, and the conversation continues both ways.
    bob.proxy.release();
    await waitFor(() => bob.user.texts(dm(alice.user)).length === 4, 'held message decrypts');
    await sendTexts(bob.user, dm(alice.user), 2, 'later');
    await sendTexts(alice.user, dm(bob.user), 2, 'later');
    await waitFor(() => bob.user.texts(dm(alice.user)).length === 6 && alice.user.texts(dm(bob.user)).length === 3, 'continues');
    await bob.user.commitAll();
    await waitFor(() => mailboxPending(relay.dataDir, bob.user.username) === 0, 'failures were acked');
  });
});
