// The embedded BlobIndex: its own SQLite file (`<dataDir>/blobs.sqlite3`, WAL) beside the mailbox database, so
// blob bookkeeping never contends with mailbox commits. Synchronous better-sqlite3 calls behind the async interface.
// With durability 'disk', a completion and a grant (what a message naming the blob depends on) resolve only once
// the WAL is flushed, as `sent` does for the mailbox (docs/operations.md, "Data directory and durability").
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { normalizeUsername, type Address } from '../../shared/protocol';
import type { Durability } from '../config';
import { WalSync } from '../store/sqlite/wal-sync';
import type { BlobIndex, BlobRecord, NewBlob, ReserveOutcome } from './blob-index';

export const BLOB_INDEX_FILE = 'blobs.sqlite3';
const SCHEMA_VERSION = 1;

interface Row {
  id: string;
  owner_user: string;
  owner_device: number;
  size: number;
  created_at: number;
  touched_at: number;
  completed_at: number | null;
  expires_at: number | null;
}

export class SqliteBlobIndex implements BlobIndex {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly walSync: WalSync | undefined;

  constructor(dataDir: string, durability: Durability) {
    this.db = new Database(join(dataDir, BLOB_INDEX_FILE));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
    this.walSync = durability === 'disk' ? new WalSync(`${join(dataDir, BLOB_INDEX_FILE)}-wal`) : undefined;
    const db = this.db;
    this.statements = {
      used: db.prepare<[string], { used: number | null }>('SELECT SUM(size) AS used FROM blobs WHERE owner_user = ?'),
      exists: db.prepare<[string], { id: string }>('SELECT id FROM blobs WHERE id = ?'),
      insert: db.prepare(
        'INSERT INTO blobs (id, owner_user, owner_device, size, created_at, touched_at) VALUES (@id, @user, @device, @size, @now, @now)',
      ),
      touch: db.prepare<[number, string]>('UPDATE blobs SET touched_at = ? WHERE id = ?'),
      complete: db.prepare<[number, number, number, string]>('UPDATE blobs SET completed_at = ?, touched_at = ?, expires_at = ? WHERE id = ?'),
      find: db.prepare<[string], Row>('SELECT * FROM blobs WHERE id = ?'),
      grant: db.prepare<[string, string, number]>('INSERT OR IGNORE INTO blob_grants (blob_id, user, device) VALUES (?, ?, ?)'),
      granted: db.prepare<[string, string, number], { one: number }>('SELECT 1 AS one FROM blob_grants WHERE blob_id = ? AND user = ? AND device = ?'),
      remove: db.prepare<[string]>('DELETE FROM blobs WHERE id = ?'),
      expired: db.prepare<[number, number], { id: string }>(
        'SELECT id FROM blobs WHERE completed_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?',
      ),
      abandoned: db.prepare<[number, number], { id: string }>(
        'SELECT id FROM blobs WHERE completed_at IS NULL AND touched_at < ? ORDER BY touched_at LIMIT ?',
      ),
    };
  }

  async reserve(blob: NewBlob, quotaBytes: number): Promise<ReserveOutcome> {
    const user = normalizeUsername(blob.owner.user);
    return this.db.transaction((): ReserveOutcome => {
      if (this.statements.exists.get(blob.id)) return 'exists';
      const used = this.statements.used.get(user)?.used ?? 0;
      if (used + blob.size > quotaBytes) return 'quota_exceeded';
      this.statements.insert.run({ id: blob.id, user, device: blob.owner.device, size: blob.size, now: blob.now });
      return 'reserved';
    }).immediate();
  }

  async touch(id: string, now: number): Promise<void> {
    this.statements.touch.run(now, id);
  }

  async complete(id: string, now: number, expiresAt: number): Promise<void> {
    this.statements.complete.run(now, now, expiresAt, id);
    await this.walSync?.flush();
  }

  async find(id: string): Promise<BlobRecord | undefined> {
    const row = this.statements.find.get(id);
    if (!row) return undefined;
    return {
      id: row.id,
      owner: { user: row.owner_user, device: row.owner_device },
      size: row.size,
      createdAt: row.created_at,
      touchedAt: row.touched_at,
      completedAt: row.completed_at,
      expiresAt: row.expires_at,
    };
  }

  async grant(id: string, recipients: readonly Address[]): Promise<void> {
    this.db.transaction(() => {
      for (const recipient of recipients) this.statements.grant.run(id, normalizeUsername(recipient.user), recipient.device);
    })();
    await this.walSync?.flush();
  }

  async isGranted(id: string, device: Address): Promise<boolean> {
    return this.statements.granted.get(id, normalizeUsername(device.user), device.device) !== undefined;
  }

  async usedBytes(user: string): Promise<number> {
    return this.statements.used.get(normalizeUsername(user))?.used ?? 0;
  }

  async remove(id: string): Promise<void> {
    this.statements.remove.run(id);
  }

  async expired(now: number, limit: number): Promise<string[]> {
    return this.statements.expired.all(now, limit).map((row) => row.id);
  }

  async abandoned(before: number, limit: number): Promise<string[]> {
    return this.statements.abandoned.all(before, limit).map((row) => row.id);
  }

  async close(): Promise<void> {
    await this.walSync?.close();
    this.db.close();
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`${BLOB_INDEX_FILE} was written by a newer relay (schema ${version})`);
    if (version === SCHEMA_VERSION) return;
    this.db.exec(`
      CREATE TABLE blobs (
        id TEXT PRIMARY KEY,
        owner_user TEXT NOT NULL,
        owner_device INTEGER NOT NULL,
        size INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        touched_at INTEGER NOT NULL,
        completed_at INTEGER,
        expires_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX blobs_by_owner ON blobs (owner_user);
      CREATE INDEX blobs_by_expiry ON blobs (expires_at) WHERE completed_at IS NOT NULL;
      CREATE INDEX blobs_unfinished ON blobs (touched_at) WHERE completed_at IS NULL;
      CREATE TABLE blob_grants (
        blob_id TEXT NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
        user TEXT NOT NULL,
        device INTEGER NOT NULL,
        PRIMARY KEY (blob_id, user, device)
      ) WITHOUT ROWID;
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);
  }
}
