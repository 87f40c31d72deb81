// The SQLite prekey directory below the protocol: atomic publish with the cap, consumption in insertion order (curve
// and KEM prekeys alike, then the last-resort KEM prekey), exclusion of the asking device.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../../test/support/relay-harness';
import type { Address } from '../../../shared/protocol';
import type { PrekeyUpload, StoredKemPrekey, StoredOneTimePrekey } from '../relay-store';
import { SQLITE_FILE_NAME, openSqliteStore, type SqliteRelayStore } from './sqlite-store';

const IDENTITY = 'A'.repeat(43) + '=';
const alice: Address = { user: 'alice', device: 1 };
const bob: Address = { user: 'bob', device: 1 };
const spk = (id: number) => ({ id, publicKey: `S${String(id).padStart(42, '0')}=`, signature: 'C'.repeat(86) + '==' });
const otks = (first: number, count: number): StoredOneTimePrekey[] =>
  Array.from({ length: count }, (_, i) => ({ id: first + i, publicKey: `K${String(first + i).padStart(42, '0')}=` }));

/** The store checks no sizes or signatures (the directory did): short stand-ins are enough here. */
const kems = (first: number, count: number): StoredKemPrekey[] =>
  Array.from({ length: count }, (_, i) => ({ id: first + i, publicKey: `Q${String(first + i).padStart(42, '0')}=`, signature: 'D'.repeat(86) + '==' }));

let dir: string;
let store: SqliteRelayStore;

function upload(device: Address, parts: Partial<PrekeyUpload>): PrekeyUpload {
  return { device, oneTimePrekeys: [], cap: 10, now: 1000, ...parts };
}

beforeEach(async () => {
  dir = makeTempDir('parley-prekeys-');
  store = openSqliteStore({ dataDir: dir, durability: 'disk' });
  for (const address of [alice, bob]) await store.registerDevice({ address, identityKey: IDENTITY, registeredAt: 1 });
});
afterEach(async () => {
  await store.close();
  removeDir(dir);
});

