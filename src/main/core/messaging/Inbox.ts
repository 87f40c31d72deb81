// Decrypted messages waiting for the renderer to store them (receive durability). The entries of one receive batch
// are written as one vault record before the session state that decrypted them, survive restarts, are handed out
// again by messages.pending, and leave the record only when the renderer commits them — then, and only then, their
// relay deliveries are acked. A bounded record per sender device of recently committed relay ids turns a redelivery
// after a lost ack into a silent ack instead of a failed decrypt. File operations are per batch and per commit,
// never per message.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { utf8Encode } from '../../../shared/encoding/utf8';
import { ReceivedMessage } from '../../../shared/ipc';
import { Address, MessageId, addressKey, type Address as AddressT } from '../../../shared/protocol';
import type { Delivery, Logger } from '../transport';
import { GroupSnapshotRecord, type GroupSnapshot } from '../groups/group';
import { jsonRecord, type Vault } from '../vault';

/** Relay ids remembered per sender device after commit; redeliveries come right after a reconnect, not days later. */
export const COMMITTED_RING_SIZE = 512;
/** Relay ids of acked deliveries that never entered the inbox (typing, control), remembered in memory only. */
const RECENT_ACKS = 4_096;
/** One inbox record holds at most this many entries and about this many bytes; a larger batch takes several. */
export const MAX_ENTRIES_PER_RECORD = 256;
const MAX_RECORD_PAYLOAD_BYTES = 1024 * 1024;
/** What a stored record may hold when read back (a bound against a hostile or broken file, not the write limit). */
const MAX_ENTRIES_READ = 1_000;

const InboxEntry = z.strictObject({
  message: ReceivedMessage,
  /** The relay delivery this came from; null for entries made here (this device's own group changes). */
  from: Address.nullable(),
  relayMessageId: MessageId.nullable(),
  seq: z.number().int().nonnegative(),
  /** For a received group update: the sender's snapshot, to apply it again after a crash before it was applied. */
  groupSnapshot: GroupSnapshotRecord.optional(),
});
export type InboxEntry = z.infer<typeof InboxEntry>;
const InboxRecord = z.strictObject({ entries: z.array(InboxEntry).min(1).max(MAX_ENTRIES_READ) });
const recordCodec = jsonRecord(InboxRecord, 'received messages');
const ringCodec = jsonRecord(z.array(MessageId).max(COMMITTED_RING_SIZE), 'commit record');
const ringName = (from: AddressT) => `committed:${addressKey(from)}`;
/** A random name per record: the file name (a keyed hash of it) says nothing, and names never collide. */
const newRecordName = () => `inbox-batch:${randomBytes(16).toString('hex')}`;

/** Deterministic, so a redelivery of the same envelope maps to the entry it already made. */
export function inboxIdFor(from: AddressT | 'self', relayMessageId: string): string {
  const who = from === 'self' ? 'self' : addressKey(from);
  return createHash('sha256').update(`parley-inbox-v1\u0000${who}\u0000${relayMessageId}`).digest('base64url').slice(0, 32);
}

/**
 * Each delivery's inbox id, made once: it is asked for when the delivery arrives, when its batch is handled and for
 * its entry — for a catch-up, thousands of deliveries arrive before the first batch is handled.
 */
const deliveryIds = new WeakMap<Delivery, string>();
export function inboxIdOf(delivery: Delivery): string {
  let id = deliveryIds.get(delivery);
  if (id === undefined) deliveryIds.set(delivery, (id = inboxIdFor(delivery.from, delivery.messageId)));
  return id;
}

export interface NewInboxEntry {
  message: ReceivedMessage;
  /** The delivery it came from; null for entries made on this device. */
  source: { from: AddressT; relayMessageId: string; delivery: Delivery } | null;
  groupSnapshot?: GroupSnapshot;
}

/** A sender device's recently committed relay ids: oldest first as stored, and a set to look them up per delivery. */
interface CommittedRing {
  readonly ids: readonly string[];
  readonly lookup: ReadonlySet<string>;
}

function committedRing(ids: readonly string[]): CommittedRing {
  return { ids, lookup: new Set(ids) };
}

/** One inbox record on disk and the ids of its entries not committed yet. */
interface StoredRecord {
  readonly name: string;
  readonly uncommitted: Set<string>;
}

/** A record of entries already in JSON: what recordCodec.encode makes of them, with each entry stringified once. */
interface RecordDraft {
  readonly entries: InboxEntry[];
  readonly json: string[];
}

/** Entries grouped so that each record stays within the limits (each entry's JSON measures it and is kept for the record). */
function chunk(entries: readonly InboxEntry[]): RecordDraft[] {
  const chunks: RecordDraft[] = [];
  let current: RecordDraft = { entries: [], json: [] };
  let bytes = 0;
  for (const entry of entries) {
    const json = JSON.stringify(entry);
    if (current.entries.length > 0 && (current.entries.length >= MAX_ENTRIES_PER_RECORD || bytes + json.length > MAX_RECORD_PAYLOAD_BYTES)) {
      chunks.push(current);
      current = { entries: [], json: [] };
      bytes = 0;
    }
    current.entries.push(entry);
    current.json.push(json);
    bytes += json.length;
  }
  if (current.entries.length > 0) chunks.push(current);
  return chunks;
}

