// Decrypted messages waiting for the renderer to store them (receive durability). An entry is written before the
// session state that decrypted it, survives restarts, is handed out again by messages.pending, and is dropped only
// when the renderer commits it — then, and only then, its relay delivery is acked. A bounded record per sender device
// of recently committed relay ids turns a redelivery after a lost ack into a silent ack instead of a failed decrypt.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ReceivedMessage } from '../../../shared/ipc';
import { Address, MessageId, addressKey, type Address as AddressT } from '../../../shared/protocol';
import type { Delivery, Logger } from '../transport';
import { GroupSnapshot } from './envelope';
import { jsonRecord, type Vault } from '../vault';

/** Relay ids remembered per sender device after commit; redeliveries come right after a reconnect, not days later. */
export const COMMITTED_RING_SIZE = 512;
/** Relay ids of acked deliveries that never entered the inbox (typing, control), remembered in memory only. */
const RECENT_ACKS = 4_096;

const InboxEntry = z.strictObject({
  message: ReceivedMessage,
  /** The relay delivery this came from; null for entries made here (this device's own group changes). */
  from: Address.nullable(),
  relayMessageId: MessageId.nullable(),
  seq: z.number().int().nonnegative(),
  /** For a received group update: the sender's snapshot, to apply it again after a crash before it was applied. */
  groupSnapshot: GroupSnapshot.optional(),
});
export type InboxEntry = z.infer<typeof InboxEntry>;
const entryCodec = jsonRecord(InboxEntry, 'received message');
const ringCodec = jsonRecord(z.array(MessageId).max(COMMITTED_RING_SIZE), 'commit record');
const entryName = (inboxId: string) => `inbox:${inboxId}`;
const ringName = (from: AddressT) => `committed:${addressKey(from)}`;

/** Deterministic, so a redelivery of the same envelope maps to the entry it already made. */
export function inboxIdFor(from: AddressT | 'self', relayMessageId: string): string {
  const who = from === 'self' ? 'self' : addressKey(from);
  return createHash('sha256').update(`parley-inbox-v1\u0000${who}\u0000${relayMessageId}`).digest('base64url').slice(0, 32);
}

export class Inbox {
  private readonly entries = new Map<string, InboxEntry>();
  /** The newest delivery handle of each entry (a redelivery after reconnect replaces it). */
  private readonly deliveries = new Map<string, Delivery>();
  private readonly rings = new Map<string, string[]>();
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
      // Cannot be shown (it does not open); its delivery was never acked, so the relay still holds the envelope
      // unless it was committed. Either way keeping the broken file helps no one.
      logger.error('inbox.entry_unreadable', { code: failure.error.code });
      await vault.discard('inbox', failure.file);
    }
    for (const record of listing.records) {
      try {
        const entry = entryCodec.decode(record.payload);
        inbox.entries.set(entry.message.inboxId, entry);
        inbox.nextSeq = Math.max(inbox.nextSeq, entry.seq + 1);
      } catch (error) {
        logger.error('inbox.entry_invalid', { code: (error as { code?: string }).code ?? 'unknown' });
      }
    }
    return inbox;
  }

  has(inboxId: string): boolean {
    return this.entries.has(inboxId);
  }

  /** Remembers the live delivery of an entry already held, so the commit can ack it. */
  attach(inboxId: string, delivery: Delivery): void {
    this.deliveries.set(inboxId, delivery);
  }

  /** Stores an entry durably. The caller stores the session state only after this resolves. */
  async add(
    message: ReceivedMessage,
    source: { from: AddressT; relayMessageId: string; delivery: Delivery } | null,
    groupSnapshot?: GroupSnapshot,
  ): Promise<InboxEntry> {
    const entry: InboxEntry = {
      message,
      from: source?.from ?? null,
      relayMessageId: source?.relayMessageId ?? null,
      seq: this.nextSeq++,
      ...(groupSnapshot ? { groupSnapshot } : {}),
    };
    await this.vault.put('inbox', entryName(message.inboxId), entryCodec.encode(entry));
    this.entries.set(message.inboxId, entry);
    if (source) this.deliveries.set(message.inboxId, source.delivery);
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
    return (await this.ring(from)).includes(relayMessageId);
  }

  /** An envelope acked without an inbox entry (typing, control, undecryptable): a redelivery is acked silently. */
  noteAcked(from: AddressT, relayMessageId: string): void {
    const key = `${addressKey(from)}/${relayMessageId}`;
    this.recentAcks.add(key);
    if (this.recentAcks.size > RECENT_ACKS) this.recentAcks.delete(this.recentAcks.values().next().value!);
  }

  /**
   * The renderer stored these: remember their relay ids, drop the entries, then ack the relay. Unknown ids (already
   * committed, typing notices that never had an entry) are ignored.
   */
  async commit(inboxIds: readonly string[]): Promise<void> {
    const entries = inboxIds.map((id) => this.entries.get(id)).filter((entry): entry is InboxEntry => entry !== undefined);
    if (entries.length === 0) return;
    const bySender = new Map<string, { from: AddressT; ids: string[] }>();
    for (const entry of entries) {
      if (!entry.from || !entry.relayMessageId) continue;
      const key = addressKey(entry.from);
      const group = bySender.get(key) ?? { from: entry.from, ids: [] };
      group.ids.push(entry.relayMessageId);
      bySender.set(key, group);
    }
    await Promise.all([...bySender.values()].map(({ from, ids }) => this.remember(from, ids)));
    await Promise.all(entries.map((entry) => this.vault.delete('inbox', entryName(entry.message.inboxId))));
    for (const entry of entries) {
      const id = entry.message.inboxId;
      this.entries.delete(id);
      const delivery = this.deliveries.get(id);
      this.deliveries.delete(id);
      // If the connection it came on is gone, the relay redelivers it and the ring answers with a silent ack.
      delivery?.ack();
    }
    this.logger.debug('inbox.committed', { count: entries.length });
  }

  private async ring(from: AddressT): Promise<string[]> {
    const key = addressKey(from);
    const cached = this.rings.get(key);
    if (cached) return cached;
    const bytes = await this.vault.get('records', ringName(from));
    const ring = bytes ? ringCodec.decode(bytes) : [];
    this.rings.set(key, ring);
    return ring;
  }

  private async remember(from: AddressT, relayMessageIds: readonly string[]): Promise<void> {
    await this.ring(from);
    // Re-read after the await: another commit may have extended the ring meanwhile.
    const ring = [...(this.rings.get(addressKey(from)) ?? []), ...relayMessageIds].slice(-COMMITTED_RING_SIZE);
    this.rings.set(addressKey(from), ring);
    await this.vault.put('records', ringName(from), ringCodec.encode(ring));
  }
}
