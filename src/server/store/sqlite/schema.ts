// The SQLite schema of the relay store and its migrations, keyed by PRAGMA user_version.
// An envelope is stored once however many mailboxes it goes to; each mailbox holds delivery rows. The envelope row
// doubles as the dedup record and is pruned after the dedup retention (how that is counted: version 9 below).
// Version 2 adds the prekey directory: one signed prekey per device, and a queue of one-time prekeys per device
// handed out oldest first. A version-1 database (a relay from before prekeys) gains the empty tables on open.
// Version 3 cuts the pages a commit dirties, which are what the relay writes to disk (each dirty page goes whole
// into the WAL): the mailbox counters move from the wide devices rows into a narrow table of their own, which fits
// in a few pages for thousands of devices (a trigger gives every new device its row); and the dedup key leads with
// the message id, because Parley's client makes time-ordered ids (docs/protocol.md), so new envelopes land at the
// right edge of that index instead of on a page chosen by their sender. The envelopes table is rebuilt for the key.
// Version 4 (protocol v2) stores payloads as the raw bytes they travel as, not base64 text: the envelopes table is
// rebuilt once more, decoding each pending payload.
// Version 5 adds PQXDH's KEM prekeys: a queue of signed one-time ML-KEM-768 prekeys per device, handed out oldest
// first like the curve ones, and one last-resort KEM prekey per device, served (never consumed) when the queue is empty.
// Version 6 adds linked devices: a device's certificate (by the primary's identity key; NULL for the primary, the
// device that registered the username), its opaque name and when it was last seen, and per user the highest device
// id ever given, so an id is never reused after a device is removed.
// Version 7 takes the mailbox counters out of most commits (they dirtied every page of their table in each one):
// `pending` goes, counted from a mailbox's delivery rows when the relay first reads it, and `next_seq` becomes a
// reservation — every seq below it may have been used — raised a block at a time (sqlite-mailboxes.ts); the exact
// value older versions stored is a valid reservation.
// Version 8 stores a single-recipient envelope's payload in its delivery row, not in the envelope: the envelope row
// that stays behind as the dedup record is then narrow, so the rewrite at its last ack touches far fewer pages. A fan-out
// envelope keeps its one shared payload. Rows written before keep theirs where they are (a page reads either).
// Version 9 leaves the envelope row alone at a single-recipient ack: the dedup retention counts from the relay's
// acceptance of the send (`gone_at` is set when the envelope is stored; the relay's `sent_at` for rows from before)
// and never ends while a delivery is pending, which a single-recipient envelope tells by naming its delivery
// (`delivery_device`, `delivery_seq`). A delivery row holding its payload counts no envelope down at its ack; one without
// (a fan-out's, or from before version 8) does, as before. Nothing is rebuilt. See sqlite-mailboxes.ts.
import type Database from 'better-sqlite3';
import { StoreError } from '../relay-store';

export const SCHEMA_VERSION = 10;

/** Decodes base64 text in SQL during the version-4 migration; NULL stays NULL. */
const BASE64_DECODE_FUNCTION = 'parley_migration_base64_decode';

