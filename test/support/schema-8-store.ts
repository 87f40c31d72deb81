// A relay database as a relay of store schema 8 left it (before delivery rows carried message id, sender and time),
// with deliveries pending in every layout that schema knew, for the tests that a newer relay upgrades it and
// delivers them.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../src/server/store/sqlite/schema';
import { SQLITE_FILE_NAME } from '../../src/server/store/sqlite/sqlite-store';
import { createIdentity, type DeviceIdentity } from './raw-device';

export interface Schema8Store {
  alice: DeviceIdentity;
  bob: DeviceIdentity;
  carol: DeviceIdentity;
  /** What bob's mailbox holds, in seq order: message id and payload text (every one from alice, device 1). */
  pendingForBob: ReadonlyArray<{ seq: number; messageId: string; payload: string }>;
  /** Carol's: the fan-out message bob has too. */
  pendingForCarol: ReadonlyArray<{ seq: number; messageId: string; payload: string }>;
  /** A message alice sent that was delivered and acked at `ackedAt`: only its dedup record is left. */
  ackedMessageId: string;
}

/** Writes the schema-8 database into `dataDir`: users alice, bob and carol (device 1 each), acked at `ackedAt`. */
export function writeSchema8Store(dataDir: string, ackedAt: number): Schema8Store {
  const db = new Database(join(dataDir, SQLITE_FILE_NAME));
  try {
    db.pragma('journal_mode = WAL');
    migrate(db, 8);
    const identities = { alice: createIdentity(), bob: createIdentity(), carol: createIdentity() };
    const devices = new Map<string, number>();
    for (const [user, identity] of Object.entries(identities)) {
      db.prepare('INSERT INTO users (username, created_at, last_device) VALUES (?, 1, 1)').run(user);
      const id = db.prepare('INSERT INTO devices (username, device, identity_key, registered_at) VALUES (?, 1, ?, 1)').run(user, identity.identityKey).lastInsertRowid;
      devices.set(user, Number(id));
    }
    const text = (value: string) => Buffer.from(value);
    const envelope = db.prepare<[string, Buffer | null, number, number | null]>(
      "INSERT INTO envelopes (sender_user, sender_device, message_id, payload, sent_at, remaining, gone_at) VALUES ('alice', 1, ?, ?, 1000, ?, ?)",
    );
    const delivery = db.prepare<[number, number, number, Buffer | null]>('INSERT INTO deliveries (device_id, seq, envelope_id, payload) VALUES (?, ?, ?, ?)');
    const bob = devices.get('bob')!;
    const carol = devices.get('carol')!;
    envelope.run('acked', null, 0, ackedAt);
    // Schema 8: a single recipient's payload in its delivery row.
    const single = Number(envelope.run('single-v8', null, 1, null).lastInsertRowid);
    delivery.run(bob, 1, single, text('payload single-v8'));
    // Before schema 8: the payload in the envelope.
    const older = Number(envelope.run('single-v7', text('payload single-v7'), 1, null).lastInsertRowid);
    delivery.run(bob, 2, older, null);
    // A fan-out: one shared payload.
    const fanout = Number(envelope.run('fanout', text('payload fanout'), 2, null).lastInsertRowid);
    delivery.run(bob, 3, fanout, null);
    delivery.run(carol, 1, fanout, null);
    db.prepare('UPDATE mailboxes SET next_seq = ? WHERE device_id = ?').run(4, bob);
    db.prepare('UPDATE mailboxes SET next_seq = ? WHERE device_id = ?').run(2, carol);
    return {
      ...identities,
      pendingForBob: [
        { seq: 1, messageId: 'single-v8', payload: 'payload single-v8' },
        { seq: 2, messageId: 'single-v7', payload: 'payload single-v7' },
        { seq: 3, messageId: 'fanout', payload: 'payload fanout' },
      ],
      pendingForCarol: [{ seq: 1, messageId: 'fanout', payload: 'payload fanout' }],
      ackedMessageId: 'acked',
    };
  } finally {
    db.close();
  }
}
