// Device mailboxes in SQLite. An envelope is stored once however many mailboxes it goes to; each mailbox holds
// small delivery rows (device, seq) pointing at it. The envelope row is the dedup record.
// A single-recipient envelope's ack deletes its delivery row and touches nothing else (schema 9): the envelope was
// stored with no deliveries to count (`remaining` 0), its dedup retention already running from the relay's acceptance
// (`gone_at`), and naming its delivery (`delivery_device`, `delivery_seq`) so that a prune can tell whether it is still
// pending. Its payload goes in `payloads` under the envelope's id (schema 10), appended in arrival order, and the
// delivery row points at it (`payload_id`): pending rows stay a few bytes each, so the commits' inserts and acks touch
// a few pages of `deliveries` however many are pending, and acked payloads are freed by range every
// PAYLOAD_FREE_EVERY writes, up to the oldest one still pointed at. A payload pending for PAYLOAD_MOVE_AFTER envelopes
// or PAYLOAD_MOVE_AFTER_MS moves into its delivery row (`deliveries.payload`, as schema 8 stored all of them), so an offline recipient never
// holds the range back for long. A fan-out's deliveries hold no payload: their acks count the envelope down, and the
// last one drops its shared payload.
// Retention (docs/protocol.md, "Dedup"): a record goes once its `gone_at` is older than the cut-off and no delivery of
// it is pending. A prune that meets one still pending parks it: `gone_at` is cleared and a single recipient's payload
// moves into the envelope, so its ack counts it down like a fan-out's and sets `gone_at` to the ack's time, and a later
// prune takes it.
// A batch costs a fixed handful of statements, not several per message: the envelopes of a batch go in with multi-row
// inserts (the dedup check is their ON CONFLICT), their deliveries likewise, a cumulative ack is one range delete per
// mailbox, envelope counts drop in one statement. Everything here runs inside the caller's transaction.
// A mailbox's counters live in memory (this store is the database's only writer) and mostly stay there, since
// writing them back would dirty pages of the mailboxes table in every commit: `pending` is counted from its delivery
// rows when a mailbox is first read, and the stored `next_seq` is a reservation — every seq below it may have been
// used — raised SEQ_RESERVATION at a time in the transaction that reaches it, and set exact again by close(). A
// crash therefore skips what was left of the reservations; a seq is never reused.
import type Database from 'better-sqlite3';
import { normalizeUsername, type Address } from '../../../shared/protocol';
import {
  StoreError,
  type EnqueueOutcome,
  type EnvelopeToStore,
  type MailboxAck,
  type MailboxWriteBatch,
  type MailboxWriteResult,
  type StoredDelivery,
} from '../relay-store';

/** Seqs a mailbox reserves at a time: its row is written once per this many deliveries. */
export const SEQ_RESERVATION = 1024;
/** Rows per multi-row insert: (rows × columns) parameters stay far below SQLite's limit of 32,766. */
const ENVELOPE_ROWS_PER_INSERT = 32;
const DELIVERY_ROWS_PER_INSERT = 128;
const PAYLOAD_ROWS_PER_INSERT = 128;
/** Writes between two passes that free acked payloads by range (and move long-pending ones out of the way). */
export const PAYLOAD_FREE_EVERY = 10;
/** Envelopes stored after a pending payload, beyond which it moves into its delivery row. */
export const PAYLOAD_MOVE_AFTER = 20_000;
/** …or for this long (by the batches' clock), whichever comes first: an acked payload lingers about this long at most. */
export const PAYLOAD_MOVE_AFTER_MS = 60_000;

interface MailboxEntry {
  id: number;
  nextSeq: number;
  /** next_seq as stored: no seq at or above it has been used. */
  reservedTo: number;
  pending: number;
  /**
   * No pending delivery above this seq is counted down by its ack (a fan-out's, or a parked single recipient's); 0:
   * none is. A cumulative ack looks such deliveries up only below it, so one-to-one traffic acks with one statement.
   */
  countedUpTo: number;
}

interface PruneCandidate {
  id: number;
  remaining: number;
  delivery_device: number | null;
  delivery_seq: number | null;
}

interface PageRow {
  seq: number;
  message_id: string;
  sender_user: string;
  sender_device: number;
  payload: Buffer | null;
  sent_at: number;
}