const MIGRATIONS: Record<number, string> = {
  1: `
    CREATE TABLE users (
      username   TEXT PRIMARY KEY,          -- normalized (lower case)
      created_at INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE devices (
      id            INTEGER PRIMARY KEY,
      username      TEXT NOT NULL,
      device        INTEGER NOT NULL,
      identity_key  TEXT NOT NULL,          -- base64 Ed25519 public key
      registered_at INTEGER NOT NULL,
      next_seq      INTEGER NOT NULL DEFAULT 1,  -- seq of the next delivery into this mailbox
      pending       INTEGER NOT NULL DEFAULT 0,  -- deliveries not yet acked (mailbox quota)
      UNIQUE (username, device)
    );

    CREATE TABLE envelopes (
      id            INTEGER PRIMARY KEY,
      sender_user   TEXT NOT NULL,
      sender_device INTEGER NOT NULL,
      message_id    TEXT NOT NULL,
      payload       TEXT,                   -- base64; NULL once every delivery is acked
      sent_at       INTEGER NOT NULL,
      remaining     INTEGER NOT NULL,       -- deliveries not yet acked
      gone_at       INTEGER,                -- when the last delivery was acked
      UNIQUE (sender_user, sender_device, message_id)
    );
    CREATE INDEX envelopes_gone_at ON envelopes (gone_at) WHERE gone_at IS NOT NULL;

    CREATE TABLE deliveries (
      device_id   INTEGER NOT NULL,
      seq         INTEGER NOT NULL,
      envelope_id INTEGER NOT NULL,
      PRIMARY KEY (device_id, seq)
    ) WITHOUT ROWID;
  `,
  2: `
    CREATE TABLE signed_prekeys (
      device_id    INTEGER PRIMARY KEY,     -- devices.id
      key_id       INTEGER NOT NULL,
      public_key   TEXT NOT NULL,           -- base64 X25519 public key
      signature    TEXT NOT NULL,           -- base64 Ed25519, verified against the identity key before storing
      published_at INTEGER NOT NULL
    );

    CREATE TABLE one_time_prekeys (
      id         INTEGER PRIMARY KEY,       -- insertion order: the oldest key is handed out first
      device_id  INTEGER NOT NULL,          -- devices.id
      key_id     INTEGER NOT NULL,
      public_key TEXT NOT NULL,             -- base64 X25519 public key
      UNIQUE (device_id, key_id)
    );
    CREATE INDEX one_time_prekeys_queue ON one_time_prekeys (device_id, id);
  `,
  3: `
    CREATE TABLE mailboxes (
      device_id INTEGER PRIMARY KEY,          -- devices.id
      next_seq  INTEGER NOT NULL DEFAULT 1,   -- seq of the next delivery into this mailbox
      pending   INTEGER NOT NULL DEFAULT 0    -- deliveries not yet acked (mailbox quota)
    );
    INSERT INTO mailboxes (device_id, next_seq, pending) SELECT id, next_seq, pending FROM devices;
    CREATE TRIGGER devices_have_mailboxes AFTER INSERT ON devices BEGIN
      INSERT INTO mailboxes (device_id) VALUES (new.id);
    END;
    ALTER TABLE devices DROP COLUMN next_seq;
    ALTER TABLE devices DROP COLUMN pending;

    CREATE TABLE envelopes_v3 (
      id            INTEGER PRIMARY KEY,
      sender_user   TEXT NOT NULL,
      sender_device INTEGER NOT NULL,
      message_id    TEXT NOT NULL,
      payload       TEXT,                   -- base64; NULL once every delivery is acked
      sent_at       INTEGER NOT NULL,
      remaining     INTEGER NOT NULL,       -- deliveries not yet acked
      gone_at       INTEGER,                -- when the last delivery was acked
      UNIQUE (message_id, sender_user, sender_device)
    );
    INSERT INTO envelopes_v3 SELECT id, sender_user, sender_device, message_id, payload, sent_at, remaining, gone_at FROM envelopes;
    DROP TABLE envelopes;
    ALTER TABLE envelopes_v3 RENAME TO envelopes;
    CREATE INDEX envelopes_gone_at ON envelopes (gone_at) WHERE gone_at IS NOT NULL;
  `,
  4: `
    CREATE TABLE envelopes_v4 (
      id            INTEGER PRIMARY KEY,
      sender_user   TEXT NOT NULL,
      sender_device INTEGER NOT NULL,
      message_id    TEXT NOT NULL,
      payload       BLOB,                   -- opaque bytes; NULL once every delivery is acked
      sent_at       INTEGER NOT NULL,
      remaining     INTEGER NOT NULL,       -- deliveries not yet acked
      gone_at       INTEGER,                -- when the last delivery was acked
      UNIQUE (message_id, sender_user, sender_device)
    );
    INSERT INTO envelopes_v4
      SELECT id, sender_user, sender_device, message_id, ${BASE64_DECODE_FUNCTION}(payload), sent_at, remaining, gone_at FROM envelopes;
    DROP TABLE envelopes;
    ALTER TABLE envelopes_v4 RENAME TO envelopes;
    CREATE INDEX envelopes_gone_at ON envelopes (gone_at) WHERE gone_at IS NOT NULL;
  `,
  5: `
    CREATE TABLE kem_prekeys (
      id         INTEGER PRIMARY KEY,       -- insertion order: the oldest key is handed out first
      device_id  INTEGER NOT NULL,          -- devices.id
      key_id     INTEGER NOT NULL,
      public_key TEXT NOT NULL,             -- base64 ML-KEM-768 encapsulation key
      signature  TEXT NOT NULL,             -- base64 Ed25519, verified against the identity key before storing
      UNIQUE (device_id, key_id)
    );
    CREATE INDEX kem_prekeys_queue ON kem_prekeys (device_id, id);

    CREATE TABLE last_resort_kem_prekeys (
      device_id    INTEGER PRIMARY KEY,     -- devices.id
      key_id       INTEGER NOT NULL,
      public_key   TEXT NOT NULL,
      signature    TEXT NOT NULL,
      published_at INTEGER NOT NULL
    );
  `,
  6: `
    ALTER TABLE devices ADD COLUMN certificate TEXT;     -- base64 Ed25519 by the primary's identity key; NULL for the primary
    ALTER TABLE devices ADD COLUMN name TEXT;            -- opaque to the relay
    ALTER TABLE devices ADD COLUMN last_seen_at INTEGER;
    ALTER TABLE users ADD COLUMN last_device INTEGER NOT NULL DEFAULT 0;  -- highest device id ever given
    UPDATE users SET last_device = (SELECT coalesce(max(device), 0) FROM devices WHERE devices.username = users.username);
  `,
  7: `
    ALTER TABLE mailboxes DROP COLUMN pending;
  `,
  8: `
    ALTER TABLE deliveries ADD COLUMN payload BLOB;   -- a single-recipient envelope's payload; NULL: in the envelope
  `,
  9: `
    ALTER TABLE envelopes ADD COLUMN delivery_device INTEGER;  -- a single recipient's delivery, which may be pending
    ALTER TABLE envelopes ADD COLUMN delivery_seq INTEGER;
    UPDATE envelopes SET remaining = 0, gone_at = sent_at, delivery_device = d.device_id, delivery_seq = d.seq
      FROM deliveries d WHERE d.envelope_id = envelopes.id AND d.payload IS NOT NULL;
  `,
  10: `
    CREATE TABLE payloads (
      id      INTEGER PRIMARY KEY,            -- the envelope's id: appended in arrival order, freed by range
      payload BLOB NOT NULL
    );
    ALTER TABLE deliveries ADD COLUMN payload_id INTEGER;  -- a single recipient's payload in payloads, while recent
    CREATE INDEX deliveries_payload ON deliveries (payload_id) WHERE payload_id IS NOT NULL;
  `,
};

/**
 * Brings the database to SCHEMA_VERSION (tests may stop at an older `target`); refuses a database written by a
 * newer relay. Each step runs in its own transaction, so a crash mid-migration leaves the previous version.
 */
export function migrate(db: Database.Database, target = SCHEMA_VERSION): void {
  const current = db.pragma('user_version', { simple: true });
  if (typeof current !== 'number') throw new StoreError('store_corrupt', 'cannot read the database schema version');
  if (current > SCHEMA_VERSION) {
    throw new StoreError('store_corrupt', `the database has schema version ${current}; this relay knows up to ${SCHEMA_VERSION}`);
  }
  db.function(BASE64_DECODE_FUNCTION, { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? Buffer.from(text, 'base64') : null,
  );
  for (let version = current + 1; version <= target; version++) {
    const sql = MIGRATIONS[version];
    if (sql === undefined) throw new StoreError('store_corrupt', `no migration to schema version ${version}`);
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
}
