// Typing notices are live-only: one the relay queued long ago (the recipient was offline) is acked but never shown,
// while a fresh one is. The relay's clock stands in for the passage of time: an hour behind, it dates every
// envelope an hour ago.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { TestUser, addContact, dm } from './messaging-harness';
import { waitFor } from './support';

const HOUR = 3_600_000;
const relays: TestRelay[] = [];
const users: TestUser[] = [];
afterEach(async () => {
  await Promise.all(users.splice(0).map((user) => user.close()));
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
});

async function pair(relayClockOffsetMs: number) {
  const relay = await startTestRelay({}, { now: () => Date.now() + relayClockOffsetMs });
  relays.push(relay);
  const alice = await TestUser.create(relay.url, 'alice');
  const bob = await TestUser.create(relay.url, 'bob');
  users.push(alice, bob);
  await addContact(alice, bob);
  await alice.call('messages.send', { conversationId: dm(bob), messageId: 'hello', content: { kind: 'text', body: 'hi' } });
  await waitFor(() => bob.texts(dm(alice)).length === 1, 'bob receives the first message');
  return { alice, bob };
}

async function typingThenText(from: TestUser, to: TestUser): Promise<boolean> {
  await from.call('messages.send', { conversationId: dm(to), messageId: 'typing-1', content: { kind: 'typing', typing: true } });
  await from.call('messages.send', { conversationId: dm(to), messageId: 'after', content: { kind: 'text', body: 'after typing' } });
  await waitFor(() => to.texts(dm(from)).includes('after typing'), 'the text after the typing notice');
  await to.commitAll();
  return to.received.some((message) => message.content.kind === 'typing');
}

describe('typing notices', () => {
  it('are shown when fresh', async () => {
    const { alice, bob } = await pair(0);
    expect(await typingThenText(bob, alice)).toBe(true);
  });

  it('are acked but not shown when the relay queued them long ago', async () => {
    const { alice, bob } = await pair(-HOUR);
    expect(await typingThenText(bob, alice)).toBe(false);
    expect(await alice.call('messages.pending', {})).toEqual([]);
  });
});