function prepareStatements(db: Database.Database) {
  return {
    findMailbox: db.prepare<[string, number], { id: number; next_seq: number; pending: number; counted_up_to: number }>(
      `SELECT d.id, m.next_seq, (SELECT count(*) FROM deliveries WHERE device_id = d.id) AS pending,
         (SELECT coalesce(max(seq), 0) FROM deliveries WHERE device_id = d.id AND payload IS NULL AND payload_id IS NULL) AS counted_up_to
       FROM devices d JOIN mailboxes m ON m.device_id = d.id WHERE d.username = ? AND d.device = ?`,
    ),
    findEnvelope: db.prepare<[string, string, number], { id: number }>(
      'SELECT id FROM envelopes WHERE message_id = ? AND sender_user = ? AND sender_device = ?',
    ),
    deleteEnvelope: db.prepare<[number]>('DELETE FROM envelopes WHERE id = ?'),
    /** Stores reservations: a JSON array of [device id, next seq]. */
    saveNextSeqs: db.prepare<[string]>(
      `UPDATE mailboxes SET next_seq = j.value ->> 1 FROM json_each(?) AS j WHERE mailboxes.device_id = j.value ->> 0`,
    ),
    /** The seq a single-recipient envelope's delivery got, when it is not the one planned (applyEnqueues). */
    moveDeliveryPointer: db.prepare<[number, number]>('UPDATE envelopes SET delivery_seq = ? WHERE id = ?'),
    /**
     * Plucked: the envelopes a cumulative ack counts down (fan-outs' deliveries, which hold no payload). Read apart
     * from the delete, which then needs no RETURNING: that costs SQLite far more than this read (README.md, "Relay
     * CPU, session 12").
     */
    countedThrough: db
      .prepare<[number, number], number>(
        'SELECT envelope_id FROM deliveries WHERE device_id = ? AND seq <= ? AND payload IS NULL AND payload_id IS NULL',
      )
      .pluck(),
    ackThrough: db.prepare<[number, number]>('DELETE FROM deliveries WHERE device_id = ? AND seq <= ?'),
    ackListed: db
      .prepare<[number, string], number | null>(
        `DELETE FROM deliveries WHERE device_id = ? AND seq IN (SELECT value FROM json_each(?))
         RETURNING CASE WHEN payload IS NULL AND payload_id IS NULL THEN envelope_id END`,
      )
      .pluck(),
    /**
     * A JSON array of [envelope id, deliveries acked]; an envelope whose last delivery went keeps only its dedup key,
     * its retention running from now unless it runs from its acceptance.
     */
    releaseEnvelopes: db.prepare<[number, string]>(
      `UPDATE envelopes SET remaining = remaining - (j.value ->> 1),
         payload = CASE WHEN remaining <= (j.value ->> 1) THEN NULL ELSE payload END,
         gone_at = CASE WHEN remaining <= (j.value ->> 1) THEN coalesce(gone_at, ?) ELSE gone_at END
       FROM json_each(?) AS j WHERE envelopes.id = j.value ->> 0`,
    ),
    page: db.prepare<[number, number, number], PageRow>(
      `SELECT d.seq, e.message_id, e.sender_user, e.sender_device, coalesce(d.payload, p.payload, e.payload) AS payload, e.sent_at
       FROM deliveries d JOIN envelopes e ON e.id = d.envelope_id LEFT JOIN payloads p ON p.id = d.payload_id
       WHERE d.device_id = ? AND d.seq > ? ORDER BY d.seq LIMIT ?`,
    ),
    pruneCandidates: db.prepare<[number, number], PruneCandidate>(
      `SELECT id, remaining, delivery_device, delivery_seq FROM envelopes
       WHERE gone_at IS NOT NULL AND gone_at < ? ORDER BY gone_at LIMIT ?`,
    ),
    deliveryPending: db.prepare<[number, number, number], { pending: 1 }>(
      'SELECT 1 AS pending FROM deliveries WHERE device_id = ? AND seq = ? AND envelope_id = ?',
    ),
    /** Takes a pending envelope out of the prune's index until its last ack. */
    parkEnvelope: db.prepare<[number]>('UPDATE envelopes SET gone_at = NULL WHERE id = ?'),
    /** …and a single recipient's pending delivery gives its payload to the envelope, so that its ack counts it down. */
    parkSingle: db.prepare<[number, number, number]>(
      `UPDATE envelopes SET remaining = 1, delivery_device = NULL, delivery_seq = NULL,
         payload = (SELECT coalesce(d.payload, p.payload) FROM deliveries d LEFT JOIN payloads p ON p.id = d.payload_id
                    WHERE d.device_id = ? AND d.seq = ?)
       WHERE id = ?`,
    ),
    dropDeliveryPayload: db.prepare<[number, number]>('UPDATE deliveries SET payload = NULL, payload_id = NULL WHERE device_id = ? AND seq = ?'),
    /** Payloads pending since before the given id move into their delivery rows. */
    movePayloads: db.prepare<[number]>(
      `UPDATE deliveries SET payload = (SELECT payload FROM payloads WHERE id = deliveries.payload_id), payload_id = NULL
       WHERE payload_id IS NOT NULL AND payload_id < ?`,
    ),
    /** Every payload below the oldest one a delivery points at has been acked. */
    freePayloads: db.prepare<[number]>(
      'DELETE FROM payloads WHERE id < coalesce((SELECT min(payload_id) FROM deliveries WHERE payload_id IS NOT NULL), ?)',
    ),
  };
}

