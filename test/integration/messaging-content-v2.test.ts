// End-to-end content v2 through a real relay, from a sender that is "newer" than the receiver: Alice's real core
// encrypts content this version's encoder would never write (fields and a content kind it does not know, content
// marked silent, and broken content) over her real session with Bob. Bob's core must keep and show what it cannot
// read, ack each delivery only after his renderer stored it, drop only what the sender marked silent, and count
// and report what is truly broken.
import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { fromBase64 } from '../../src/shared/encoding/base64';
import type { MessagingContext } from '../../src/main/core/messaging/context';
import { relayMessageId } from '../../src/main/core/messaging/relayIds';
import { ContentSchema, DataMessageSchema } from '../../src/main/core/messaging/wire/gen/content_pb';
import { frameContent } from '../../src/main/core/messaging/wire/frame';
import { PairwiseChannel } from '../../src/main/core/sessions/PairwiseChannel';
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

/** A field this version does not define, as a newer sender would add it (any message may carry some). */
function unknownField(no: number, text: string) {
  return { no, wireType: WireType.LengthDelimited, data: new BinaryWriter().string(text).finish().subarray(0) };
}

/** Content as a newer Parley writes it: a 1:1 message with a field of its own at the top level. */
function newerContent(body: MessageInitShape<typeof ContentSchema>['body']): Uint8Array {
  const content = create(ContentSchema, { messageId: ulid(), sentAt: BigInt(Date.now()), conversation: { kind: { case: 'direct', value: {} } }, body });
  content.$unknown = [...(content.$unknown ?? []), unknownField(4001, 'a field from the future')];
  return toBinary(ContentSchema, content);
}

/** Sends framed (or raw) plaintext from `from` to `to` over `from`'s real pairwise session. */
async function sendRaw(from: TestUser, to: TestUser, plaintext: Uint8Array): Promise<string> {
  const ctx = (from.core.client.messenger() as unknown as { ctx: MessagingContext }).ctx;
  const messageId = ulid();
  await new PairwiseChannel(ctx).sendToUser(to.username, plaintext, (device) => relayMessageId('dm', messageId, addressKey(device)));
  return messageId;
}

/** What Bob's renderer does once it has stored what arrived. */
async function commitEverything(user: TestUser): Promise<void> {
  await user.call('messages.commit', { inboxIds: (await user.call('messages.pending', {})).map((m) => m.inboxId) });
}

const statsOf = (user: TestUser) => user.core.client.messenger().receiveStats;

describe('end-to-end content v2 from a newer sender', () => {
  it('keeps an unknown content kind, shows it as needing a newer version, and acks it only once stored', { timeout: 60_000 }, async () => {
    const alice = await TestUser.create(relay.url, 'alice');
    const bob = await TestUser.create(relay.url, 'bob', { autoCommit: false });
    users.push(alice, bob);
    await addContact(alice, bob);

    // A text with unknown fields (top level and inside the text): the fields are skipped, the text shows.
    const data = create(DataMessageSchema, { body: 'hello from the future' });
    data.$unknown = [unknownField(77, 'a text style from the future')];
    await sendRaw(alice, bob, frameContent(newerContent({ case: 'data', value: data })));

    // A content kind this version has no case for (body field 33): kept, shown as needing a newer version.
    const futureId = ulid();
    const future = create(ContentSchema, { messageId: futureId, sentAt: BigInt(Date.now()), conversation: { kind: { case: 'direct', value: {} } } });
    future.$unknown = [unknownField(33, 'a poll, say')];
    const futureKind = toBinary(ContentSchema, future);
    await sendRaw(alice, bob, frameContent(futureKind));

    await waitFor(() => bob.conversation(dm(alice)).length === 2, 'both messages at Bob');
    const [text, kept] = bob.conversation(dm(alice));
    expect(text!.content).toEqual({ kind: 'text', body: 'hello from the future' });
    expect(kept!.messageId).toBe(futureId);
    expect(kept!.content).toMatchObject({ kind: 'unsupported', version: 2 });
    // The content is kept byte for byte, so a later version can render it.
    expect(fromBase64((kept!.content as { wire: string }).wire)).toEqual(futureKind);

    // Neither is acked before Bob's renderer stored (committed) it; both are once it has.
    expect(mailboxPending(relay.dataDir, bob.username)).toBe(2);
    expect(statsOf(bob)).toMatchObject({ unsupported: 1, malformed: 0 });
    await bob.restart(); // a crash before commit: they come back from messages.pending, still unacked
    expect((await bob.call('messages.pending', {})).map((m) => m.content.kind)).toEqual(['text', 'unsupported']);
    expect(mailboxPending(relay.dataDir, bob.username)).toBe(2);
    await commitEverything(bob);
    await waitFor(() => mailboxPending(relay.dataDir, bob.username) === 0, 'acked after commit');
  });

  it('drops only what its sender marked silent, and reports broken content instead of acking it away', { timeout: 60_000 }, async () => {
    const alice = await TestUser.create(relay.url, 'alice');
    const bob = await TestUser.create(relay.url, 'bob', { autoCommit: false });
    users.push(alice, bob);
    await addContact(alice, bob);

    // Silent control content of an unknown kind: acked at once, nothing shown.
    const silent = create(ContentSchema, { messageId: ulid(), sentAt: BigInt(Date.now()), conversation: { kind: { case: 'direct', value: {} } }, silent: true });
    silent.$unknown = [unknownField(34, 'a profile key')];
    await sendRaw(alice, bob, frameContent(toBinary(ContentSchema, silent)));
    // Broken content: not protobuf at all, and a text without an id.
    await sendRaw(alice, bob, frameContent(Uint8Array.of(0xff, 0xff, 0xff, 0xff)));
    await sendRaw(alice, bob, frameContent(toBinary(ContentSchema, create(ContentSchema, { sentAt: 1n, conversation: { kind: { case: 'direct', value: {} } }, body: { case: 'data', value: { body: 'no id' } } }))));
    // And the conversation goes on.
    await alice.call('messages.send', { conversationId: dm(bob), messageId: ulid(), content: { kind: 'text', body: 'still here' } });

    await waitFor(() => bob.conversation(dm(alice)).length === 3, 'two reports and the text at Bob');
    const kinds = bob.conversation(dm(alice)).map((m) => m.content);
    expect(kinds).toEqual([{ kind: 'unreadable', reason: 'malformed' }, { kind: 'unreadable', reason: 'malformed' }, { kind: 'text', body: 'still here' }]);
    expect(statsOf(bob)).toMatchObject({ malformed: 2, unsupported: 1 });
    // The silent one is gone from the relay; the reports wait for the renderer like any message.
    await waitFor(() => mailboxPending(relay.dataDir, bob.username) === 3, 'the silent one acked, the reports still pending');
    await commitEverything(bob);
    await waitFor(() => mailboxPending(relay.dataDir, bob.username) === 0, 'acked after commit');
  });
});