/** The bytes of a record, from its entries' JSON: the same as recordCodec.encode({ entries }). */
const draftBytes = (draft: RecordDraft): Uint8Array => utf8Encode(`{"entries":[${draft.json.join(',')}]}`);

export class Inbox {
  private readonly entries = new Map<string, InboxEntry>();
  /** The record each uncommitted entry is stored in. */
  private readonly recordOf = new Map<string, StoredRecord>();
  /** The newest delivery handle of each entry (a redelivery after reconnect replaces it). */
  private readonly deliveries = new Map<string, Delivery>();
  private readonly rings = new Map<string, CommittedRing>();
  private readonly recentAcks = new Set<string>();
  private nextSeq = 1;

  private constructor(
    private readonly vault: Vault,
    private readonly logger: Logger,
  ) {}

  static async open(vault: Vault, logger: Logger): Promise<Inbox> {
    const inbox = new Inbox(vault, logger);
    const listing = await vault.list('inbox');
    for (const failure of listing.failures) {
      // Cannot be shown (it does not open); its deliveries were never acked, so the relay still holds the envelopes
      // unless they were committed. Either way keeping the broken file helps no one.
      logger.error('inbox.entry_unreadable', { code: failure.error.code });
      await vault.discard('inbox', failure.file);
    }
    for (const record of listing.records) {
      try {
        inbox.track(record.name, recordCodec.decode(record.payload).entries);
      } catch (error) {
        logger.error('inbox.entry_invalid', { code: (error as { code?: string }).code ?? 'unknown' });
      }
    }
    await inbox.forgetCommitted();
    return inbox;
  }

  has(inboxId: string): boolean {
    return this.entries.has(inboxId);
  }

  /** Remembers the live delivery of an entry already held, so the commit can ack it. */
  attach(inboxId: string, delivery: Delivery): void {
    this.deliveries.set(inboxId, delivery);
  }

  /**
   * Stores the entries of one receive batch durably, as one record (several only for a very large batch). The
   * caller stores the session state only after this resolves. Ids already held are skipped.
   */
  async addAll(items: readonly NewInboxEntry[]): Promise<InboxEntry[]> {
    const ids = new Set<string>();
    const fresh = items.filter((item) => {
      const id = item.message.inboxId;
      if (this.entries.has(id) || ids.has(id)) return false;
      ids.add(id);
      return true;
    });
    if (fresh.length === 0) return [];
    const entries: InboxEntry[] = fresh.map((item) => ({
      message: item.message,
      from: item.source?.from ?? null,
      relayMessageId: item.source?.relayMessageId ?? null,
      seq: this.nextSeq++,
      ...(item.groupSnapshot ? { groupSnapshot: item.groupSnapshot } : {}),
    }));
    const records = chunk(entries).map((draft) => ({ name: newRecordName(), entries: draft.entries, bytes: draftBytes(draft) }));
    await Promise.all(records.map((record) => this.vault.put('inbox', record.name, record.bytes)));
    for (const record of records) this.track(record.name, record.entries);
    for (const item of fresh) if (item.source) this.deliveries.set(item.message.inboxId, item.source.delivery);
    return entries;
  }

  /** Stores one entry durably (a batch of one). */
  async add(message: ReceivedMessage, source: NewInboxEntry['source'], groupSnapshot?: GroupSnapshot): Promise<InboxEntry | undefined> {
    const [entry] = await this.addAll([{ message, source, ...(groupSnapshot ? { groupSnapshot } : {}) }]);
    return entry;
  }

  /** Every entry not committed yet, oldest first. */
  pending(): ReceivedMessage[] {
    return [...this.entries.values()].sort((a, b) => a.seq - b.seq).map((entry) => entry.message);
  }

  entriesOf(kind: ReceivedMessage['content']['kind']): InboxEntry[] {
    return [...this.entries.values()].filter((entry) => entry.message.content.kind === kind).sort((a, b) => a.seq - b.seq);
  }

  /** Whether this relay message from this device was committed (or acked without an entry) recently. */
  async wasHandled(from: AddressT, relayMessageId: string): Promise<boolean> {
    if (this.recentAcks.has(`${addressKey(from)}/${relayMessageId}`)) return true;
    return (await this.ring(from)).lookup.has(relayMessageId);
  }

  /** An envelope acked without an inbox entry (typing, control, undecryptable): a redelivery is acked silently. */
  noteAcked(from: AddressT, relayMessageId: string): void {
    const key = `${addressKey(from)}/${relayMessageId}`;
    this.recentAcks.add(key);
    if (this.recentAcks.size > RECENT_ACKS) this.recentAcks.delete(this.recentAcks.values().next().value!);
  }