export class SqliteMailboxes {
  private readonly statements: ReturnType<typeof prepareStatements>;
  /** By "user.device"; dropped whole when a transaction fails, since its rollback does not reach memory. */
  private readonly mailboxes = new Map<string, MailboxEntry>();
  /** The same entries by device id, for the prune's parking. */
  private readonly mailboxesById = new Map<number, MailboxEntry>();
  private readonly envelopeInserts = new Map<number, Database.Statement<unknown[]>>();
  private readonly deliveryInserts = new Map<number, Database.Statement<unknown[]>>();
  private readonly payloadInserts = new Map<number, Database.Statement<unknown[]>>();
  /** write() calls, for PAYLOAD_FREE_EVERY, and the highest id in payloads. */
  private writes = 0;
  private lastEnvelopeId = 0;
  /** lastEnvelopeId at past free passes, oldest first, back to the newest one at least PAYLOAD_MOVE_AFTER_MS old. */
  private idsAt: Array<{ at: number; id: number }> = [];

  constructor(private readonly db: Database.Database) {
    this.statements = prepareStatements(db);
    this.lastEnvelopeId = db.prepare<[], number>('SELECT coalesce(max(id), 0) FROM payloads').pluck().get() ?? 0;
  }

  /** Applies a batch; call inside a transaction, and forget() if that transaction fails. */
  write(batch: MailboxWriteBatch): MailboxWriteResult {
    this.applyAcks(batch.acks, batch.now);
    const reserving = new Set<MailboxEntry>();
    const enqueues = this.applyEnqueues(batch.enqueues, batch.mailboxQuota, batch.now, reserving);
    if (++this.writes % PAYLOAD_FREE_EVERY === 0) this.freePayloads(batch.now);
    if (reserving.size > 0) {
      this.statements.saveNextSeqs.run(JSON.stringify([...reserving].map((m) => [m.id, m.reservedTo])));
    }
    return { enqueues };
  }

  /** Stores every mailbox's exact next seq, so a clean restart skips none; call inside a transaction, before closing. */
  saveExactNextSeqs(): void {
    const moved = [...this.mailboxes.values()].filter((m) => m.nextSeq < m.reservedTo);
    if (moved.length > 0) this.statements.saveNextSeqs.run(JSON.stringify(moved.map((m) => [m.id, m.nextSeq])));
    for (const m of moved) m.reservedTo = m.nextSeq;
  }

  /** Moves payloads pending for long into their delivery rows, then frees every payload below the oldest pending. */
  private freePayloads(now: number): void {
    this.idsAt.push({ at: now, id: this.lastEnvelopeId });
    while (this.idsAt.length > 1 && this.idsAt[1]!.at <= now - PAYLOAD_MOVE_AFTER_MS) this.idsAt.shift();
    const old = this.idsAt[0]!.at <= now - PAYLOAD_MOVE_AFTER_MS ? this.idsAt[0]!.id + 1 : 0;
    const below = Math.max(old, this.lastEnvelopeId - PAYLOAD_MOVE_AFTER);
    if (below > 0) this.statements.movePayloads.run(below);
    this.statements.freePayloads.run(this.lastEnvelopeId + 1);
  }

