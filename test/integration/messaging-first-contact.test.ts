// Alice and Bob from first contact, through a real relay, each driven through the IPC dispatcher as the renderer
// drives it: contacts.add, equal safety numbers on both sides, messages both ways, receipts as content.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { TestUser, addContact, dm } from './messaging-harness';
import { waitFor } from './support';

let relay: TestRelay;
const users: TestUser[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
});
afterEach(async () => {
  await Promise.all(users.splice(0).map((user) => user.close()));
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
    await bob.call('messages.send', { conversationId: dm(alice), messageId: 'm-bob-1', content: { kind: 'text', body: 'Hello Alice', replyTo: 'm-alice-1' } });
    await alice.call('messages.send', { conversationId: dm(bob), messageId: 'm-alice-2', content: { kind: 'text', body: 'How are you?' } });
    await waitFor(() => alice.conversation(dm(bob)).length === 2, 'Alice receives the receipt and the reply');
    expect(alice.conversation(dm(bob)).map((m) => m.content)).toEqual([
      { kind: 'receipt', receipt: 'delivered', messageIds: ['m-alice-1'] },
      { kind: 'text', body: 'Hello Alice', replyTo: 'm-alice-1' },
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
  });
});
