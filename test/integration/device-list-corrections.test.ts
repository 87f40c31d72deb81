// A sender's stale view of a recipient's devices, corrected by the relay's answer and resent once, through a real
// relay (docs/protocol.md, "send"): a device linked since the sender last listed them (missing), one removed (extra),
// one registered again under a new key (stale), and the same for a group message. The sender's clock stands still,
// so its cached device lists never expire: only the relay's answer can tell it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { addressKey, type ClientFrame, type ErrorFrame, type SendFrame, type ServerFrame } from '../../src/shared/protocol';
import { SQLITE_FILE_NAME } from '../../src/server/store/sqlite/sqlite-store';
import { makeTempDir, removeDir, startTestRelay, type TestRelay } from '../support/relay-harness';
import { startWsTapProxy, type WsTapProxy } from '../support/ws-tap-proxy';
import { TestUser, addContact, dm, hasSignedPrekey } from './messaging-harness';
import { waitFor } from './support';

let relay: TestRelay;
const users: TestUser[] = [];
const proxies: WsTapProxy[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
});
afterEach(async () => {
  await Promise.all(users.splice(0).map((user) => user.close()));
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});
afterAll(async () => {
  await relay?.close();
});

async function user(prefix: string, relayUrl = relay.url, username?: string): Promise<TestUser> {
  const created = await TestUser.create(relayUrl, prefix, {}, username);
  users.push(created);
  return created;
}

async function linked(primary: TestUser, history?: string): Promise<TestUser> {
  const device = await TestUser.linked(relay, primary, 'Laptop', {}, history);
  users.push(device);
  return device;
}

/** A sender whose clock stands still (its device lists never expire), with every frame to and from the relay seen. */
async function watchedSender(prefix: string): Promise<{ user: TestUser; sent: SendFrame[]; refusals: ErrorFrame[] }> {
  const sent: SendFrame[] = [];
  const refusals: ErrorFrame[] = [];
  const proxy = await startWsTapProxy(
    { port: relay.port },
    {
      onClientFrame: (frame?: ClientFrame) => frame?.type === 'send' && sent.push(frame),
      onServerFrame: (frame?: ServerFrame) => frame?.type === 'error' && frame.code === 'devices_changed' && refusals.push(frame),
    },
  );
  proxies.push(proxy);
  const still = Date.now();
  const created = await TestUser.create(proxy.url, prefix, { now: () => still });
  users.push(created);
  return { user: created, sent, refusals };
}

/** The send frames that carried one device's copy of a message, by the relay ids its copies went under. */
function copiesTo(sent: readonly SendFrame[], device: { user: string; device: number }, from: number): SendFrame[] {
  return sent.slice(from).filter((frame) => frame.to.some((to) => to.user === device.user && to.device === device.device));
}

