// The embedded relay store: better-sqlite3 in WAL mode, one file in the data directory, prepared statements only.
// Transactions run synchronously (they only reach the OS page cache: synchronous=NORMAL); with durability
// `disk`, writes resolve only after WalSync has fdatasynced the log off the event loop, which is what makes
// `sent` mean "on disk". Nothing here scans a mailbox: counts live on the device row, pages use primary keys.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { normalizeUsername, type Address } from '../../../shared/protocol';
import type { Durability } from '../../config';
import {
  StoreError,
  type AckOutcome,
  type AckRequest,
  type BundleRequest,
  type CreatedDelivery,
  type DeviceRecord,
  type EnqueueOutcome,
  type EnvelopeToStore,
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
interface MailboxRow {
  id: number;
  pending: number;
}
interface PageRow {
  seq: number;
  message_id: string;
  sender_user: string;
  sender_device: number;
  payload: string | null;
  sent_at: number;
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
    findMailbox: db.prepare<[string, number], MailboxRow>(
      'SELECT d.id, m.pending FROM devices d JOIN mailboxes m ON m.device_id = d.id WHERE d.username = ? AND d.device = ?',
    ),
    pendingById: db.prepare<[number], { pending: number }>('SELECT pending FROM mailboxes WHERE device_id = ?'),
    findEnvelope: db.prepare<[string, string, number], { id: number }>(
      'SELECT id FROM envelopes WHERE message_id = ? AND sender_user = ? AND sender_device = ?',
    ),
    /** Inserts nothing (changes = 0) when (sender, messageId) is already stored: the dedup check and the write in one step. */
    insertEnvelope: db.prepare<[string, number, string, string, number, number]>(
      `INSERT INTO envelopes (sender_user, sender_device, message_id, payload, sent_at, remaining) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (message_id, sender_user, sender_device) DO NOTHING`,
    ),
    takeSeq: db.prepare<[number], { seq: number }>(
      'UPDATE mailboxes SET next_seq = next_seq + 1, pending = pending + 1 WHERE device_id = ? RETURNING next_seq - 1 AS seq',
    ),
    insertDelivery: db.prepare<[number, number, number]>('INSERT INTO deliveries (device_id, seq, envelope_id) VALUES (?, ?, ?)'),
    deleteDelivery: db.prepare<[number, number], { envelope_id: number }>(
      'DELETE FROM deliveries WHERE device_id = ? AND seq = ? RETURNING envelope_id',
    ),
    decrementPending: db.prepare<[number]>('UPDATE mailboxes SET pending = pending - 1 WHERE device_id = ?'),
    releaseEnvelope: db.prepare<[number, number]>(
      `UPDATE envelopes SET remaining = remaining - 1,
         payload = CASE WHEN remaining <= 1 THEN NULL ELSE payload END,
         gone_at = CASE WHEN remaining <= 1 THEN ? ELSE gone_at END
       WHERE id = ?`,
    ),
    page: db.prepare<[number, number, number], PageRow>(
      `SELECT d.seq, e.message_id, e.sender_user, e.sender_device, e.payload, e.sent_at
       FROM deliveries d JOIN envelopes e ON e.id = d.envelope_id
       WHERE d.device_id = ? AND d.seq > ? ORDER BY d.seq LIMIT ?`,
    ),
    pruneGone: db.prepare<[number, number]>(
      'DELETE FROM envelopes WHERE id IN (SELECT id FROM envelopes WHERE gone_at IS NOT NULL AND gone_at < ? LIMIT ?)',
    ),
  };
}

/** A device's id and its mailboxes row as the mailbox writes need them, mirrored in memory. */
interface MailboxEntry {
  id: number;
  /** Mirrors mailboxes.pending: this store is the only writer of the database, and a failed batch clears the mirror. */
  pending: number;
}

