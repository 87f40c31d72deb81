// History on a newly linked device, through a real relay, each device driven through the IPC dispatcher as the
// renderer drives it: the primary gathers chats and messages (history.startExport/addToExport), links the new device
// with them; the relay grants the archive blob as it links and never sees its content; the new device downloads,
// verifies and decrypts it, takes its groups and serves the chats and messages in batches, with the files by pointer
// (fetched from the blobs the contact uploaded, not uploaded again). A changed archive is refused cleanly and the
// device stays linked and usable.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryConversation, HistoryMessage } from '../../src/shared/ipc';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { fetchAttachment, jpeg, stage } from './media-harness';
import { TestUser, addContact, dm } from './messaging-harness';
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

async function user(prefix: string): Promise<TestUser> {
  const created = await TestUser.create(relay.url, prefix);
  users.push(created);
  return created;
}

async function linkedWithHistory(primary: TestUser, exportId: string): Promise<TestUser> {
  const device = await TestUser.linked(relay, primary, 'Laptop', {}, exportId);
  users.push(device);
  return device;
}

const SECRET_WORDS = 'the harbour at dawn';

describe('history on a newly linked device', () => {
  it('brings chats, messages, a group and a file by pointer to the new device, in batches', { timeout: 120_000 }, async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    await addContact(bob, alice);
    await addContact(alice, bob);
    const photo = jpeg(40_000);
    const staged = await stage(bob, photo, 'harbour.jpg');
    await bob.callRetrying('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7HIS01', content: { kind: 'media', caption: 'look', attachmentIds: [staged.id] } });
    const received = await waitFor(() => alice.conversation(dm(bob)).find((m) => m.content.kind === 'media'), 'alice has bob’s photo');
    const fileId = received.content.kind === 'media' ? received.content.attachments[0]!.id : '';
    const group = await alice.call('groups.create', { name: 'Sailing', members: [bob.username] });
    await alice.call('contacts.setVerified', { username: bob.username, verified: true });
    const carol = await user('carol');
    await addContact(alice, carol);
    await alice.call('contacts.setBlocked', { username: carol.username, blocked: true });

    // What the renderer reads from its history, in two batches.
    const conversations: HistoryConversation[] = [
      { id: dm(bob), title: bob.username, createdAt: 1_000, lastActivityAt: 3_000, pinnedAt: 2_500 },
      { id: `group:${group.groupId}`, title: 'Sailing', createdAt: 2_000, lastActivityAt: 2_000 },
    ];
    const messages: HistoryMessage[] = [
      { conversationId: dm(bob), messageId: '01JD3Q8S6Z8M5N1V0K2H7HIS02', sender: alice.username, direction: 'out', body: SECRET_WORDS, timestamp: 1_100, status: 'read', sentAt: 1_101 },
      { conversationId: dm(bob), messageId: '01JD3Q8S6Z8M5N1V0K2H7HIS01', sender: bob.username, direction: 'in', body: 'look', timestamp: 1_200, attachments: [fileId] },
      {
        conversationId: dm(bob),
        messageId: '01JD3Q8S6Z8M5N1V0K2H7HIS03',
        sender: bob.username,
        direction: 'in',
        body: 'nice, right?',
        timestamp: 1_300,
        quote: { messageId: '01JD3Q8S6Z8M5N1V0K2H7HIS02', author: alice.username, text: SECRET_WORDS },
        reactions: [{ user: alice.username, emoji: '👍', at: 1_400 }],
        editedAt: 1_350,
      },
      { conversationId: `group:${group.groupId}`, messageId: '01JD3Q8S6Z8M5N1V0K2H7HIS04', sender: alice.username, direction: 'system', body: '', timestamp: 2_000, update: { kind: 'created', by: alice.username, name: 'Sailing', members: [bob.username] } },
    ];
    const { exportId } = await alice.call('history.startExport', { since: null });
    await alice.call('history.addToExport', { exportId, conversations, messages: messages.slice(0, 2) });
    await alice.call('history.addToExport', { exportId, conversations: [], messages: messages.slice(2) });

    const laptop = await linkedWithHistory(alice, exportId);
    await expect.poll(async () => (await laptop.call('history.importState', {})).state, { timeout: 30_000 }).toBe('ready');
    expect(await laptop.call('history.importState', {})).toEqual({ state: 'ready', conversations: 2, messages: 4 });

    const first = await laptop.call('history.importBatch', { offset: 0, limit: 3 });
    expect(first.conversations).toEqual(conversations);
    expect(first.messages).toEqual(messages.slice(0, 3));
    expect(first.attachments.map((a) => [a.id, a.fileName, a.state, a.direction])).toEqual([[fileId, 'harbour.jpg', 'pending', 'incoming']]);
    const second = await laptop.call('history.importBatch', { offset: 3, limit: 3 });
    expect(second).toEqual({ conversations: [], messages: messages.slice(3), attachments: [] });

    // The file comes from bob's blob, which alice's primary let the laptop fetch: the same bytes.
    expect((await fetchAttachment(laptop, fileId)).equals(photo)).toBe(true);
    // The group is the laptop's too.
    expect((await laptop.call('groups.list', {})).map((g) => [g.groupId, g.name, g.active])).toEqual([[group.groupId, 'Sailing', true]]);

    // The relay stored the archive as one more blob and never saw a word of it.
    const blobsDir = join(relay.dataDir, 'blobs');
    const blobs = readdirSync(blobsDir).map((name) => readFileSync(join(blobsDir, name)));
    expect(blobs.some((bytes) => bytes.includes(Buffer.from(SECRET_WORDS)) || bytes.includes(Buffer.from('Sailing')))).toBe(false);

    // Alice's contacts are the laptop's, and carol, whom she blocked, is blocked there before the laptop ever met her.
    expect((await laptop.call('contacts.list', {})).map((c) => [c.username, c.blocked]).sort()).toEqual([
      [bob.username, false],
      [carol.username, true],
    ]);
    expect((await laptop.failure('messages.send', { conversationId: dm(carol), messageId: '01JD3Q8S6Z8M5N1V0K2H7HIS10', content: { kind: 'text', body: 'no' } })).code).toBe('blocked');

    await laptop.call('history.finishImport', {});
    expect(await laptop.call('history.importState', {})).toEqual({ state: 'none' });
    // Bob, whom alice verified on her first device, is verified on the laptop as soon as it meets him (same key).
    expect(await laptop.callRetrying('contacts.add', { username: bob.username })).toMatchObject({ username: bob.username, verified: true });
    expect((await laptop.failure('history.importBatch', { offset: 0, limit: 10 })).code).toBe('no_history');
    // An export is used once.
    expect((await alice.failure('history.addToExport', { exportId, conversations: [], messages: [] })).code).toBe('unknown_export');
  });

  it('brings the profiles along: the laptop shows its user’s and their contacts’ names and photos at once', { timeout: 120_000 }, async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const carol = await user('carol');
    await addContact(alice, bob);
    await addContact(bob, alice);
    const photo = jpeg(3000);
    await bob.call('profiles.setOwn', { name: 'Bob Builder', avatar: { type: 'image/jpeg', data: photo.toString('base64') } });
    await bob.call('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7HIP01', content: { kind: 'text', body: 'hi' } });
    const othersOf = (device: TestUser) => device.core.client.messenger().profiles.list().others;
    await waitFor(() => othersOf(alice).some((p) => p.name === 'Bob Builder'), 'alice has bob’s profile');
    await alice.call('profiles.setOwn', { name: 'Alice Liddell', avatar: null });

    const { exportId } = await alice.call('history.startExport', { since: null });
    await alice.call('history.addToExport', { exportId, conversations: [{ id: dm(bob), title: bob.username, createdAt: 1, lastActivityAt: 2 }], messages: [] });
    const laptop = await linkedWithHistory(alice, exportId);
    await expect.poll(async () => (await laptop.call('history.importState', {})).state, { timeout: 30_000 }).toBe('ready');
    // No one wrote to the laptop: both profiles came in the archive.
    const listed = await laptop.call('profiles.list', {});
    expect(listed.own).toMatchObject({ username: alice.username, name: 'Alice Liddell', avatar: null });
    expect(listed.others).toEqual([expect.objectContaining({ username: bob.username, name: 'Bob Builder', avatar: { type: 'image/jpeg', data: photo.toString('base64') } })]);

    // The laptop shares alice's copy on the relay: carol, whom only the laptop writes to, gets the name from it.
    await addContact(laptop, carol);
    await laptop.call('messages.send', { conversationId: dm(carol), messageId: '01JD3Q8S6Z8M5N1V0K2H7HIP02', content: { kind: 'text', body: 'from the laptop' } });
    await waitFor(() => othersOf(carol).some((p) => p.username === alice.username && p.name === 'Alice Liddell'), 'carol has alice’s profile from the laptop');
  });

  it('resumes after a restart of the new device: the archive is still there until the import finishes', { timeout: 90_000 }, async () => {
    const alice = await user('alice');
    const { exportId } = await alice.call('history.startExport', { since: 5_000 });
    const conversation: HistoryConversation = { id: 'dm:zed', title: 'zed', createdAt: 5_000, lastActivityAt: 6_000 };
    const messages: HistoryMessage[] = Array.from({ length: 5 }, (_, index) => ({
      conversationId: 'dm:zed',
      messageId: `01JD3Q8S6Z8M5N1V0K2H7HIR${index}0`,
      sender: 'zed',
      direction: 'in' as const,
      body: `message ${index}`,
      timestamp: 5_000 + index,
    }));
    await alice.call('history.addToExport', { exportId, conversations: [conversation], messages });
    const laptop = await linkedWithHistory(alice, exportId);
    await expect.poll(async () => (await laptop.call('history.importState', {})).state, { timeout: 30_000 }).toBe('ready');
    expect((await laptop.call('history.importBatch', { offset: 0, limit: 2 })).messages.map((m) => m.body)).toEqual(['message 0', 'message 1']);
    await laptop.restart();
    await expect.poll(async () => (await laptop.call('history.importState', {})).state, { timeout: 30_000 }).toBe('ready');
    expect((await laptop.call('history.importBatch', { offset: 2, limit: 10 })).messages.map((m) => m.body)).toEqual(['message 2', 'message 3', 'message 4']);
  });

  it('refuses a changed archive cleanly: nothing is imported, the device is linked and gets new messages', { timeout: 90_000 }, async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const { exportId } = await alice.call('history.startExport', { since: null });
    const conversation: HistoryConversation = { id: dm(bob), title: bob.username, createdAt: 1, lastActivityAt: 2 };
    await alice.call('history.addToExport', {
      exportId,
      conversations: [conversation],
      messages: [{ conversationId: dm(bob), messageId: '01JD3Q8S6Z8M5N1V0K2H7HIT01', sender: bob.username, direction: 'in', body: 'old', timestamp: 2 }],
    });
    // The archive is sealed and uploaded (as devices.link would), then the relay — or anyone on its disk — flips a byte.
    const sealed = await alice.core.client.messenger().historyExports.seal(exportId);
    const blobFile = join(relay.dataDir, 'blobs', sealed.blob);
    const bytes = readFileSync(blobFile);
    bytes[bytes.length - 20]! ^= 0x01;
    writeFileSync(blobFile, bytes);

    const laptop = await linkedWithHistory(alice, exportId);
    await expect.poll(async () => (await laptop.call('history.importState', {})).state, { timeout: 30_000 }).toBe('failed');
    const state = await laptop.call('history.importState', {});
    // Told by code, in the renderer's words (i18n/en.ts): a flipped byte fails that chunk's authentication.
    expect(state).toEqual({ state: 'failed', message: 'chunk_tampered', text: { id: 'history.unusable', params: { cause: 'chunk_tampered' } } });
    expect((await laptop.failure('history.importBatch', { offset: 0, limit: 10 })).code).toBe('no_history');
    expect(readdirSync(join(laptop.dataDir, 'history'))).toEqual([]);

    await addContact(bob, alice);
    await bob.call('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7HIT02', content: { kind: 'text', body: 'still there?' } });
    await waitFor(() => laptop.texts(dm(bob)).includes('still there?'), 'the laptop gets new messages');
  });
});
