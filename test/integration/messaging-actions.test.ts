// Message actions through a real relay, between real cores: a reply with its quote, a reaction and its removal, an
// edit, a delete and a disappearing-message timer arrive as their own content kinds; what a sender may not do — an
// edit back-dated into the window, a timer set in a group by someone who is not an admin — is acked and dropped by
// the receiving core, never handed to the renderer.
import { ulid } from 'ulid';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessagingContext } from '../../src/main/core/messaging/context';
import { relayMessageId } from '../../src/main/core/messaging/relayIds';
import { encodeEnvelope } from '../../src/main/core/messaging/wire';
import { PairwiseChannel } from '../../src/main/core/sessions/PairwiseChannel';
import { EDIT_WINDOW_MS } from '../../src/shared/conversations/messageRules';
import type { OutgoingContent, ReceivedMessage } from '../../src/shared/ipc';
import { addressKey } from '../../src/shared/protocol';
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

const contentOf = (user: TestUser, conversationId: string): ReceivedMessage['content'][] => user.conversation(conversationId).map((message) => message.content);

describe('message actions end to end', () => {
  it('carries replies, reactions, edits, deletes and timers, and refuses a back-dated edit', { timeout: 60_000 }, async () => {
    const alice = await TestUser.create(relay.url, 'alice');
    const bob = await TestUser.create(relay.url, 'bob');
    users.push(alice, bob);
    await addContact(alice, bob);

    const send = (content: OutgoingContent, messageId = ulid()) => alice.call('messages.send', { conversationId: dm(bob), messageId, content });
    await send({ kind: 'text', body: 'lunch at noon?' }, 'a1');
    await waitFor(() => bob.texts(dm(alice)).length === 1, 'bob has the question');
    await addContact(bob, alice);
    await bob.call('messages.send', {
      conversationId: dm(alice),
      messageId: 'b1',
      content: { kind: 'text', body: 'yes!', quote: { messageId: 'a1', author: alice.username, text: 'lunch at noon?' } },
    });
    await send({ kind: 'reaction', targetMessageId: 'b1', targetAuthor: bob.username, emoji: '👍', remove: false });
    await send({ kind: 'reaction', targetMessageId: 'b1', targetAuthor: bob.username, emoji: '👍', remove: true });
    await send({ kind: 'edit', targetMessageId: 'a1', body: 'lunch at one?' });
    await send({ kind: 'delete', targetMessageId: 'a1' });
    await send({ kind: 'expiry_timer', seconds: 30 });
    await send({ kind: 'text', body: 'this one disappears', expireTimerSeconds: 30 });

    await waitFor(() => bob.conversation(dm(alice)).length === 7, 'bob has all of alice’s');
    expect(contentOf(bob, dm(alice))).toEqual([
      { kind: 'text', body: 'lunch at noon?' },
      { kind: 'reaction', targetMessageId: 'b1', targetAuthor: bob.username, emoji: '👍', remove: false },
      { kind: 'reaction', targetMessageId: 'b1', targetAuthor: bob.username, emoji: '👍', remove: true },
      { kind: 'edit', targetMessageId: 'a1', body: 'lunch at one?' },
      { kind: 'delete', targetMessageId: 'a1' },
      { kind: 'expiry_timer', seconds: 30 },
      { kind: 'text', body: 'this one disappears', expireTimerSeconds: 30 },
    ]);
    await waitFor(() => alice.conversation(dm(bob)).length === 1, 'alice has the reply');
    expect(contentOf(alice, dm(bob))).toEqual([{ kind: 'text', body: 'yes!', quote: { messageId: 'a1', author: alice.username, text: 'lunch at noon?' } }]);

    // A sender's own core would never write this: an edit claiming to be a day and a half old, sent now, to slip an
    // old message back into the edit window. Bob's core drops it (and acks it); what follows arrives as usual.
    const ctx = (alice.core.client.messenger() as unknown as { ctx: MessagingContext }).ctx;
    const backDated = ulid();
    const plaintext = encodeEnvelope({
      type: 'message',
      conversation: { kind: 'dm' },
      messageId: backDated,
      sentAt: Date.now() - 1.5 * EDIT_WINDOW_MS,
      content: { kind: 'edit', targetMessageId: 'a0', body: 'rewritten history' },
    });
    await new PairwiseChannel(ctx).sendToUser(bob.username, plaintext, (device) => relayMessageId('dm', backDated, addressKey(device)));
    await send({ kind: 'text', body: 'after the forgery' });
    await waitFor(() => bob.conversation(dm(alice)).length === 8, 'the next message arrives');
    expect(contentOf(bob, dm(alice)).at(-1)).toEqual({ kind: 'text', body: 'after the forgery' });
    expect(bob.received.some((message) => message.messageId === backDated)).toBe(false);
    await bob.commitAll();
    await waitFor(() => mailboxPending(relay.dataDir, bob.username) === 0, 'everything acked, the forgery too');
  });

  it('takes a group’s timer only from an admin', { timeout: 60_000 }, async () => {
    const alice = await TestUser.create(relay.url, 'alice');
    const bob = await TestUser.create(relay.url, 'bob');
    users.push(alice, bob);
    await addContact(alice, bob);
    const group = await alice.callRetrying('groups.create', { name: 'Timers', members: [bob.username] });
    expect(group.admins).toEqual([alice.username]);
    const conversationId = `group:${group.groupId}`;
    await waitFor(() => bob.groupEvents.some((event) => event.group.groupId === group.groupId), 'bob learns of the group');

    // bob is a member but not an admin: alice's core refuses his timer; his text still arrives.
    await bob.call('messages.send', { conversationId, messageId: 'bt', content: { kind: 'expiry_timer', seconds: 300 } });
    await bob.call('messages.send', { conversationId, messageId: 'bx', content: { kind: 'text', body: 'hi all' } });
    await waitFor(() => alice.texts(conversationId).includes('hi all'), 'alice has bob’s text');
    expect(alice.conversation(conversationId).some((message) => message.content.kind === 'expiry_timer')).toBe(false);

    // alice is the admin: bob takes hers.
    await alice.call('messages.send', { conversationId, messageId: 'at', content: { kind: 'expiry_timer', seconds: 3600 } });
    await waitFor(() => bob.conversation(conversationId).some((message) => message.content.kind === 'expiry_timer'), 'bob has alice’s timer');
    expect(bob.conversation(conversationId).find((message) => message.messageId === 'at')?.content).toEqual({ kind: 'expiry_timer', seconds: 3600 });
  });
});