export class SqliteRelayStore implements RelayStore {
  private readonly statements: ReturnType<typeof prepareStatements>;
  /** By "user.device". Devices are never deleted, so ids never go stale; `pending` is kept in step with each write. */
  private readonly mailboxes = new Map<string, MailboxEntry>();
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
    this.writeBatch = db.transaction((batch: MailboxWriteBatch) => ({
      acks: batch.acks.map((ack) => this.ackOne(ack, batch.now)),
      enqueues: batch.enqueues.map((envelope) => this.enqueueOne(envelope, batch.mailboxQuota)),
    }));
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
      // The transaction was rolled back; the pending counts mirrored during it are not.
      this.mailboxes.clear();
      throw error;
    }
    this.checkpointer?.afterCommit();
    await this.walSync?.flush();
    return result;
  }

  async pageMailbox(mailbox: Address, afterSeq: number, limit: number): Promise<StoredDelivery[]> {
    this.assertOpen();
    const id = this.mailbox(mailbox)?.id;
    if (id === undefined || limit <= 0) return [];
    return this.statements.page.all(id, afterSeq, limit).map((row) => {
      if (row.payload === null) throw new StoreError('store_corrupt', 'a pending delivery points at an acked envelope');
      return {
        seq: row.seq,
        deliveryId: String(row.seq),
        messageId: row.message_id,
        from: { user: row.sender_user, device: row.sender_device },
        payload: row.payload,
        sentAt: row.sent_at,
      };
    });
  }

  async pendingCount(mailbox: Address): Promise<number> {
    this.assertOpen();
    const id = this.mailbox(mailbox)?.id;
    return id === undefined ? 0 : (this.statements.pendingById.get(id)?.pending ?? 0);
  }

  async pruneDedupRecords(goneBefore: number, limit: number): Promise<number> {
    this.assertOpen();
    return this.statements.pruneGone.run(goneBefore, limit).changes;
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

  private enqueueOne(envelope: EnvelopeToStore, quota: number): EnqueueOutcome {
    const sender = normalized(envelope.sender);
    const unknown: Address[] = [];
    const full: Address[] = [];
    const targets: Array<{ address: Address; mailbox: MailboxEntry }> = [];
    for (const recipient of envelope.recipients) {
      const address = normalized(recipient);
      const mailbox = this.mailbox(address);
      if (mailbox === undefined) unknown.push(address);
      else if (mailbox.pending >= quota) full.push(address);
      else targets.push({ address, mailbox });
    }
    // A resend is `duplicate` whatever its recipients: refusals only once it is known not to be one.
    const refusal: EnqueueOutcome | undefined =
      unknown.length > 0
        ? { status: 'unknown_recipient', recipients: unknown }
        : full.length > 0
          ? { status: 'mailbox_full', recipients: full }
          : undefined;
    if (refusal !== undefined) {
      return this.statements.findEnvelope.get(envelope.messageId, sender.user, sender.device) === undefined ? refusal : { status: 'duplicate' };
    }

    const inserted = this.statements.insertEnvelope.run(
      sender.user,
      sender.device,
      envelope.messageId,
      envelope.payload,
      envelope.sentAt,
      targets.length,
    );
    if (inserted.changes === 0) return { status: 'duplicate' };
    const envelopeId = Number(inserted.lastInsertRowid);
    const deliveries: CreatedDelivery[] = [];
    for (const { address, mailbox } of targets) {
      const taken = this.statements.takeSeq.get(mailbox.id);
      if (taken === undefined) throw new StoreError('store_corrupt', 'a mailbox vanished inside its transaction');
      mailbox.pending += 1;
      this.statements.insertDelivery.run(mailbox.id, taken.seq, envelopeId);
      deliveries.push({ recipient: address, seq: taken.seq, deliveryId: String(taken.seq) });
    }
    return { status: 'stored', deliveries };
  }

  private ackOne(ack: AckRequest, now: number): AckOutcome {
    const seq = parseDeliveryId(ack.deliveryId);
    const mailbox = this.mailbox(ack.mailbox);
    if (seq === undefined || mailbox === undefined) return 'unknown_delivery';
    const deleted = this.statements.deleteDelivery.get(mailbox.id, seq);
    if (deleted === undefined) return 'unknown_delivery';
    this.statements.decrementPending.run(mailbox.id);
    mailbox.pending -= 1;
    this.statements.releaseEnvelope.run(now, deleted.envelope_id);
    return 'acked';
  }

  /** The device row of a mailbox, read once and then kept in step in memory; undefined for an unknown device. */
  private mailbox(address: Address): MailboxEntry | undefined {
    const user = normalizeUsername(address.user);
    const key = `${user}.${address.device}`;
    const cached = this.mailboxes.get(key);
    if (cached !== undefined) return cached;
    const row = this.statements.findMailbox.get(user, address.device);
    if (row === undefined) return undefined;
    const entry = { id: row.id, pending: row.pending };
    this.mailboxes.set(key, entry);
    return entry;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('store_closed', 'the relay store is closed');
  }
}

/** Delivery ids of this store are the decimal seq of the delivery in its mailbox. */
function parseDeliveryId(deliveryId: string): number | undefined {
  if (!/^[1-9]\d{0,14}$/.test(deliveryId)) return undefined;
  return Number(deliveryId);
}

function normalized(address: Address): Address {
  return { user: normalizeUsername(address.user), device: address.device };
}
