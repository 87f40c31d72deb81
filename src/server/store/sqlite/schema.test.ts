// The relay database's schema: migrations from every older version keep mailboxes, counters and dedup records,
// and the layout keeps the pages a commit dirties (which is what the relay writes to disk) few.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { monotonicFactory } from 'ulid';
import { describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../../test/support/relay-harness';
import { writeSchema8Store } from '../../../../test/support/schema-8-store';
import type { Address } from '../../../shared/protocol';
import type { EnvelopeToStore, MailboxAck, MailboxWriteBatch } from '../relay-store';
import { SCHEMA_VERSION, migrate } from './schema';
import { SQLITE_FILE_NAME, openSqliteStore, type SqliteRelayStore } from './sqlite-store';

const IDENTITY = 'A'.repeat(43) + '=';
const dave: Address = { user: 'dave', device: 1 };
const erin: Address = { user: 'erin', device: 1 };

function batch(parts: Partial<MailboxWriteBatch>): MailboxWriteBatch {
  return { acks: [], enqueues: [], mailboxQuota: 1_000_000, now: 5000, ...parts };
}

function send(sender: Address, messageId: string, recipient: Address): EnvelopeToStore {
  return { sender, messageId, recipients: [recipient], payload: new Uint8Array(256).fill(7), sentAt: 1000 };
}

describe('schema migration', () => {
  it('opens a version-1 database, keeping devices, pending deliveries, mailbox counters and dedup records', async () => {
    const oldDir = makeTempDir('parley-v1-');
    try {
      const db = new Database(join(oldDir, SQLITE_FILE_NAME));
      db.pragma('journal_mode = WAL');
      migrate(db, 1);
      db.prepare("INSERT INTO users (username, created_at) VALUES ('dave', 1), ('erin', 1)").run();
      db.prepare("INSERT INTO devices (username, device, identity_key, registered_at, next_seq, pending) VALUES ('dave', 1, ?, 1, 2, 1), ('erin', 1, ?, 1, 1, 0)").run(
        IDENTITY,
        IDENTITY,
      );
      db.prepare("INSERT INTO envelopes (sender_user, sender_device, message_id, payload, sent_at, remaining) VALUES ('erin', 1, 'm1', 'AAEC', 5, 1)").run();
      db.prepare('INSERT INTO deliveries (device_id, seq, envelope_id) VALUES (1, 1, 1)').run();
      db.close();

      const upgraded = openSqliteStore({ dataDir: oldDir, durability: 'disk' });
      try {
        expect(await upgraded.findDevice(dave)).toMatchObject({ identityKey: IDENTITY });
        // Version 4 turned the base64 payload into the bytes it encodes.
        expect((await upgraded.pageMailbox(dave, 0, 10)).map((d) => [d.seq, d.messageId, [...d.payload]])).toEqual([[1, 'm1', [0, 1, 2]]]);
        expect(await upgraded.pendingCount(dave)).toBe(1);
        // The prekey tables of version 2 are there.
        expect(await upgraded.countPrekeys(dave)).toEqual({ oneTimePrekeys: 0, signedPrekeyId: null, kemPrekeys: 0, lastResortKemPrekeyId: null });
        // Version 3 carried the counters over: the next delivery continues the sequence, and the resend is a duplicate.
        const result = await upgraded.commitMailboxBatch(batch({ enqueues: [send(erin, 'm1', dave), send(erin, 'm2', dave)] }));
        expect(result.enqueues).toEqual([{ status: 'duplicate' }, { status: 'stored', deliveries: [expect.objectContaining({ seq: 2 })] }]);
        expect(await upgraded.pendingCount(dave)).toBe(2);
      } finally {
        await upgraded.close();
      }
      const reopened = new Database(join(oldDir, SQLITE_FILE_NAME), { readonly: true });
      expect(reopened.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      reopened.close();
      // Opening again is a no-op migration.
      const again = openSqliteStore({ dataDir: oldDir, durability: 'process' });
      expect(await again.pendingCount(dave)).toBe(2);
      await again.close();
    } finally {
      removeDir(oldDir);
    }
  });

  it('gives a version-5 account the device ids it already used, so a linked device gets the next one', async () => {
    const oldDir = makeTempDir('parley-v5-');
    try {
      const db = new Database(join(oldDir, SQLITE_FILE_NAME));
      migrate(db, 5);
      db.prepare("INSERT INTO users (username, created_at) VALUES ('dave', 1)").run();
      db.prepare("INSERT INTO devices (username, device, identity_key, registered_at) VALUES ('dave', 1, ?, 1), ('dave', 4, ?, 1)").run(IDENTITY, IDENTITY);
      db.close();
      const upgraded = openSqliteStore({ dataDir: oldDir, durability: 'process' });
      try {
        const link = { user: 'dave', identityKey: 'B'.repeat(43) + '=', certificate: 'c', name: 'bg==', linkedAt: 2, maxDevices: 10 };
        expect(await upgraded.linkDevice(link)).toEqual({ status: 'linked', device: 5 });
        expect((await upgraded.listDevices('dave')).map((d) => [d.address.device, d.certificate])).toEqual([[1, undefined], [4, undefined], [5, 'c']]);
      } finally {
        await upgraded.close();
      }
    } finally {
      removeDir(oldDir);
    }
  });

  it('upgrades a version-8 database: a single-recipient record counts its retention from acceptance, older ones from their last ack', async () => {
    const oldDir = makeTempDir('parley-v8-');
    try {
      const old = writeSchema8Store(oldDir, 2000);
      const upgraded = openSqliteStore({ dataDir: oldDir, durability: 'process' });
      try {
        const bob = { user: 'bob', device: 1 };
        const carol = { user: 'carol', device: 1 };
        expect((await upgraded.pageMailbox(bob, 0, 10)).map((d) => [d.seq, d.messageId, Buffer.from(d.payload).toString()])).toEqual(
          old.pendingForBob.map((d) => [d.seq, d.messageId, d.payload]),
        );
        // All sent at 1,000 and acked by bob at 1,500: the schema-8 single goes at 1,001 (its acceptance), the one with
        // its payload in the envelope at 1,501 (its ack), the record acked at 2,000 at 2,001.
        await upgraded.commitMailboxBatch(batch({ now: 1500, acks: [{ mailbox: bob, through: 3, also: [] }] }));
        expect(await upgraded.pruneDedupRecords(1000, 100)).toBe(0);
        expect(await upgraded.pruneDedupRecords(1001, 100)).toBe(1);
        expect(await upgraded.pruneDedupRecords(1501, 100)).toBe(1);
        expect(await upgraded.pruneDedupRecords(2001, 100)).toBe(1);
        // The fan-out still waits for carol, and keeps its payload for her.
        expect(await upgraded.pruneDedupRecords(100_000, 100)).toBe(0);
        expect((await upgraded.pageMailbox(carol, 0, 10)).map((d) => Buffer.from(d.payload).toString())).toEqual(['payload fanout']);
        await upgraded.commitMailboxBatch(batch({ now: 300_000, acks: [{ mailbox: carol, through: 1, also: [] }] }));
        expect(await upgraded.pruneDedupRecords(300_001, 100)).toBe(1);
        expect(await upgraded.pendingCount(bob)).toBe(0);
      } finally {
        await upgraded.close();
      }
    } finally {
      removeDir(oldDir);
    }
  });

  it('refuses a database from a newer relay', () => {
    const newerDir = makeTempDir('parley-newer-');
    try {
      const db = new Database(join(newerDir, SQLITE_FILE_NAME));
      db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      db.close();
      expect(() => openSqliteStore({ dataDir: newerDir, durability: 'process' })).toThrow(/schema version/);
    } finally {
      removeDir(newerDir);
    }
  });
});

describe('pages a commit dirties', () => {
  const DEVICES = 500;
  const ROUND = 250;

  /** Sends ROUND messages between random devices and acks the previous round's, as one commit. */
  async function round(store: SqliteRelayStore, nextId: () => string, previous: MailboxAck[]): Promise<MailboxAck[]> {
    const device = () => ({ user: `user${Math.floor(Math.random() * DEVICES)}`, device: 1 });
    const enqueues = Array.from({ length: ROUND }, () => send(device(), nextId(), device()));
    const result = await store.commitMailboxBatch(batch({ enqueues, acks: previous }));
    return result.enqueues.flatMap((outcome) =>
      outcome.status === 'stored' ? outcome.deliveries.map((d) => ({ mailbox: d.recipient, through: d.seq, also: [] })) : [],
    );
  }

  it('stays small with a large dedup history: new envelopes and counters do not land on random pages', async () => {
    const dir = makeTempDir('parley-pages-');
    const store = openSqliteStore({ dataDir: dir, durability: 'process', checkpointInWorker: false });
    const file = join(dir, SQLITE_FILE_NAME);
    try {
      for (let i = 0; i < DEVICES; i++) await store.registerDevice({ address: { user: `user${i}`, device: 1 }, identityKey: IDENTITY, registeredAt: 1 });
      // Time-ordered message ids, as Parley's client makes; here each round is sent within one millisecond.
      let clock = Date.UTC(2026, 0, 1);
      const ulid = monotonicFactory();
      const nextId = () => ulid(clock);
      // 40,000 delivered and acked messages: their dedup records fill hundreds of index pages.
      let previous: MailboxAck[] = [];
      for (let i = 0; i < 160; i++, clock++) previous = await round(store, nextId, previous);

      const checkpointer = new Database(file);
      checkpointer.pragma('wal_checkpoint(TRUNCATE)');
      const pageSize = Number(checkpointer.pragma('page_size', { simple: true }));
      checkpointer.close();
      expect(statSync(`${file}-wal`).size).toBe(0);
      await round(store, nextId, previous);
      const frames = (statSync(`${file}-wal`).size - 32) / (pageSize + 24);
      // 250 sends (~420 bytes each) and 250 acks touch about 45 pages: the new deliveries with their payloads, the
      // new and acked envelopes (narrow since schema 8: 57 pages when they held the payloads), the right edges of the
      // dedup and gone_at indexes, counters. A dedup key led by the sender, or counters in the wide devices rows, put
      // each message on a page of its own (over 300).
      expect(frames).toBeGreaterThan(0);
      expect(frames).toBeLessThan(50);
    } finally {
      await store.close();
      removeDir(dir);
    }
  });
});
