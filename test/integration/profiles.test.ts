// Profiles through a real relay, between real cores (docs/protocol.md "Profiles"): alice's name and photo reach the
// people she writes to and her own linked device, from an encrypted blob only the devices she wrote to may fetch;
// someone she never wrote to cannot download it, and a changed profile replaces the old one.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BLOB_INDEX_FILE } from '../../src/server/blobs/sqlite-blob-index';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { jpeg } from './media-harness';
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

/** Who may download the blobs `owner` uploaded, as user:device, read from the relay's blob index. */
function profileBlobGrants(relayDataDir: string, owner: string): string[] {
  const db = new Database(join(relayDataDir, BLOB_INDEX_FILE), { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const rows = db.prepare('SELECT g.user, g.device FROM blobs b JOIN blob_grants g ON g.blob_id = b.id WHERE b.owner_user = ? AND b.completed_at IS NOT NULL').all(owner) as { user: string; device: number }[];
    return rows.map((row) => `${row.user}:${row.device}`);
  } finally {
    db.close();
  }
}

/** What the user's core holds now (read directly, so waitFor can poll it; the IPC answer is checked below). */
const othersOf = (user: TestUser) => user.core.client.messenger().profiles.list().others;

describe('profiles', () => {
  it('reach the people a user writes to, encrypted on the relay, and follow a change', { timeout: 120_000 }, async () => {
    const alice = await TestUser.create(relay.url, 'alice');
    const bob = await TestUser.create(relay.url, 'bob');
    const carol = await TestUser.create(relay.url, 'carol');
    users.push(alice, bob, carol);
    await addContact(alice, bob);
    await addContact(bob, alice);

    const photo = jpeg(3000);
    const own = await alice.call('profiles.setOwn', { name: '  Alice Liddell ', avatar: { type: 'image/jpeg', data: photo.toString('base64') } });
    expect(own).toMatchObject({ username: alice.username, name: 'Alice Liddell', avatar: { type: 'image/jpeg', data: photo.toString('base64') } });
    expect((await alice.call('profiles.list', {})).own?.name).toBe('Alice Liddell');

    await alice.call('messages.send', { conversationId: dm(bob), messageId: 'a1', content: { kind: 'text', body: 'hello' } });
    await waitFor(() => othersOf(bob).some((p) => p.username === alice.username), 'bob has alice’s profile');
    const seen = (await bob.call('profiles.list', {})).others.find((p) => p.username === alice.username);
    expect(seen).toMatchObject({ name: 'Alice Liddell', avatar: { type: 'image/jpeg', data: photo.toString('base64') } });
    await waitFor(() => bob.texts(dm(alice)).includes('hello'), 'bob has the message too');

    // On the relay: one blob of alice's, granted to bob's device and to no one else (carol was never written to, so
    // the relay would not give her a download token: media-tokens.test.ts proves the refusal).
    expect(profileBlobGrants(relay.dataDir, alice.username)).toEqual([`${bob.username}:1`]);
    expect(othersOf(carol)).toEqual([]);

    // A change replaces the old profile on bob's side with the next message.
    await alice.call('profiles.setOwn', { name: 'Alice', avatar: null });
    await alice.call('messages.send', { conversationId: dm(bob), messageId: 'a2', content: { kind: 'text', body: 'new name' } });
    await waitFor(() => othersOf(bob).some((p) => p.username === alice.username && p.name === 'Alice'), 'bob has alice’s new name');
    expect(othersOf(bob).find((p) => p.username === alice.username)?.avatar).toBeNull();
    // Receipts and typing notices carry no profile: bob sent none, so alice knows nothing of his.
    expect(othersOf(alice)).toEqual([]);
  });

  it('reach the user’s own linked device with the transcript of what they wrote', { timeout: 120_000 }, async () => {
    const alice = await TestUser.create(relay.url, 'alice');
    const bob = await TestUser.create(relay.url, 'bob');
    users.push(alice, bob);
    const laptop = await TestUser.linked(relay, alice);
    users.push(laptop);
    await addContact(alice, bob);
    await alice.call('profiles.setOwn', { name: 'Alice on her phone', avatar: null });
    await alice.call('messages.send', { conversationId: dm(bob), messageId: 'a1', content: { kind: 'text', body: 'hi' } });
    const ownOn = (user: TestUser) => user.core.client.messenger().profiles.list().own;
    await waitFor(() => ownOn(laptop)?.name === 'Alice on her phone', 'the laptop takes the profile as its own');
    expect(ownOn(laptop)).toMatchObject({ username: alice.username, name: 'Alice on her phone', avatar: null });
    // The laptop shares the same copy from then on: carol, whom only the laptop writes to, gets the name from it.
    const carol = await TestUser.create(relay.url, 'carol');
    users.push(carol);
    await addContact(laptop, carol);
    await laptop.call('messages.send', { conversationId: dm(carol), messageId: 'l1', content: { kind: 'text', body: 'from the laptop' } });
    await waitFor(() => othersOf(carol).some((p) => p.username === alice.username && p.name === 'Alice on her phone'), 'carol has alice’s profile from the laptop');
  });

  it('refuses a name with hidden characters and a photo that is not what it says, before anything is uploaded', { timeout: 60_000 }, async () => {
    const alice = await TestUser.create(relay.url, 'alice');
    users.push(alice);
    await expect(alice.call('profiles.setOwn', { name: 'Al\u202eice', avatar: null })).rejects.toMatchObject({ body: { code: 'invalid_request' } });
    await expect(alice.call('profiles.setOwn', { name: 'Alice', avatar: { type: 'image/png', data: jpeg(100).toString('base64') } })).rejects.toMatchObject({
      body: { code: 'invalid_request' },
    });
    expect((await alice.call('profiles.list', {})).own).toBeNull();
  });
});
