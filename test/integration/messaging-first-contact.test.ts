// Alice and Bob from first contact, through a real relay, each driven through the IPC dispatcher as the renderer
// drives it: contacts.add, equal safety numbers on both sides, messages both ways, receipts as content.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { TestUser, addContact, dm, sendFrames, tappedUser, type TappedUser } from './messaging-harness';
import { waitFor } from './support';

let relay: TestRelay;
const users: TestUser[] = [];
const tapped: TappedUser[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
});
afterEach(async () => {
  await Promise.all([...users.splice(0), ...tapped.map((t) => t.user)].map((user) => user.close()));
  await Promise.all(tapped.splice(0).map((t) => t.proxy.close()));
});
afterAll(async () => {
  await relay?.close();
});

async function user(prefix: string): Promise<TestUser> {
  const created = await TestUser.create(relay.url, prefix);
  users.push(created);
  return created;
}

describe('first contact', () => {
  it('adds a contact, agrees on the safety number, and talks both ways with receipts', async () => {
    const alice = await user('alice');
    const bob = await user('bob');

    const bobAsContact = await addContact(alice, bob);
    expect(bobAsContact).toMatchObject({ username: bob.username, verified: false, identityChanged: false });
    expect(await alice.call('contacts.list', {})).toEqual([bobAsContact]);

    const sent = await alice.call('messages.send', { conversationId: dm(bob), messageId: 'm-alice-1', content: { kind: 'text', body: 'Hi Bob!' } });
    expect(sent.messageId).toBe('m-alice-1');
    await waitFor(() => bob.texts(dm(alice)).length === 1, 'Bob receives');
    const [first] = bob.conversation(dm(alice));
    expect(first).toMatchObject({ messageId: 'm-alice-1', sender: { user: alice.username, device: 1 }, content: { kind: 'text', body: 'Hi Bob!' } });

    // Alice became Bob's contact by writing to him; both compute the same 60 digits.
    await waitFor(() => bob.contactEvents.some((c) => c.username === alice.username), 'Bob sees Alice as a contact');
    const aliceNumber = await alice.call('contacts.safetyNumber', { username: bob.username });
    const bobNumber = await bob.call('contacts.safetyNumber', { username: alice.username });
    expect(aliceNumber.safetyNumber).toMatch(/^\d{60}$/);
    expect(bobNumber.safetyNumber).toBe(aliceNumber.safetyNumber);

    await bob.call('messages.send', { conversationId: dm(alice), messageId: 'r-1', content: { kind: 'receipt', receipt: 'delivered', messageIds: ['m-alice-1'] } });
    await bob.call('messages.send', { conversationId: dm(alice), messageId: 'm-bob-1', content: { kind: 'text', body: 'Hello Alice', quote: { messageId: 'm-alice-1', author: alice.username, text: 'Hi Bob!' } } });
    await alice.call('messages.send', { conversationId: dm(bob), messageId: 'm-alice-2', content: { kind: 'text', body: 'How are you?' } });
    await waitFor(() => alice.conversation(dm(bob)).length === 2, 'Alice receives the receipt and the reply');
    expect(alice.conversation(dm(bob)).map((m) => m.content)).toEqual([
      { kind: 'receipt', receipt: 'delivered', messageIds: ['m-alice-1'] },
      { kind: 'text', body: 'Hello Alice', quote: { messageId: 'm-alice-1', author: alice.username, text: 'Hi Bob!' } },
    ]);
    await waitFor(() => bob.texts(dm(alice)).length === 2, 'Bob receives the second');
    expect(bob.texts(dm(alice))).toEqual(['Hi Bob!', 'How are you?']);

    await bob.call('messages.send', { conversationId: dm(alice), messageId: 't-1', content: { kind: 'typing', typing: true } });
    await waitFor(() => alice.received.some((m) => m.content.kind === 'typing'), 'typing notice');
    await alice.commitAll();
    await bob.commitAll();
    expect(await alice.call('messages.pending', {})).toEqual([]);
    expect(await bob.call('messages.pending', {})).toEqual([]);
    expect(alice.duplicates + bob.duplicates).toBe(0);
  });

  it('answers with typed errors a UI can show', async () => {
    const alice = await user('alice');
    expect((await alice.failure('contacts.add', { username: alice.username })).code).toBe('cannot_add_self');
    expect(await alice.failure('contacts.add', { username: 'nobody-here-xyz' })).toMatchObject({ code: 'unknown_user', retryable: false });
    expect((await alice.failure('messages.send', { conversationId: 'dm:stranger', messageId: 'x1', content: { kind: 'text', body: 'hi' } })).code).toBe(
      'not_a_contact',
    );
    expect((await alice.failure('contacts.safetyNumber', { username: 'stranger' })).code).toBe('not_a_contact');
    expect((await alice.failure('messages.send', { conversationId: 'group:AAAAAAAAAAAAAAAAAAAAAA', messageId: 'x2', content: { kind: 'text', body: 'hi' } })).code).toBe(
      'unknown_group',
    );
    expect((await alice.failure('groups.rename', { groupId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'x' })).code).toBe('unknown_group');
    expect((await alice.failure('groups.create', { name: 'g', members: ['nobody-here-xyz'] })).code).toBe('unknown_user');
    expect(await alice.call('messages.commit', { inboxIds: ['not-a-real-entry'] })).toEqual({});
    // Malformed and oversized requests never reach a handler.
    for (const request of [
      { conversationId: 'dm:Not_Lower', messageId: 'x3', content: { kind: 'text', body: 'hi' } },
      { conversationId: 'chat:bob', messageId: 'x3', content: { kind: 'text', body: 'hi' } },
      { conversationId: 'dm:bob', messageId: 'x 3', content: { kind: 'text', body: 'hi' } },
      { conversationId: 'dm:bob', messageId: 'x3', content: { kind: 'text', body: '   ' } },
      { conversationId: 'dm:bob', messageId: 'x3', content: { kind: 'text', body: 'x'.repeat(16_001) } },
      { conversationId: 'dm:bob', messageId: 'x3', content: { kind: 'receipt', receipt: 'read', messageIds: [] } },
    ]) {
      expect((await alice.failure('messages.send', request as never)).code).toBe('invalid_request');
    }
    expect((await alice.failure('groups.create', { name: 'g', members: Array.from({ length: 1000 }, (_, i) => `member${i}`) })).code).toBe('invalid_request');
  });

  it('a message sent twice with the same id (an outbox retry) arrives once; a long one arrives whole', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    await addContact(alice, bob);
    const request = { conversationId: dm(bob), messageId: 'same-id', content: { kind: 'text' as const, body: 'only once' } };
    await alice.call('messages.send', request);
    await alice.call('messages.send', request);
    const long = '\u{1F600}\u0001"'.repeat(5_000);
    await alice.call('messages.send', { conversationId: dm(bob), messageId: 'long', content: { kind: 'text', body: long } });
    await waitFor(() => bob.texts(dm(alice)).length === 2, 'both');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bob.texts(dm(alice))).toEqual(['only once', long]);
    expect(bob.received.filter((m) => m.messageId === 'same-id')).toHaveLength(1);
  });

  it('reaches every device of a user: one pairwise copy per device, one group send for all', { timeout: 30_000 }, async () => {
    const alice = await tappedUser(relay.port, 'alice');
    const bob = await user('bob');
    tapped.push(alice);
    // A second device of Bob's, linked by his first one.
    const bobPhone = await TestUser.linked(relay, bob, 'Phone');
    users.push(bobPhone);

    await alice.user.callRetrying('contacts.add', { username: bob.username });
    await alice.user.call('messages.send', { conversationId: dm(bob), messageId: 'to-both', content: { kind: 'text', body: 'to every device' } });
    await waitFor(() => bob.texts(dm(alice.user)).length === 1 && bobPhone.texts(dm(alice.user)).length === 1, 'both devices');
    const copies = sendFrames(alice.sent).filter((f) => f.to[0]?.user === bob.username);
    expect(copies.map((f) => f.to.map((a) => a.device))).toEqual([[1], [2]]);
    expect(new Set(copies.map((f) => f.messageId)).size).toBe(2);
    expect(bobPhone.conversation(dm(alice.user))[0]).toMatchObject({ messageId: 'to-both', sender: { user: alice.user.username, device: 1 } });

    await bobPhone.call('messages.send', { conversationId: dm(alice.user), messageId: 'from-phone', content: { kind: 'text', body: 'sent from my phone' } });
    await waitFor(() => alice.user.texts(dm(bob)).length === 1, 'reply from device 2');
    expect(alice.user.conversation(dm(bob))[0]!.sender).toEqual({ user: bob.username, device: 2 });

    const group = await alice.user.call('groups.create', { name: 'Both devices', members: [bob.username] });
    await alice.user.call('messages.send', { conversationId: `group:${group.groupId}`, messageId: 'g1', content: { kind: 'text', body: 'group hello' } });
    await waitFor(() => [bob, bobPhone].every((b) => b.texts(`group:${group.groupId}`).length === 1), 'group on both devices');
    const groupSend = sendFrames(alice.sent).find((f) => f.to.length === 2);
    expect(groupSend?.to).toEqual([
      { user: bob.username, device: 1 },
      { user: bob.username, device: 2 },
    ]);
  });
});
