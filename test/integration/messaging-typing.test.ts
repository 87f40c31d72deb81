// Typing notices are live-only: the sender's core sends them ephemeral, so the relay hands them to a device that is
// online now and stores them for no one. One sent while the recipient is offline never reaches it, not even after
// it reconnects; the text sent right after it does.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { TestUser, addContact, dm, mailboxPending } from './messaging-harness';
import { waitFor } from './support';

const relays: TestRelay[] = [];
const users: TestUser[] = [];
afterEach(async () => {
  await Promise.all(users.splice(0).map((user) => user.close()));
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
});

async function pair() {
  const relay = await startTestRelay();
  relays.push(relay);
  const alice = await TestUser.create(relay.url, 'alice');
  const bob = await TestUser.create(relay.url, 'bob');
  users.push(alice, bob);
  await addContact(alice, bob);
  await alice.call('messages.send', { conversationId: dm(bob), messageId: 'hello', content: { kind: 'text', body: 'hi' } });
  await waitFor(() => bob.texts(dm(alice)).length === 1, 'bob receives the first message');
  return { relay, alice, bob };
}

async function typingThenText(from: TestUser, to: TestUser): Promise<void> {
  await from.call('messages.send', { conversationId: dm(to), messageId: 'typing-1', content: { kind: 'typing', typing: true } });
  await from.call('messages.send', { conversationId: dm(to), messageId: 'after', content: { kind: 'text', body: 'after typing' } });
}

describe('typing notices', () => {
  it('are shown to a recipient that is online', async () => {
    const { alice, bob } = await pair();
    await typingThenText(bob, alice);
    await waitFor(() => alice.texts(dm(bob)).includes('after typing'), 'the text after the typing notice');
    expect(alice.received.some((message) => message.content.kind === 'typing')).toBe(true);
  });

  it('are never stored for a recipient that is offline, while the text after them is', async () => {
    const { relay, alice, bob } = await pair();
    await alice.close();
    await typingThenText(bob, alice);
    // Only the text waits in alice's mailbox.
    expect(mailboxPending(relay.dataDir, alice.username)).toBe(1);
    await alice.open();
    await alice.waitOnline();
    await waitFor(() => alice.texts(dm(bob)).includes('after typing'), 'the text after the typing notice');
    await alice.commitAll();
    expect(alice.received.some((message) => message.content.kind === 'typing')).toBe(false);
    expect(await alice.call('messages.pending', {})).toEqual([]);
    await waitFor(() => mailboxPending(relay.dataDir, alice.username) === 0, 'the text acked after commit');
  });
});
