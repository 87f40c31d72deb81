// The embedded relay store: better-sqlite3 in WAL mode, one file in the data directory, prepared statements only.
// Transactions run synchronously (they only reach the OS page cache: synchronous=NORMAL); with durability
// `disk`, writes resolve only after WalSync has fdatasynced the log off the event loop, which is what makes
// `sent` mean "on disk". Pages use primary keys; a mailbox's counters live in memory (sqlite-mailboxes.ts), its
// pending deliveries counted once, when it is first read.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MAX_SEQ, normalizeUsername, type Address } from '../../../shared/protocol';
import type { Durability } from '../../config';
import {
  StoreError,
  type BundleRequest,
  type DeviceLink,
  type DeviceRecord,
  type LinkOutcome,
  type MailboxWriteBatch,
  type MailboxWriteResult,
  type NewDevice,
  type PrekeyCount,
  type PrekeyUpload,
  type PublishOutcome,
  type RegisterOutcome,
  type RelayStore,
  type StoredDelivery,
  type TakeBundlesOutcome,
} from '../relay-store';
import { migrate } from './schema';
import { SqliteDevices } from './sqlite-devices';
import { SqliteMailboxes } from './sqlite-mailboxes';
import { SqlitePrekeyStore } from './sqlite-prekeys';
import { WalCheckpointer } from './wal-checkpointer';
import { WalSync } from './wal-sync';

export const SQLITE_FILE_NAME = 'relay.sqlite3';

export interface SqliteStoreOptions {
  dataDir: string;
  durability: Durability;
  /** Run WAL checkpoints in a worker thread (default) rather than inside commits on the main thread. */
  checkpointInWorker?: boolean;
  /** Told about degraded operation (e.g. the checkpoint worker failed); never about data. */
  onWarning?: (event: string, message: string) => void;
}

/** WAL pages after which the main connection checkpoints by itself: the default with no worker, a safety net with one. */
const MAIN_THREAD_AUTOCHECKPOINT_PAGES = 1000;
const SAFETY_NET_AUTOCHECKPOINT_PAGES = 16_384;
/**
 * Least time from the end of one of the worker's checkpoints to the next (which a commit starts). A checkpoint copies
 * each page the commits since the last one wrote (once, however many rewrote it) and fsyncs the log and the database,
 * and the commit that then restarts the log fsyncs its new header on the main thread, so fewer of them cost less: at
 * 5,000 msg/s, 200 ms instead of 50 cost less relay CPU per message in 12 of 16 rounds, about 4 µs on average
 * (bench/relay/README.md, "Relay CPU, session 13"), for a log of about a megabyte more.
 */
const CHECKPOINT_MIN_INTERVAL_MS = 200;

export function openSqliteStore(options: SqliteStoreOptions): SqliteRelayStore {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(options.dataDir, SQLITE_FILE_NAME));
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: commits are not fsynced by SQLite (WalSync does it, asynchronously), but the WAL is
    // synced before every checkpoint and the database after it, so the file can never be corrupted.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_size_limit = 67108864');
    db.pragma('cache_size = -32768');
    migrate(db);
    const walSync = options.durability === 'disk' ? new WalSync(`${db.name}-wal`) : undefined;
    let checkpointer: WalCheckpointer | undefined;
    if (options.checkpointInWorker ?? true) {
      db.pragma(`wal_autocheckpoint = ${SAFETY_NET_AUTOCHECKPOINT_PAGES}`);
      checkpointer = new WalCheckpointer(db.name, {
        minIntervalMs: CHECKPOINT_MIN_INTERVAL_MS,
        onFailure: (message) => {
          if (db.open) db.pragma(`wal_autocheckpoint = ${MAIN_THREAD_AUTOCHECKPOINT_PAGES}`);
          options.onWarning?.('relay.checkpoint_worker_failed', message);
        },
      });
    }
    return new SqliteRelayStore(db, walSync, checkpointer);
  } catch (error) {
    db.close();
    throw error;
  }
}

function prepareStatements(db: Database.Database) {
  return {
    findUser: db.prepare<[string], { username: string }>('SELECT username FROM users WHERE username = ?'),
    insertUser: db.prepare<[string, number]>('INSERT INTO users (username, created_at) VALUES (?, ?)'),
    insertDevice: db.prepare<[string, number, string, number]>(
      'INSERT INTO devices (username, device, identity_key, registered_at) VALUES (?, ?, ?, ?)',
    ),
  };
}

export class SqliteRelayStore implements RelayStore {
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly mailboxes: SqliteMailboxes;
  private readonly writeBatch: (batch: MailboxWriteBatch) => MailboxWriteResult;
  private readonly registerInTransaction: (device: NewDevice) => RegisterOutcome;
  private readonly prekeys: SqlitePrekeyStore;
  private readonly devices: SqliteDevices;
  private readonly linkInTransaction: (link: DeviceLink) => LinkOutcome;
  private readonly removeInTransaction: (address: Address, now: number) => boolean;
  private readonly pruneInTransaction: (goneBefore: number, limit: number) => number;
  private closed = false;

