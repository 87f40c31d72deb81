// The embedded relay store: better-sqlite3 in WAL mode, one file in the data directory, prepared statements only.
// Transactions run synchronously (they only reach the OS page cache: synchronous=NORMAL); with durability
// `disk`, writes resolve only after WalSync has fdatasynced the log off the event loop, which is what makes
// `sent` mean "on disk". Nothing here scans a mailbox: counters live in the mailboxes table, pages use primary keys.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { normalizeUsername, type Address } from '../../../shared/protocol';
import type { Durability } from '../../config';
import {
  StoreError,
  type BundleRequest,
  type DeviceRecord,
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

interface DeviceRow {
  username: string;
  device: number;
  identity_key: string;
  registered_at: number;
}

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
        minIntervalMs: 50,
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
    findDevice: db.prepare<[string, number], DeviceRow>(
      'SELECT username, device, identity_key, registered_at FROM devices WHERE username = ? AND device = ?',
    ),
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
    this.prekeys = new SqlitePrekeyStore(
      db,
      () => this.assertOpen(),
      async () => {
        this.checkpointer?.afterCommit();
        await this.walSync?.flush();
      },
    );
  }

  async registerDevice(device: NewDevice): Promise<RegisterOutcome> {
    this.assertOpen();
    const outcome = this.registerInTransaction({ ...device, address: normalized(device.address) });
    this.checkpointer?.afterCommit();
    await this.walSync?.flush();
    return outcome;
  }

  async findDevice(address: Address): Promise<DeviceRecord | undefined> {
    this.assertOpen();
    const row = this.statements.findDevice.get(normalizeUsername(address.user), address.device);
    if (row === undefined) return undefined;
    return { address: { user: row.username, device: row.device }, identityKey: row.identity_key, registeredAt: row.registered_at };
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
    return this.mailboxes.pruneDedupRecords(goneBefore, limit);
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
    await this.checkpointer?.close();
    await this.walSync?.close();
    this.db.close();
  }

  private registerOne(device: NewDevice): RegisterOutcome {
    const { user, device: deviceId } = device.address;
    const existing = this.statements.findDevice.get(user, deviceId);
    if (existing !== undefined) return existing.identity_key === device.identityKey ? 'already_registered' : 'username_taken';
    // A new device of an existing user needs linking by one of its devices, which is not in protocol v1.
    if (this.statements.findUser.get(user) !== undefined) return 'username_taken';
    this.statements.insertUser.run(user, device.registeredAt);
    this.statements.insertDevice.run(user, deviceId, device.identityKey, device.registeredAt);
    return 'registered';
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('store_closed', 'the relay store is closed');
  }
}

function normalized(address: Address): Address {
  return { user: normalizeUsername(address.user), device: address.device };
}
