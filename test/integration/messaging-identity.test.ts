// An identity key change through a real relay: Bob "reinstalls" (same username and device, a new identity key).
// Alice had verified Bob, so when his new key shows up her sends to him are held with identity_changed until she
// accepts it; the safety number changes, and both sides agree on the new one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore, generateIdentity } from '../../src/main/core/account';
import { FileSecretStore } from '../../src/main/core/secrets';
import { SQLITE_FILE_NAME } from '../../src/server/store/sqlite/sqlite-store';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
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

/** Bob's device gets a new identity key, as a reinstall would give it; the relay forgets his old prekeys. */
async function reinstall(bob: TestUser): Promise<TestUser> {
  await bob.close();
  const identity = generateIdentity();
  const db = new Database(join(relay.dataDir, SQLITE_FILE_NAME));
  try {
    db.pragma('busy_timeout = 5000');
    const row = db.prepare('SELECT id FROM devices WHERE username = ? AND device = 1').get(bob.username) as { id: number };
    db.prepare('UPDATE devices SET identity_key = ? WHERE id = ?').run(Buffer.from(identity.publicKey).toString('base64'), row.id);
    db.prepare('DELETE FROM signed_prekeys WHERE device_id = ?').run(row.id);
    db.prepare('DELETE FROM one_time_prekeys WHERE device_id = ?').run(row.id);
  } finally {
    db.close();
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-bob2-'));
  await new AccountStore(dataDir, await FileSecretStore.open(dataDir)).save({ username: bob.username, device: 1, relayUrl: relay.url, identity, createdAt: Date.now() });
  const again = await TestUser.existing(relay.url, bob.username, dataDir);
  users.push(again);
  return again;
}

describe('identity key change', () => {
  it('holds sends to a verified contact whose key changed until the new key is accepted', { timeout: 60_000 }, async () => {
    const alice = await TestUser.create(relay.url, 'alice');
    const bob = await TestUser.create(relay.url, 'bob');
    users.push(alice, bob);
    await addContact(alice, bob);
    await alice.call('messages.send', { conversationId: dm(bob), messageId: 'hello-1', content: { kind: 'text', body: 'hello' } });
    await waitFor(() => bob.texts(dm(alice)).length === 1, 'Bob has it');
    const before = await alice.call('contacts.safetyNumber', { username: bob.username });
    expect(await alice.call('contacts.setVerified', { username: bob.username, verified: true })).toMatchObject({ verified: true, identityChanged: false });

    const newBob = await reinstall(bob);
    await addContact(newBob, alice);
    await newBob.call('messages.send', { conversationId: dm(alice), messageId: 'new-1', content: { kind: 'text', body: 'it is me, on a new install' } });
    await waitFor(() => alice.contactEvents.some((c) => c.username === bob.username && c.identityChanged), 'Alice sees the change');
    const changed = (await alice.call('contacts.list', {})).find((c) => c.username === bob.username)!;
    expect(changed).toMatchObject({ verified: true, identityChanged: true });
    // The message is shown (with the change flagged); what Alice sends is held.
    await waitFor(() => alice.texts(dm(bob)).includes('it is me, on a new install'), 'message from the new key');
    const held = await alice.failure('messages.send', { conversationId: dm(bob), messageId: 'held-1', content: { kind: 'text', body: 'are you really Bob?' } });
    expect(held).toMatchObject({ code: 'identity_changed', retryable: false });

    // The safety number shown is the new key's; Bob's new install computes the same.
    const after = await alice.call('contacts.safetyNumber', { username: bob.username });
    expect(after.safetyNumber).not.toBe(before.safetyNumber);
    expect((await newBob.call('contacts.safetyNumber', { username: alice.username })).safetyNumber).toBe(after.safetyNumber);

    const accepted = await alice.call('contacts.acceptIdentity', { username: bob.username });
    expect(accepted).toMatchObject({ verified: false, identityChanged: false });
    expect(accepted.identityKey).not.toBe(changed.identityKey);
    await alice.call('messages.send', { conversationId: dm(bob), messageId: 'held-1', content: { kind: 'text', body: 'are you really Bob?' } });
    await waitFor(() => newBob.texts(dm(alice)).includes('are you really Bob?'), 'sent after accepting');
  });

  it('accepting the changed key on one of alice’s devices accepts it on her other device, which saw the same key', { timeout: 90_000 }, async () => {
    const alice = await TestUser.create(relay.url, 'alice');
    const bob = await TestUser.create(relay.url, 'bob');
    users.push(alice, bob);
    const laptop = await TestUser.linked(relay, alice);
    users.push(laptop);
    await addContact(alice, bob);
    await addContact(bob, alice);
    await bob.call('messages.send', { conversationId: dm(alice), messageId: 'hello-both', content: { kind: 'text', body: 'hello both' } });
    await waitFor(() => laptop.texts(dm(bob)).length === 1, 'the laptop meets bob');
    await alice.call('contacts.setVerified', { username: bob.username, verified: true });
    const onLaptop = async () => (await laptop.call('contacts.list', {})).find((c) => c.username === bob.username);
    await expect.poll(async () => (await onLaptop())?.verified, { timeout: 30_000 }).toBe(true);

    const newBob = await reinstall(bob);
    await addContact(newBob, alice);
    await newBob.call('messages.send', { conversationId: dm(alice), messageId: 'new-both', content: { kind: 'text', body: 'new install' } });
    await waitFor(() => laptop.texts(dm(bob)).includes('new install') && alice.texts(dm(bob)).includes('new install'), 'both devices get it');
    await expect.poll(async () => (await onLaptop())?.identityChanged, { timeout: 30_000 }).toBe(true);
    expect(await laptop.failure('messages.send', { conversationId: dm(bob), messageId: 'held-laptop', content: { kind: 'text', body: 'from the laptop' } })).toMatchObject({ code: 'identity_changed' });

    // Accepted on the first device: the laptop takes it for the same new key, and its sends go again.
    const accepted = await alice.call('contacts.acceptIdentity', { username: bob.username });
    await expect.poll(async () => (await onLaptop())?.identityChanged, { timeout: 30_000 }).toBe(false);
    expect(await onLaptop()).toMatchObject({ verified: false, identityChanged: false, identityKey: accepted.identityKey });
    expect((await laptop.call('contacts.safetyNumber', { username: bob.username })).safetyNumber).toBe((await alice.call('contacts.safetyNumber', { username: bob.username })).safetyNumber);
    await laptop.call('messages.send', { conversationId: dm(bob), messageId: 'held-laptop', content: { kind: 'text', body: 'from the laptop' } });
    await waitFor(() => newBob.texts(dm(alice)).includes('from the laptop'), 'sent from the laptop after accepting elsewhere');
  });

  it('flags a changed key of an unverified contact without holding sends', { timeout: 60_000 }, async () => {
    const alice = await TestUser.create(relay.url, 'alice');
    const bob = await TestUser.create(relay.url, 'bob');
    users.push(alice, bob);
    await addContact(alice, bob);
    const newBob = await reinstall(bob);
    await addContact(newBob, alice);
    await newBob.call('messages.send', { conversationId: dm(alice), messageId: 'new-1', content: { kind: 'text', body: 'new install' } });
    await waitFor(() => alice.contactEvents.some((c) => c.username === bob.username && c.identityChanged), 'Alice sees the change');
    await alice.call('messages.send', { conversationId: dm(bob), messageId: 'reply-1', content: { kind: 'text', body: 'hi again' } });
    await waitFor(() => newBob.texts(dm(alice)).includes('hi again'), 'not held');
    expect(await alice.call('contacts.acceptIdentity', { username: bob.username })).toMatchObject({ identityChanged: false, verified: false });
  });
});