  /**
   * The renderer stored these: remember their relay ids (durably), take them out of their records — a record left
   * empty is deleted, one with entries left is rewritten with those — then ack the relay. Unknown ids (already
   * committed, typing notices that never had an entry) are ignored.
   */
  async commit(inboxIds: readonly string[]): Promise<void> {
    const entries = [...new Set(inboxIds)].map((id) => this.entries.get(id)).filter((entry): entry is InboxEntry => entry !== undefined);
    if (entries.length === 0) return;
    // First what recognises a redelivery once acked: a crash after this leaves the entries in their records, and the
    // next open drops them again because the ring names them.
    await this.rememberCommitted(entries);
    // Once the ring is durable, acking is safe even if taking the entries out of their records fails: a copy left
    // on disk is dropped at the next open because the ring names it.
    let failure: { error: unknown } | undefined;
    try {
      await this.release(entries);
    } catch (error) {
      failure = { error };
    }
    for (const entry of entries) {
      const id = entry.message.inboxId;
      const delivery = this.deliveries.get(id);
      this.deliveries.delete(id);
      // If the connection it came on is gone, the relay redelivers it and the ring answers with a silent ack.
      delivery?.ack();
    }
    if (failure) throw failure.error;
    this.logger.debug('inbox.committed', { count: entries.length });
  }

  private track(name: string, entries: readonly InboxEntry[]): void {
    const record: StoredRecord = { name, uncommitted: new Set() };
    for (const entry of entries) {
      const id = entry.message.inboxId;
      // The same entry in two records (a crash between writing a record and deleting the one it replaced cannot
      // happen today, but a copy is harmless): the first one read is the one tracked.
      if (this.entries.has(id)) continue;
      this.entries.set(id, entry);
      this.recordOf.set(id, record);
      record.uncommitted.add(id);
      this.nextSeq = Math.max(this.nextSeq, entry.seq + 1);
    }
    if (record.uncommitted.size === 0) {
      void this.vault.delete('inbox', name).catch((error: unknown) => this.logger.warn('inbox.delete_failed', { code: (error as { code?: string }).code ?? 'unknown' }));
    }
  }

  /** At open: entries whose relay ids are in their sender's commit record were committed before a crash. */
  private async forgetCommitted(): Promise<void> {
    const committed: InboxEntry[] = [];
    for (const entry of this.entries.values()) {
      if (entry.from && entry.relayMessageId && (await this.ring(entry.from)).lookup.has(entry.relayMessageId)) committed.push(entry);
    }
    if (committed.length === 0) return;
    try {
      await this.release(committed);
    } catch (error) {
      // They are out of memory already; the record keeps them until the next open tries again.
      this.logger.warn('inbox.cleanup_failed', { code: (error as { code?: string }).code ?? 'unknown' });
    }
  }

  /** Takes entries out of memory and out of their records: one delete or rewrite per record touched. */
  private async release(entries: readonly InboxEntry[]): Promise<void> {
    const touched = new Set<StoredRecord>();
    for (const entry of entries) {
      const id = entry.message.inboxId;
      const record = this.recordOf.get(id);
      // Already released by a commit running alongside this one.
      if (!record || !this.entries.delete(id)) continue;
      this.recordOf.delete(id);
      record.uncommitted.delete(id);
      touched.add(record);
    }
    await Promise.all(
      [...touched].map((record) => {
        if (record.uncommitted.size === 0) return this.vault.delete('inbox', record.name);
        const left = [...record.uncommitted].map((id) => this.entries.get(id)!);
        return this.vault.put('inbox', record.name, recordCodec.encode({ entries: left }));
      }),
    );
  }

  private async ring(from: AddressT): Promise<CommittedRing> {
    const key = addressKey(from);
    const cached = this.rings.get(key);
    if (cached) return cached;
    const bytes = await this.vault.get('records', ringName(from));
    const ring = committedRing(bytes ? ringCodec.decode(bytes) : []);
    // Another caller may have loaded (and extended) it meanwhile.
    const current = this.rings.get(key);
    if (current) return current;
    this.rings.set(key, ring);
    return ring;
  }

  private async rememberCommitted(entries: readonly InboxEntry[]): Promise<void> {
    const bySender = new Map<string, { from: AddressT; ids: string[] }>();
    for (const entry of entries) {
      if (!entry.from || !entry.relayMessageId) continue;
      const key = addressKey(entry.from);
      const group = bySender.get(key) ?? { from: entry.from, ids: [] };
      group.ids.push(entry.relayMessageId);
      bySender.set(key, group);
    }
    await Promise.all([...bySender.values()].map(({ from, ids }) => this.remember(from, ids)));
  }

  private async remember(from: AddressT, relayMessageIds: readonly string[]): Promise<void> {
    await this.ring(from);
    // Re-read after the await: another commit may have extended the ring meanwhile.
    const ids = [...(this.rings.get(addressKey(from))?.ids ?? []), ...relayMessageIds].slice(-COMMITTED_RING_SIZE);
    this.rings.set(addressKey(from), committedRing(ids));
    await this.vault.put('records', ringName(from), ringCodec.encode(ids));
  }
}