  /** The transaction holding the last write() rolled back: the in-memory counters are no longer true. */
  forget(): void {
    this.mailboxes.clear();
    this.mailboxesById.clear();
  }

  page(mailbox: Address, afterSeq: number, limit: number): StoredDelivery[] {
    const id = this.mailbox(mailbox)?.id;
    if (id === undefined || limit <= 0) return [];
    return this.statements.page.all(id, afterSeq, limit).map((row) => {
      if (row.payload === null) throw new StoreError('store_corrupt', 'a pending delivery points at an acked envelope');
      return {
        seq: row.seq,
        messageId: row.message_id,
        from: { user: row.sender_user, device: row.sender_device },
        payload: row.payload,
        sentAt: row.sent_at,
      };
    });
  }

  pendingCount(mailbox: Address): number {
    return this.mailbox(mailbox)?.pending ?? 0;
  }

  /**
   * Deletes up to `limit` dedup records whose retention started before `goneBefore` and no delivery of which is
   * pending, and parks the pending ones it meets (see the top of this file). Call inside a transaction.
   */
  pruneDedupRecords(goneBefore: number, limit: number): number {
    let deleted = 0;
    while (deleted < limit) {
      const candidates = this.statements.pruneCandidates.all(goneBefore, limit - deleted);
      if (candidates.length === 0) break;
      for (const { id, remaining, delivery_device: device, delivery_seq: seq } of candidates) {
        const single = device !== null && seq !== null;
        if (remaining === 0 && !(single && this.statements.deliveryPending.get(device, seq, id) !== undefined)) {
          this.statements.deleteEnvelope.run(id);
          deleted += 1;
          continue;
        }
        this.statements.parkEnvelope.run(id);
        if (single) {
          this.statements.parkSingle.run(device, seq, id);
          this.statements.dropDeliveryPayload.run(device, seq);
          const mailbox = this.mailboxesById.get(device);
          if (mailbox !== undefined) mailbox.countedUpTo = Math.max(mailbox.countedUpTo, seq);
        }
      }
    }
    return deleted;
  }

  private applyAcks(acks: readonly MailboxAck[], now: number): void {
    if (acks.length === 0) return;
    const released = new Map<number, number>();
    const release = (envelopeIds: Array<number | null>) => {
      for (const id of envelopeIds) if (id !== null) released.set(id, (released.get(id) ?? 0) + 1);
      return envelopeIds.length;
    };
    for (const ack of acks) {
      const mailbox = this.mailbox(ack.mailbox);
      if (mailbox === undefined) continue;
      let removed = 0;
      if (ack.through > 0) {
        if (mailbox.countedUpTo > 0) release(this.statements.countedThrough.all(mailbox.id, ack.through));
        if (ack.through >= mailbox.countedUpTo) mailbox.countedUpTo = 0;
        removed = this.statements.ackThrough.run(mailbox.id, ack.through).changes;
      }
      if (ack.also.length > 0) removed += release(this.statements.ackListed.all(mailbox.id, JSON.stringify(ack.also)));
      mailbox.pending -= removed;
    }
    if (released.size > 0) this.statements.releaseEnvelopes.run(now, JSON.stringify([...released]));
  }

