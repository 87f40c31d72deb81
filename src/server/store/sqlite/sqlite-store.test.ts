// The SQLite store: the shared store contract, plus what is SQLite's own (a failed transaction's rollback reaching
// the in-memory counters, counters kept out of commits and rebuilt after a crash, dedup records pruned by the
// maintenance loop).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../../test/support/relay-harness';
import type { Address } from '../../../shared/protocol';
import { describeRelayStoreContract } from '../relay-store.contract';
import type { EnvelopeToStore, MailboxWriteBatch } from '../relay-store';
import { SEQ_RESERVATION } from './sqlite-mailboxes';
import { SQLITE_FILE_NAME, openSqliteStore, type SqliteRelayStore } from './sqlite-store';

describeRelayStoreContract('SQLite', async () => {
  const dir = makeTempDir('parley-store-');
  let store = openSqliteStore({ dataDir: dir, durability: 'disk' });
  return {
    get store() {
      return store;
    },
    async addDevice(address, identityKey) {
      const db = new Database(join(dir, SQLITE_FILE_NAME));
      db.prepare('INSERT INTO devices (username, device, identity_key, registered_at) VALUES (?, ?, ?, ?)').run(address.user, address.device, identityKey, 2);
      db.close();
    },
    async reopen() {
      await store.close();
      store = openSqliteStore({ dataDir: dir, durability: 'process' });
      return store;
    },
    async destroy() {
      await store.close();
      removeDir(dir);
    },
  };
});

describe('SQLite store', () => {
  let dir: string;
  let store: SqliteRelayStore;
  const alice: Address = { user: 'alice', device: 1 };
  const bob: Address = { user: 'bob', device: 1 };
  const carol: Address = { user: 'carol', device: 1 };

  beforeEach(async () => {
    dir = makeTempDir('parley-store-');
    store = openSqliteStore({ dataDir: dir, durability: 'disk' });
    for (const address of [alice, bob, carol]) await store.registerDevice({ address, identityKey: 'A'.repeat(43) + '=', registeredAt: 1 });
  });
  afterEach(async () => {
    await store.close();
    removeDir(dir);
  });

  function envelope(messageId: string, recipients: Address[]): EnvelopeToStore {
    return { sender: alice, messageId, recipients, payload: new TextEncoder().encode(`payload-${messageId}`), sentAt: 1000 };
  }

  function batch(parts: Partial<MailboxWriteBatch>): MailboxWriteBatch {
    return { acks: [], enqueues: [], mailboxQuota: 100, now: 5000, ...parts };
  }

  it('enforces the quota from the database again after a batch fails and rolls back', async () => {
    await store.commitMailboxBatch(batch({ enqueues: [envelope('m1', [bob])] }));
    // The ack would free bob's only slot, but the batch fails afterwards and is rolled back as a whole.
    const broken = { ...envelope('m2', [carol]), payload: {} as unknown as Uint8Array };
    await expect(store.commitMailboxBatch(batch({ mailboxQuota: 1, acks: [{ mailbox: bob, through: 1, also: [] }], enqueues: [broken] }))).rejects.toThrow();
    expect(await store.pendingCount(bob)).toBe(1);
    const result = await store.commitMailboxBatch(batch({ mailboxQuota: 1, enqueues: [envelope('m3', [bob])] }));
    expect(result.enqueues).toEqual([{ status: 'mailbox_full', recipients: [bob] }]);
  });

  it('keeps mailbox counters out of commits: after a crash seqs go on above every one used, and the quota counts what is pending', async () => {
    const storedNextSeq = () => {
      const db = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
      try {
        return db.prepare<[], { next_seq: number }>("SELECT next_seq FROM mailboxes JOIN devices ON devices.id = device_id WHERE username = 'bob'").get()?.next_seq;
      } finally {
        db.close();
      }
    };
    await store.commitMailboxBatch(batch({ enqueues: [envelope('m1', [bob]), envelope('m2', [bob])] }));
    const reserved = storedNextSeq();
    expect(reserved).toBe(1 + SEQ_RESERVATION);
    // Deliveries and acks within the reservation leave the mailbox's row as it is.
    await store.commitMailboxBatch(batch({ enqueues: [envelope('m3', [bob])], acks: [{ mailbox: bob, through: 1, also: [] }] }));
    expect(storedNextSeq()).toBe(reserved);

    // A second store on the same files, as after kill -9 (the first is never closed, so it stores nothing more).
    const restarted = openSqliteStore({ dataDir: dir, durability: 'disk' });
    try {
      expect(await restarted.pendingCount(bob)).toBe(2);
      const result = await restarted.commitMailboxBatch(batch({ mailboxQuota: 3, enqueues: [envelope('m4', [bob]), envelope('m5', [bob])] }));
      expect(result.enqueues).toEqual([
        { status: 'stored', deliveries: [{ recipient: bob, seq: reserved }] },
        { status: 'mailbox_full', recipients: [bob] },
      ]);
      expect((await restarted.pageMailbox(bob, 0, 10)).map((d) => d.seq)).toEqual([2, 3, reserved]);
    } finally {
      await restarted.close();
    }
  });

  it('prunes dedup records only once the envelope is gone and older than the cut-off', async () => {
    await store.commitMailboxBatch(batch({ enqueues: [envelope('old', [bob]), envelope('kept', [bob])] }));
    await store.commitMailboxBatch(batch({ now: 10_000, acks: [{ mailbox: bob, through: 1, also: [] }] }));
    expect(await store.pruneDedupRecords(10_000, 100)).toBe(0);
    expect(await store.pruneDedupRecords(10_001, 100)).toBe(1);
    const resend = await store.commitMailboxBatch(batch({ enqueues: [envelope('old', [bob]), envelope('kept', [bob])] }));
    expect(resend.enqueues.map((o) => o.status)).toEqual(['stored', 'duplicate']);
  });
});