describe('the relay corrects a sender’s view of a recipient’s devices', () => {
  it('missing: a device linked since the sender listed them gets the message, sent again once', { timeout: 90_000 }, async () => {
    const alice = await watchedSender('alice');
    const bob = await user('bob');
    await addContact(alice.user, bob);
    await alice.user.call('messages.send', { conversationId: dm(bob), messageId: '01JD3Q8S6Z8M5N1V0K2H7C5A01', content: { kind: 'text', body: 'one' } });
    await waitFor(() => bob.texts(dm(alice.user)).length === 1, 'bob gets the first');
    const laptop = await linked(bob);

    const from = alice.sent.length;
    await alice.user.call('messages.send', { conversationId: dm(bob), messageId: '01JD3Q8S6Z8M5N1V0K2H7C5A02', content: { kind: 'text', body: 'two' } });
    await waitFor(() => laptop.texts(dm(alice.user)).includes('two') && bob.texts(dm(alice.user)).includes('two'), 'both of bob’s devices get it');
    expect(alice.refusals.map((r) => r.devices)).toEqual([[{ user: bob.username, missing: [2], extra: [], stale: [] }]]);
    // The first device's copy: refused once (checked), then sent once more; the laptop's: once.
    expect(copiesTo(alice.sent, { user: bob.username, device: 1 }, from).map((f) => f.known !== undefined)).toEqual([true, false]);
    expect(copiesTo(alice.sent, { user: bob.username, device: 2 }, from)).toHaveLength(1);
    expect(bob.duplicates).toBe(0);
  });

  it('extra: a removed device is dropped from the sender’s view and the message goes to the rest, sent again once', { timeout: 90_000 }, async () => {
    const alice = await watchedSender('alice');
    const bob = await user('bob');
    const laptop = await linked(bob);
    await addContact(alice.user, bob);
    await alice.user.call('messages.send', { conversationId: dm(bob), messageId: '01JD3Q8S6Z8M5N1V0K2H7C5B01', content: { kind: 'text', body: 'one' } });
    await waitFor(() => laptop.texts(dm(alice.user)).length === 1 && bob.texts(dm(alice.user)).length === 1, 'both get the first');
    await bob.call('devices.remove', { device: 2 });

    const from = alice.sent.length;
    await alice.user.call('messages.send', { conversationId: dm(bob), messageId: '01JD3Q8S6Z8M5N1V0K2H7C5B02', content: { kind: 'text', body: 'two' } });
    await waitFor(() => bob.texts(dm(alice.user)).includes('two'), 'bob’s first device gets it');
    // One answer per copy (each device's copy is a send of its own), each saying the same.
    const extra = [{ user: bob.username, missing: [], extra: [2], stale: [] }];
    expect(alice.refusals.map((r) => r.devices)).toEqual([extra, extra]);
    expect(copiesTo(alice.sent, { user: bob.username, device: 1 }, from).map((f) => f.known !== undefined)).toEqual([true, false]);
    expect(copiesTo(alice.sent, { user: bob.username, device: 2 }, from).map((f) => f.known !== undefined)).toEqual([true]);
    // The next message knows bob's devices right: no refusal.
    await alice.user.call('messages.send', { conversationId: dm(bob), messageId: '01JD3Q8S6Z8M5N1V0K2H7C5B03', content: { kind: 'text', body: 'three' } });
    await waitFor(() => bob.texts(dm(alice.user)).includes('three'), 'bob gets the third');
    expect(alice.refusals).toHaveLength(2);
  });

  it('stale: a device registered again under a new key gets a new session and the message, sent again once', { timeout: 120_000 }, async () => {
    const dataDir = makeTempDir();
    let own = await startTestRelay({}, { dataDir });
    try {
      const bobProxy: SendFrame[] = [];
      const refusals: ErrorFrame[] = [];
      const proxy = await startWsTapProxy(
        { port: own.port },
        {
          onClientFrame: (frame?: ClientFrame) => frame?.type === 'send' && bobProxy.push(frame),
          onServerFrame: (frame?: ServerFrame) => frame?.type === 'error' && frame.code === 'devices_changed' && refusals.push(frame),
        },
      );
      proxies.push(proxy);
      const bob = await user('bob', proxy.url);
      const alice = await user('alice', own.url);
      await addContact(bob, alice);
      await bob.call('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7C5C01', content: { kind: 'text', body: 'one' } });
      await waitFor(() => alice.texts(dm(bob)).length === 1, 'alice gets the first');
      // Bob's sender key of a group with alice has been given to her device.
      const group = await bob.callRetrying('groups.create', { name: 'Choir', members: [alice.username] });
      const inGroup = `group:${group.groupId}`;
      await bob.call('messages.send', { conversationId: inGroup, messageId: '01JD3Q8S6Z8M5N1V0K2H7C5C03', content: { kind: 'text', body: 'sing' } });
      await waitFor(() => alice.texts(inGroup).includes('sing'), 'alice gets the group message');

      // The relay forgets alice's account (as one that lost its data would), and she makes it again, new keys and all.
      await alice.close();
      users.splice(users.indexOf(alice), 1);
      const port = own.port;
      await own.close();
      forgetAccount(dataDir, alice.username);
      own = await startTestRelay({ port }, { dataDir });
      const again = await user('alice', own.url, alice.username);
      await waitFor(() => hasSignedPrekey(dataDir, alice.username, 1), 'alice published her new prekeys');
      await bob.waitOnline();

      const from = bobProxy.length;
      await bob.call('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7C5C02', content: { kind: 'text', body: 'two' } });
      await waitFor(() => again.texts(dm(bob)).includes('two'), 'alice’s new device reads it');
      expect(refusals.map((r) => r.devices)).toEqual([[{ user: alice.username, missing: [], extra: [], stale: [1] }]]);
      expect(copiesTo(bobProxy, { user: alice.username, device: 1 }, from).map((f) => f.known !== undefined)).toEqual([true, false]);
      // Her re-keyed device lost bob's sender key with its old session: his next group message gives it again first.
      const before = bobProxy.length;
      await bob.call('messages.send', { conversationId: inGroup, messageId: '01JD3Q8S6Z8M5N1V0K2H7C5C04', content: { kind: 'text', body: 'again' } });
      expect(bobProxy.slice(before).map((f) => [f.to.map(addressKey), f.known !== undefined])).toEqual([
        [[`${alice.username}.1`], false],
        [[`${alice.username}.1`], true],
      ]);
      // A new key for alice is a key change on bob's side, shown as one.
      expect((await bob.call('contacts.list', {})).find((c) => c.username === alice.username)).toMatchObject({ identityChanged: true });
    } finally {
      await Promise.all(users.splice(0).map((u) => u.close()));
      await own.close();
      removeDir(dataDir);
    }
  });

  it('in a group: a member’s device linked since the sender listed them gets the group message, sent again once', { timeout: 120_000 }, async () => {
    const alice = await watchedSender('alice');
    const bob = await user('bob');
    const carol = await user('carol');
    const group = await alice.user.callRetrying('groups.create', { name: 'Rowing', members: [bob.username, carol.username] });
    const conversationId = `group:${group.groupId}`;
    await alice.user.call('messages.send', { conversationId, messageId: '01JD3Q8S6Z8M5N1V0K2H7C5D01', content: { kind: 'text', body: 'one' } });
    await waitFor(() => bob.texts(conversationId).includes('one') && carol.texts(conversationId).includes('one'), 'the members get the first');

    // Bob links a laptop, bringing the group along in his history.
    const { exportId } = await bob.call('history.startExport', { since: null });
    await bob.call('history.addToExport', { exportId, conversations: [], messages: [] });
    const laptop = await linked(bob, exportId);
    await expect.poll(async () => (await laptop.call('groups.list', {})).map((g) => g.groupId), { timeout: 30_000 }).toEqual([group.groupId]);

    const from = alice.sent.length;
    await alice.user.call('messages.send', { conversationId, messageId: '01JD3Q8S6Z8M5N1V0K2H7C5D02', content: { kind: 'text', body: 'two' } });
    await waitFor(() => laptop.texts(conversationId).includes('two'), 'bob’s laptop reads it');
    await waitFor(() => bob.texts(conversationId).includes('two') && carol.texts(conversationId).includes('two'), 'and the others');
    expect(alice.refusals.map((r) => r.devices)).toEqual([[{ user: bob.username, missing: [2], extra: [], stale: [] }]]);
    // The group message went out checked to every member device alice knew, was refused, then the laptop got the
    // sender key pairwise, then a new ciphertext went to the members it was refused for, once, unchecked.
    const b = (device: number) => `${bob.username}.${device}`;
    const c = `${carol.username}.1`;
    expect(alice.sent.slice(from).map((f) => [f.to.map(addressKey).sort(), f.known !== undefined])).toEqual([
      [[b(1), c].sort(), true],
      [[b(2)], false],
      [[b(1), b(2), c].sort(), false],
    ]);
    expect([bob, carol, laptop].map((u) => u.duplicates)).toEqual([0, 0, 0]);
  });
});

/** Deletes an account and everything the relay holds for it from a stopped relay's SQLite file. */
function forgetAccount(relayDataDir: string, username: string): void {
  const db = new Database(join(relayDataDir, SQLITE_FILE_NAME), { fileMustExist: true });
  try {
    const name = username.toLowerCase();
    const ids = `(SELECT id FROM devices WHERE username = '${name}')`;
    for (const table of ['signed_prekeys', 'one_time_prekeys', 'kem_prekeys', 'last_resort_kem_prekeys', 'mailboxes', 'deliveries']) {
      db.prepare(`DELETE FROM ${table} WHERE device_id IN ${ids}`).run();
    }
    db.prepare('DELETE FROM devices WHERE username = ?').run(name);
    db.prepare('DELETE FROM users WHERE username = ?').run(name);
  } finally {
    db.close();
  }
}