describe('SQLite prekey store', () => {
  it('publishes atomically under the cap and counts', async () => {
    expect(await store.countPrekeys(bob)).toEqual({ oneTimePrekeys: 0, signedPrekeyId: null, kemPrekeys: 0, lastResortKemPrekeyId: null });
    expect(await store.publishPrekeys(upload(bob, { signedPrekey: spk(1), oneTimePrekeys: otks(1, 8) }))).toEqual({
      status: 'published',
      oneTimePrekeys: 8,
      kemPrekeys: 0,
    });
    expect(await store.publishPrekeys(upload(bob, { signedPrekey: spk(2), oneTimePrekeys: otks(7, 5) }))).toEqual({
      status: 'cap_exceeded',
      held: 8,
      wouldHold: 11,
    });
    expect(await store.countPrekeys({ user: 'BOB', device: 1 })).toEqual({ oneTimePrekeys: 8, signedPrekeyId: 1, kemPrekeys: 0, lastResortKemPrekeyId: null });
    // KEM prekeys have their own cap count and queue.
    expect(await store.publishPrekeys(upload(bob, { oneTimePrekeys: [], kemPrekeys: kems(1, 11) }))).toMatchObject({ status: 'cap_exceeded', held: 0, wouldHold: 11 });
    expect(await store.publishPrekeys(upload(bob, { oneTimePrekeys: [], kemPrekeys: kems(1, 4), lastResortKemPrekey: kems(50, 1)[0] }))).toEqual({
      status: 'published',
      oneTimePrekeys: 8,
      kemPrekeys: 4,
    });
    expect(await store.countPrekeys(bob)).toEqual({ oneTimePrekeys: 8, signedPrekeyId: 1, kemPrekeys: 4, lastResortKemPrekeyId: 50 });
    expect(await store.publishPrekeys(upload({ user: 'ghost', device: 1 }, { oneTimePrekeys: otks(1, 1) }))).toEqual({ status: 'unknown_device' });
  });

  it('hands out one-time prekeys in the order they were stored, a replaced id moving to the back', async () => {
    await store.publishPrekeys(upload(bob, { signedPrekey: spk(1), oneTimePrekeys: otks(10, 3) }));
    await store.publishPrekeys(upload(bob, { oneTimePrekeys: [{ id: 10, publicKey: 'R'.repeat(43) + '=' }, ...otks(1, 1)] }));
    const order: Array<number | undefined> = [];
    for (let i = 0; i < 5; i++) {
      const outcome = await store.takePrekeyBundles({ user: 'bob', exclude: alice }, 10);
      if (outcome.status !== 'taken') throw new Error(outcome.status);
      order.push(outcome.bundles[0]?.oneTimePrekey?.id);
      expect(outcome.bundles[0]?.oneTimePrekeysLeft).toBe(Math.max(0, 3 - i));
    }
    expect(order).toEqual([11, 12, 10, 1, undefined]);
  });

  it('serves every device of a user but the excluded one, and tells unknown users from users without prekeys', async () => {
    const db = new Database(join(dir, SQLITE_FILE_NAME));
    db.prepare('INSERT INTO devices (username, device, identity_key, registered_at) VALUES (?, ?, ?, ?)').run('bob', 3, IDENTITY, 2);
    db.close();
    const bob3: Address = { user: 'bob', device: 3 };
    expect(await store.takePrekeyBundles({ user: 'bob' }, 10)).toEqual({ status: 'no_prekeys' });
    expect(await store.takePrekeyBundles({ user: 'carol' }, 10)).toEqual({ status: 'unknown_user' });
    await store.publishPrekeys(upload(bob3, { signedPrekey: spk(3), oneTimePrekeys: otks(1, 1) }));
    await store.publishPrekeys(upload(bob, { signedPrekey: spk(1) }));

    const all = await store.takePrekeyBundles({ user: 'Bob', exclude: alice }, 10);
    expect(all).toEqual({
      status: 'taken',
      user: 'bob',
      bundles: [
        { device: 1, identityKey: IDENTITY, signedPrekey: spk(1), oneTimePrekeysLeft: 0, kemPrekeyConsumed: false, kemPrekeysLeft: 0 },
        { device: 3, identityKey: IDENTITY, signedPrekey: spk(3), oneTimePrekey: otks(1, 1)[0], oneTimePrekeysLeft: 0, kemPrekeyConsumed: false, kemPrekeysLeft: 0 },
      ],
    });
    const fromOwnDevice = await store.takePrekeyBundles({ user: 'bob', exclude: { user: 'BOB', device: 3 } }, 10);
    expect(fromOwnDevice.status === 'taken' && fromOwnDevice.bundles.map((b) => b.device)).toEqual([1]);
    expect(await store.takePrekeyBundles({ user: 'bob', exclude: bob3 }, 10)).toMatchObject({ status: 'taken' });
    const limited = await store.takePrekeyBundles({ user: 'bob' }, 1);
    expect(limited.status === 'taken' && limited.bundles.map((b) => b.device)).toEqual([1]);
  });

  it('hands out one-time KEM prekeys oldest first, then the last-resort one on every fetch, which a new one replaces', async () => {
    await store.publishPrekeys(upload(bob, { signedPrekey: spk(1), oneTimePrekeys: [], kemPrekeys: kems(1, 2), lastResortKemPrekey: kems(9, 1)[0] }));
    const served: Array<[number | undefined, boolean, number]> = [];
    for (let i = 0; i < 4; i++) {
      const outcome = await store.takePrekeyBundles({ user: 'bob', exclude: alice }, 10);
      if (outcome.status !== 'taken') throw new Error(outcome.status);
      const bundle = outcome.bundles[0]!;
      served.push([bundle.kemPrekey?.id, bundle.kemPrekeyConsumed, bundle.kemPrekeysLeft]);
    }
    expect(served).toEqual([
      [1, true, 1],
      [2, true, 0],
      [9, false, 0],
      [9, false, 0],
    ]);
    await store.publishPrekeys(upload(bob, { oneTimePrekeys: [], lastResortKemPrekey: kems(20, 1)[0] }));
    const after = await store.takePrekeyBundles({ user: 'bob', exclude: alice }, 10);
    expect(after.status === 'taken' && after.bundles[0]!.kemPrekey).toEqual(kems(20, 1)[0]);
  });

  it('rejects calls after close with a typed error', async () => {
    await store.close();
    await expect(store.countPrekeys(bob)).rejects.toMatchObject({ code: 'store_closed' });
    await expect(store.takePrekeyBundles({ user: 'bob' }, 1)).rejects.toMatchObject({ code: 'store_closed' });
    store = openSqliteStore({ dataDir: dir, durability: 'process' });
  });
});