  private applyEnqueues(envelopes: readonly EnvelopeToStore[], quota: number, now: number, reserving: Set<MailboxEntry>): EnqueueOutcome[] {
    const outcomes: EnqueueOutcome[] = new Array(envelopes.length);
    /** Each candidate's mailboxes, one per recipient in the envelope's order. */
    const targets: MailboxEntry[][] = new Array(envelopes.length);
    const candidates: number[] = [];
    const unknownRefusals: number[] = [];
    const keysInBatch = new Set<string>();
    envelopes.forEach((envelope, i) => {
      const key = dedupKey(envelope.messageId, envelope.sender.user, envelope.sender.device);
      if (keysInBatch.has(key)) {
        outcomes[i] = { status: 'duplicate' };
        return;
      }
      keysInBatch.add(key);
      const mailboxes: Array<MailboxEntry | undefined> = envelope.recipients.map((recipient) => this.mailbox(recipient));
      if (mailboxes.includes(undefined)) {
        outcomes[i] = { status: 'unknown_recipient', recipients: envelope.recipients.filter((_, k) => mailboxes[k] === undefined) };
        unknownRefusals.push(i);
        return;
      }
      targets[i] = mailboxes as MailboxEntry[];
      candidates.push(i);
    });

    // The seqs as they will be if every candidate is stored, the common case: a single-recipient envelope names its
    // delivery by it, corrected below when a duplicate or a full mailbox earlier in the batch took none.
    const plannedSeqs = new Map<MailboxEntry, number>();
    const plannedSeq: number[] = new Array(envelopes.length);
    for (const i of candidates) {
      for (const mailbox of targets[i]!) {
        const seq = plannedSeqs.get(mailbox) ?? mailbox.nextSeq;
        plannedSeqs.set(mailbox, seq + 1);
        if (targets[i]!.length === 1) plannedSeq[i] = seq;
      }
    }
    const inserted = this.insertEnvelopes(envelopes, candidates, targets, plannedSeq, now);
    const deliveryRows: unknown[] = [];
    const payloadRows: unknown[] = [];
    for (const i of candidates) {
      const id = inserted.get(i);
      if (id === undefined) {
        outcomes[i] = { status: 'duplicate' };
        continue;
      }
      const { recipients, payload } = envelopes[i]!;
      const mailboxes = targets[i]!;
      if (mailboxes.some((mailbox) => mailbox.pending >= quota)) {
        // Rare (a recipient at its quota): the envelope was inserted with the batch and goes again.
        this.statements.deleteEnvelope.run(id);
        outcomes[i] = { status: 'mailbox_full', recipients: recipients.filter((_, k) => mailboxes[k]!.pending >= quota) };
        continue;
      }
      const single = mailboxes.length === 1;
      const deliveries = mailboxes.map((mailbox, k) => {
        const seq = mailbox.nextSeq++;
        mailbox.pending += 1;
        if (seq >= mailbox.reservedTo) {
          mailbox.reservedTo = seq + SEQ_RESERVATION;
          reserving.add(mailbox);
        }
        if (single && seq !== plannedSeq[i]) this.statements.moveDeliveryPointer.run(seq, id);
        if (!single) mailbox.countedUpTo = seq;
        deliveryRows.push(mailbox.id, seq, id, single ? id : null);
        if (single) payloadRows.push(id, payload);
        return { recipient: recipients[k]!, seq };
      });
      outcomes[i] = { status: 'stored', deliveries };
    }
    this.insertDeliveries(deliveryRows);
    this.insertPayloads(payloadRows);
    // A refused send is a duplicate when its key was stored before (its first copy may have had other recipients).
    for (const i of unknownRefusals) {
      const { messageId, sender } = envelopes[i]!;
      if (this.statements.findEnvelope.get(messageId, sender.user, sender.device) !== undefined) outcomes[i] = { status: 'duplicate' };
    }
    return outcomes;
  }

  /**
   * Inserts the envelopes at `indexes`, accepted at `now`; returns the ids of those that were new, by their index in
   * `envelopes`. A single-recipient envelope names its delivery (`plannedSeq`); a fan-out counts its deliveries.
   */
  private insertEnvelopes(
    envelopes: readonly EnvelopeToStore[],
    indexes: readonly number[],
    targets: ReadonlyArray<readonly MailboxEntry[]>,
    plannedSeq: readonly number[],
    now: number,
  ): Map<number, number> {
    const inserted = new Map<number, number>();
    for (let start = 0; start < indexes.length; start += ENVELOPE_ROWS_PER_INSERT) {
      const chunk = indexes.slice(start, start + ENVELOPE_ROWS_PER_INSERT);
      const parameters: unknown[] = [];
      for (const i of chunk) {
        const e = envelopes[i]!;
        const recipients = targets[i]!;
        const user = normalizeUsername(e.sender.user);
        if (recipients.length === 1) parameters.push(user, e.sender.device, e.messageId, null, e.sentAt, 0, now, recipients[0]!.id, plannedSeq[i]);
        else parameters.push(user, e.sender.device, e.messageId, e.payload, e.sentAt, recipients.length, now, null, null);
      }
      // No RETURNING, which costs SQLite more than the insert: a row id is one above the largest so far, so the rows
      // that went in got consecutive ids, in chunk order, ending at lastInsertRowid.
      const { changes, lastInsertRowid } = this.envelopeInsert(chunk.length).run(parameters);
      const last = Number(lastInsertRowid);
      if (changes === chunk.length) {
        chunk.forEach((i, j) => inserted.set(i, last - changes + 1 + j));
        continue;
      }
      // Some keys were stored before: look each envelope up; the new ones have ids in the range just handed out.
      for (const i of chunk) {
        const { messageId, sender } = envelopes[i]!;
        const id = this.statements.findEnvelope.get(messageId, normalizeUsername(sender.user), sender.device)?.id;
        if (id !== undefined && changes > 0 && id > last - changes && id <= last) inserted.set(i, id);
      }
    }
    return inserted;
  }

