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
import { PAYLOAD_FREE_EVERY, PAYLOAD_MOVE_AFTER, PAYLOAD_MOVE_AFTER_MS, SEQ_RESERVATION } from './sqlite-mailboxes';
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

  it('keeps a dedup record for the retention after the relay accepted the send, and while it is pending', async () => {
    // Accepted at 5,000: 'acked' (bob) and 'fanout' (bob, carol) are acked long after, 'pending' never.
    await store.commitMailboxBatch(batch({ now: 5000, enqueues: [envelope('acked', [bob]), envelope('pending', [carol]), envelope('fanout', [bob, carol])] }));
    await store.commitMailboxBatch(batch({ now: 50_000, acks: [{ mailbox: bob, through: 2, also: [] }, { mailbox: carol, through: 0, also: [2] }] }));
    expect(await store.pruneDedupRecords(5000, 100)).toBe(0);
    // Counted from acceptance, not from the acks at 50,000; the pending one stays.
    expect(await store.pruneDedupRecords(5001, 100)).toBe(2);
    const resend = await store.commitMailboxBatch(batch({ now: 60_000, enqueues: [envelope('acked', [bob]), envelope('pending', [carol]), envelope('fanout', [bob])] }));
    expect(resend.enqueues.map((o) => o.status)).toEqual(['stored', 'duplicate', 'stored']);
    expect((await store.pageMailbox(carol, 0, 10)).map((d) => [d.seq, d.messageId, Buffer.from(d.payload).toString()])).toEqual([[1, 'pending', 'payload-pending']]);

    // Acked at 70,000, long after its retention ran out: kept for the retention after that ack.
    await store.commitMailboxBatch(batch({ now: 70_000, acks: [{ mailbox: carol, through: 1, also: [] }] }));
    expect(await store.pruneDedupRecords(70_000, 100)).toBe(0);
    expect((await store.commitMailboxBatch(batch({ now: 70_000, enqueues: [envelope('pending', [carol])] }))).enqueues[0]!.status).toBe('duplicate');
    // It goes now; the two stored again at 60,000 are pending.
    expect(await store.pruneDedupRecords(70_001, 100)).toBe(1);
    expect((await store.commitMailboxBatch(batch({ now: 80_000, enqueues: [envelope('pending', [carol])] }))).enqueues[0]!.status).toBe('stored');
  });

  it('keeps a fan-out record while one of its deliveries is pending, past its retention', async () => {
    await store.commitMailboxBatch(batch({ now: 5000, enqueues: [envelope('fanout', [bob, carol])] }));
    await store.commitMailboxBatch(batch({ now: 6000, acks: [{ mailbox: bob, through: 1, also: [] }] }));
    expect(await store.pruneDedupRecords(100_000, 100)).toBe(0);
    expect((await store.pageMailbox(carol, 0, 10)).map((d) => Buffer.from(d.payload).toString())).toEqual(['payload-fanout']);
    await store.commitMailboxBatch(batch({ now: 200_000, acks: [{ mailbox: carol, through: 1, also: [] }] }));
    expect(await store.pruneDedupRecords(200_000, 100)).toBe(0);
    expect(await store.pruneDedupRecords(200_001, 100)).toBe(1);
  });

  it('counts down a parked single recipient\'s record with its ack, and a fan-out\'s after a restart', async () => {
    await store.commitMailboxBatch(batch({ now: 5000, enqueues: [envelope('single', [carol]), envelope('fanout', [alice, bob])] }));
    await store.commitMailboxBatch(batch({ now: 6000, acks: [{ mailbox: alice, through: 1, also: [] }] }));
    // Past its retention and pending: the single recipient's record is parked, so carol's ack now counts it down.
    expect(await store.pruneDedupRecords(100_000, 100)).toBe(0);
    await store.commitMailboxBatch(batch({ now: 200_000, acks: [{ mailbox: carol, through: 1, also: [] }] }));
    expect(await store.pruneDedupRecords(200_001, 100)).toBe(1);
    // A second store on the same files, as after kill -9: what it knows of bob's mailbox comes from the database.
    const restarted = openSqliteStore({ dataDir: dir, durability: 'disk' });
    try {
      await restarted.commitMailboxBatch(batch({ now: 300_000, acks: [{ mailbox: bob, through: 1, also: [] }] }));
      expect(await restarted.pruneDedupRecords(300_001, 100)).toBe(1);
    } finally {
      await restarted.close();
    }
  });

  it('names the right delivery when a duplicate or a full mailbox earlier in the batch took no seq', async () => {
    await store.commitMailboxBatch(batch({ enqueues: [envelope('first', [bob])] }));
    const result = await store.commitMailboxBatch(
      batch({ mailboxQuota: 3, enqueues: [envelope('first', [bob]), envelope('second', [bob]), envelope('fill', [carol, bob]), envelope('full', [bob]), envelope('third', [carol])] }),
    );
    expect(result.enqueues.map((o) => (o.status === 'stored' ? o.deliveries.map((d) => d.seq) : o.status))).toEqual([
      'duplicate',
      [2],
      [1, 3],
      'mailbox_full',
      [2],
    ]);
    // Past the retention, all pending ('second' was planned as bob's seq 3, which 'fill' got): none goes.
    expect(await store.pruneDedupRecords(100_000, 100)).toBe(0);
    // Once acked, they go after the retention counted from their acks; 'fill' waits for carol.
    await store.commitMailboxBatch(batch({ now: 6000, acks: [{ mailbox: bob, through: 3, also: [] }, { mailbox: carol, through: 0, also: [2] }] }));
    expect(await store.pruneDedupRecords(6001, 100)).toBe(3);
    await store.commitMailboxBatch(batch({ now: 7000, acks: [{ mailbox: carol, through: 1, also: [] }] }));
    expect(await store.pruneDedupRecords(7001, 100)).toBe(1);
  });

  /** Reads the store's file on a connection of its own: (payloads stored, delivery rows holding their payload). */
  function payloadRows(): { payloads: number; inRows: number } {
    const db = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
    try {
      return {
        payloads: db.prepare<[], number>('SELECT count(*) FROM payloads').pluck().get()!,
        inRows: db.prepare<[], number>('SELECT count(*) FROM deliveries WHERE payload IS NOT NULL').pluck().get()!,
      };
    } finally {
      db.close();
    }
  }

  it('keeps a single recipient\'s payload out of its delivery row and frees it by range once acked', async () => {
    await store.commitMailboxBatch(batch({ enqueues: ['a', 'b', 'c'].map((id) => envelope(id, [bob])) }));
    await store.commitMailboxBatch(batch({ enqueues: [envelope('d', [carol])], acks: [{ mailbox: bob, through: 2, also: [] }] }));
    expect(payloadRows()).toEqual({ payloads: 4, inRows: 0 });
    for (let i = 0; i < PAYLOAD_FREE_EVERY; i++) await store.commitMailboxBatch(batch({}));
    // 'a' and 'b' are acked; 'c' is pending, so 'd' behind it stays too.
    expect(payloadRows()).toEqual({ payloads: 2, inRows: 0 });
    expect((await store.pageMailbox(bob, 0, 10)).map((d) => [d.messageId, Buffer.from(d.payload).toString()])).toEqual([['c', 'payload-c']]);
    await store.commitMailboxBatch(batch({ acks: [{ mailbox: bob, through: 3, also: [] }, { mailbox: carol, through: 1, also: [] }] }));
    for (let i = 0; i < PAYLOAD_FREE_EVERY; i++) await store.commitMailboxBatch(batch({}));
    expect(payloadRows()).toEqual({ payloads: 0, inRows: 0 });
  });

  it('stores a new message under the id of a pruned one whose acked payload was not freed yet', async () => {
    // A quiet relay: one message, acked, its record pruned after the retention before PAYLOAD_FREE_EVERY writes came.
    await store.commitMailboxBatch(batch({ now: 5000, enqueues: [envelope('old', [bob])] }));
    await store.commitMailboxBatch(batch({ now: 6000, acks: [{ mailbox: bob, through: 1, also: [] }] }));
    expect(await store.pruneDedupRecords(100_000, 100)).toBe(1);
    expect(payloadRows().payloads).toBe(1);
    // The next envelope may take the freed id: its payload replaces the stale one.
    const stored = await store.commitMailboxBatch(batch({ now: 200_000, enqueues: [envelope('new', [bob])] }));
    expect(stored.enqueues[0]!.status).toBe('stored');
    expect((await store.pageMailbox(bob, 1, 10)).map((d) => [d.messageId, Buffer.from(d.payload).toString()])).toEqual([['new', 'payload-new']]);
  });

  it('moves a payload pending for long into its delivery row, so it no longer holds the range back', async () => {
    await store.commitMailboxBatch(batch({ enqueues: [envelope('offline', [bob])] }));
    const perBatch = 1000;
    for (let n = 0; n * perBatch <= PAYLOAD_MOVE_AFTER + perBatch; n++) {
      const enqueues = Array.from({ length: perBatch }, (_, i) => envelope(`m${n}-${i}`, [carol]));
      await store.commitMailboxBatch(batch({ mailboxQuota: 10 * perBatch, enqueues, acks: [{ mailbox: carol, through: n * perBatch, also: [] }] }));
    }
    for (let i = 0; i < PAYLOAD_FREE_EVERY; i++) await store.commitMailboxBatch(batch({}));
    // Only carol's last batch is pending in payloads; bob's one moved into its row.
    expect(payloadRows()).toEqual({ payloads: perBatch, inRows: 1 });
    expect((await store.pageMailbox(bob, 0, 10)).map((d) => [d.messageId, Buffer.from(d.payload).toString()])).toEqual([['offline', 'payload-offline']]);
  });

  it('moves a payload pending for PAYLOAD_MOVE_AFTER_MS into its delivery row, however few were sent since', async () => {
    await store.commitMailboxBatch(batch({ now: 1000, enqueues: [envelope('offline', [bob]), envelope('read', [carol])] }));
    for (let i = 0; i < PAYLOAD_FREE_EVERY; i++) await store.commitMailboxBatch(batch({ now: 1000, acks: [{ mailbox: carol, through: 1, also: [] }] }));
    expect(payloadRows()).toEqual({ payloads: 2, inRows: 0 });
    for (let i = 0; i < PAYLOAD_FREE_EVERY; i++) await store.commitMailboxBatch(batch({ now: 1000 + PAYLOAD_MOVE_AFTER_MS }));
    expect(payloadRows()).toEqual({ payloads: 0, inRows: 1 });
    expect((await store.pageMailbox(bob, 0, 10)).map((d) => Buffer.from(d.payload).toString())).toEqual(['payload-offline']);
  });

  it('prunes in chunks of at most the limit, however many pending records it meets', async () => {
    await store.commitMailboxBatch(batch({ enqueues: ['a', 'b', 'c', 'd', 'e'].map((id) => envelope(id, [bob])) }));
    await store.commitMailboxBatch(batch({ enqueues: ['f', 'g', 'h'].map((id) => envelope(id, [carol])) }));
    await store.commitMailboxBatch(batch({ acks: [{ mailbox: carol, through: 3, also: [] }] }));
    expect(await store.pruneDedupRecords(100_000, 2)).toBe(2);
    expect(await store.pruneDedupRecords(100_000, 2)).toBe(1);
    expect(await store.pruneDedupRecords(100_000, 2)).toBe(0);
    expect((await store.pageMailbox(bob, 0, 10)).map((d) => d.messageId)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