  constructor(
    private readonly db: Database.Database,
    /** Absent when durability is `process`: the OS page cache is enough. */
    private readonly walSync: WalSync | undefined,
    private readonly checkpointer: WalCheckpointer | undefined,
  ) {
    this.statements = prepareStatements(db);
    this.mailboxes = new SqliteMailboxes(db);
    this.writeBatch = db.transaction((batch: MailboxWriteBatch) => this.mailboxes.write(batch));
    this.registerInTransaction = db.transaction((device: NewDevice) => this.registerOne(device));
    this.devices = new SqliteDevices(db);
    this.linkInTransaction = db.transaction((link: DeviceLink) => this.devices.link(link));
    this.removeInTransaction = db.transaction((address: Address, now: number) => {
      // Pending deliveries go as if acked, so the envelopes they share with other mailboxes keep true counts.
      this.mailboxes.write({ acks: [{ mailbox: address, through: MAX_SEQ, also: [] }], enqueues: [], mailboxQuota: 0, now });
      return this.devices.remove(address.user, address.device);
    });
    this.pruneInTransaction = db.transaction((goneBefore: number, limit: number) => this.mailboxes.pruneDedupRecords(goneBefore, limit));
    this.prekeys = new SqlitePrekeyStore(
      db,
      () => this.assertOpen(),
      () => this.afterWrite(),
    );
  }

  async registerDevice(device: NewDevice): Promise<RegisterOutcome> {
    this.assertOpen();
    const outcome = this.registerInTransaction({ ...device, address: normalized(device.address) });
    await this.afterWrite();
    return outcome;
  }

  async findDevice(address: Address): Promise<DeviceRecord | undefined> {
    this.assertOpen();
    return this.devices.find(normalizeUsername(address.user), address.device);
  }

  async linkDevice(link: DeviceLink): Promise<LinkOutcome> {
    this.assertOpen();
    const outcome = this.linkInTransaction({ ...link, user: normalizeUsername(link.user) });
    if (outcome.status === 'linked') await this.afterWrite();
    return outcome;
  }

  async listDevices(user: string): Promise<DeviceRecord[]> {
    this.assertOpen();
    return this.devices.list(normalizeUsername(user));
  }

  async removeDevice(address: Address, now: number): Promise<boolean> {
    this.assertOpen();
    let removed: boolean;
    try {
      removed = this.removeInTransaction(normalized(address), now);
    } finally {
      // The removed mailbox's counters (and, after a rollback, any) must be read again from the database.
      this.mailboxes.forget();
    }
    if (removed) await this.afterWrite();
    return removed;
  }

  async touchDevice(address: Address, at: number): Promise<void> {
    this.assertOpen();
    this.devices.touch(normalizeUsername(address.user), address.device, at);
  }

  async commitMailboxBatch(batch: MailboxWriteBatch): Promise<MailboxWriteResult> {
    this.assertOpen();
    let result: MailboxWriteResult;
    try {
      result = this.writeBatch(batch);
    } catch (error) {
      // The transaction was rolled back; the counters mirrored during it are not.
      this.mailboxes.forget();
      throw error;
    }
    this.checkpointer?.afterCommit();
    if (batch.durable !== false || batch.enqueues.length > 0) await this.walSync?.flush();
    return result;
  }

  async pageMailbox(mailbox: Address, afterSeq: number, limit: number): Promise<StoredDelivery[]> {
    this.assertOpen();
    return this.mailboxes.page(mailbox, afterSeq, limit);
  }

  async pendingCount(mailbox: Address): Promise<number> {
    this.assertOpen();
    return this.mailboxes.pendingCount(mailbox);
  }

  async pruneDedupRecords(goneBefore: number, limit: number): Promise<number> {
    this.assertOpen();
    return this.pruneInTransaction(goneBefore, limit);
  }

  publishPrekeys(upload: PrekeyUpload): Promise<PublishOutcome> {
    return this.prekeys.publishPrekeys(upload);
  }

  countPrekeys(device: Address): Promise<PrekeyCount> {
    return this.prekeys.countPrekeys(device);
  }

  takePrekeyBundles(request: BundleRequest, limit: number): Promise<TakeBundlesOutcome> {
    return this.prekeys.takePrekeyBundles(request, limit);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.transaction(() => this.mailboxes.saveExactNextSeqs())();
    } catch {
      // The reservations stay: the next run skips some seqs, and reuses none.
    }
    await this.checkpointer?.close();
    await this.walSync?.close();
    this.db.close();
  }

  /** Resolves once every write committed so far is durable. */
  private async afterWrite(): Promise<void> {
    this.checkpointer?.afterCommit();
    await this.walSync?.flush();
  }

  private registerOne(device: NewDevice): RegisterOutcome {
    const { user, device: deviceId } = device.address;
    const existing = this.devices.find(user, deviceId);
    if (existing !== undefined) {
      return existing.identityKey === device.identityKey && existing.certificate === undefined ? 'already_registered' : 'username_taken';
    }
    // A new device of an existing user is linked by the account's primary (linkDevice), never registered.
    if (this.statements.findUser.get(user) !== undefined) return 'username_taken';
    this.statements.insertUser.run(user, device.registeredAt);
    this.statements.insertDevice.run(user, deviceId, device.identityKey, device.registeredAt);
    this.devices.noteRegistered(user, deviceId);
    return 'registered';
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('store_closed', 'the relay store is closed');
  }
}

function normalized(address: Address): Address {
  return { user: normalizeUsername(address.user), device: address.device };
}
