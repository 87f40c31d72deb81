// Blocking through a real relay, between real cores: once alice blocks bob, his messages, typing and group texts are
// decrypted, acked and dropped by her core (never handed to the renderer, so no receipt goes back), her one-to-one
// sends to him are refused before anything is encrypted, and a group change he makes (leaving) still applies; after unblocking,
// his messages arrive again.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { TestUser, addContact, dm, mailboxPending } from './messaging-harness';
import { waitFor } from './support';

let relay: TestRelay;
const users: TestUser[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
});
afterEach(async () => {
  await Promise.all(users.splice(0).map((user) => user.close().catch(() => undefined)));
});
afterAll(async () => {
  await relay?.close();
});

describe('blocking a user', () => {
  it('drops their messages unread, sends them nothing one to one, and lets them through again when unblocked', { timeout: 90_000 }, async () => {
    const alice = await TestUser.create(relay.url, 'alice');
    const bob = await TestUser.create(relay.url, 'bob');
    users.push(alice, bob);
    await addContact(alice, bob);
    await addContact(bob, alice);
    const group = await alice.callRetrying('groups.create', { name: 'Neighbours', members: [bob.username] });
    const groupChat = `group:${group.groupId}`;
    await waitFor(() => bob.groupEvents.some((event) => event.group.groupId === group.groupId), 'bob learns of the group');

    const blocked = await alice.call('contacts.setBlocked', { username: bob.username, blocked: true });
    expect(blocked).toMatchObject({ username: bob.username, blocked: true });
    expect((await alice.call('contacts.list', {})).find((contact) => contact.username === bob.username)?.blocked).toBe(true);

    await bob.call('messages.send', { conversationId: dm(alice), messageId: 'b1', content: { kind: 'text', body: 'are you there?' } });
    await bob.call('messages.send', { conversationId: dm(alice), messageId: 'b2', content: { kind: 'typing', typing: true } });
    await bob.call('messages.send', { conversationId: groupChat, messageId: 'b3', content: { kind: 'text', body: 'hello neighbours' } });
    await bob.call('groups.leave', { groupId: group.groupId });
    // His leaving still applies (the group stays shared); it arrives after his other messages, which were dropped.
    await waitFor(() => alice.groupEvents.some((event) => event.update?.kind === 'member_left'), 'alice learns bob left');
    await alice.commitAll();
    await waitFor(() => mailboxPending(relay.dataDir, alice.username) === 0, 'everything acked, the dropped ones too');
    expect(alice.received.some((message) => ['b1', 'b2', 'b3'].includes(message.messageId))).toBe(false);

    // Nothing goes to him one to one.
    await expect(alice.call('messages.send', { conversationId: dm(bob), messageId: 'a1', content: { kind: 'text', body: 'hi' } })).rejects.toMatchObject({ body: { code: 'blocked' } });
    await expect(alice.call('messages.send', { conversationId: dm(bob), messageId: 'a2', content: { kind: 'receipt', receipt: 'read', messageIds: ['b1'] } })).rejects.toMatchObject({ body: { code: 'blocked' } });

    await alice.call('contacts.setBlocked', { username: bob.username, blocked: false });
    await bob.call('messages.send', { conversationId: dm(alice), messageId: 'b4', content: { kind: 'text', body: 'hello again' } });
    await waitFor(() => alice.texts(dm(bob)).includes('hello again'), 'alice has bob’s message once he is unblocked');
    expect(alice.texts(dm(bob))).toEqual(['hello again']);
    await alice.call('messages.send', { conversationId: dm(bob), messageId: 'a3', content: { kind: 'text', body: 'hi bob' } });
    await waitFor(() => bob.texts(dm(alice)).includes('hi bob'), 'bob has alice’s message');
  });
});