  /** `rows` holds (envelope id, payload) pairs, flattened. */
  private insertPayloads(rows: readonly unknown[]): void {
    const perInsert = PAYLOAD_ROWS_PER_INSERT * 2;
    for (let start = 0; start < rows.length; start += perInsert) {
      const chunk = rows.slice(start, start + perInsert);
      const count = chunk.length / 2;
      let statement = this.payloadInserts.get(count);
      if (statement === undefined) {
        // OR REPLACE: envelope ids are reused once the newest records are pruned, and a payload acked before its
        // record was pruned may still wait for a free pass under that id. Nothing points at it any more.
        statement = this.db.prepare(`INSERT OR REPLACE INTO payloads (id, payload) VALUES ${Array.from({ length: count }, () => '(?, ?)').join(', ')}`);
        this.payloadInserts.set(count, statement);
      }
      statement.run(chunk);
      this.lastEnvelopeId = Math.max(this.lastEnvelopeId, chunk[chunk.length - 2] as number);
    }
  }

  /** `rows` holds (device id, seq, envelope id, payload id or null) quadruples, flattened. */
  private insertDeliveries(rows: readonly unknown[]): void {
    const perInsert = DELIVERY_ROWS_PER_INSERT * 4;
    for (let start = 0; start < rows.length; start += perInsert) {
      const chunk = rows.slice(start, start + perInsert);
      this.deliveryInsert(chunk.length / 4).run(chunk);
    }
  }

  private envelopeInsert(rows: number): Database.Statement<unknown[]> {
    let statement = this.envelopeInserts.get(rows);
    if (statement === undefined) {
      statement = this.db.prepare(
        `INSERT INTO envelopes (sender_user, sender_device, message_id, payload, sent_at, remaining, gone_at, delivery_device, delivery_seq)
         VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (message_id, sender_user, sender_device) DO NOTHING`,
      );
      this.envelopeInserts.set(rows, statement);
    }
    return statement;
  }

  private deliveryInsert(rows: number): Database.Statement<unknown[]> {
    let statement = this.deliveryInserts.get(rows);
    if (statement === undefined) {
      statement = this.db.prepare(
        `INSERT INTO deliveries (device_id, seq, envelope_id, payload_id) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?)').join(', ')}`,
      );
      this.deliveryInserts.set(rows, statement);
    }
    return statement;
  }

  /** A mailbox's row, read once and then kept in step in memory; undefined for an unknown device. */
  private mailbox(address: Address): MailboxEntry | undefined {
    const user = normalizeUsername(address.user);
    const key = `${user}.${address.device}`;
    const cached = this.mailboxes.get(key);
    if (cached !== undefined) return cached;
    const row = this.statements.findMailbox.get(user, address.device);
    if (row === undefined) return undefined;
    const entry = { id: row.id, nextSeq: row.next_seq, reservedTo: row.next_seq, pending: row.pending, countedUpTo: row.counted_up_to };
    this.mailboxes.set(key, entry);
    this.mailboxesById.set(entry.id, entry);
    return entry;
  }
}

function dedupKey(messageId: string, user: string, device: number): string {
  return `${messageId}\u0000${normalizeUsername(user)}\u0000${device}`;
}
