// Device mailboxes in Redis: one Stream per device (entry ids 0-<seq>), its index of pending deliveries (a sorted
// set: delivery name → seq) and a dedup record per sent envelope in the sender's slot. A recipient's mailbox and its
// sender's dedup record live in different slots, so storing an envelope is a short saga of single-slot scripts, in
// three round trips:
//   1. is (sender, message id) done? → duplicate; for recipients of several users, also: is every recipient known
//      and below quota? → else refuse;
//   2. one script per recipient user appends to that user's mailboxes, all or none (it refuses an unknown device or a
//      full mailbox itself; idempotent per delivery name); a refusal in one user's slot takes the others back;
//   3. mark the dedup record done with the number of deliveries it awaits.
// A relay dying inside it has answered nothing: the device resends, appends already made return their seq again,
// and no mailbox holds the envelope twice. Acks delete deliveries and count down the senders' dedup records; the
// record expires `dedupRetentionMs` after its last delivery went (Redis does the pruning). Scripts reach Redis
// through auto-pipelining, so a batch costs one round trip per step, not one per message, and a relay's batches
// overlap as far as the write order allows (write-order.ts): per mailbox and per delivery name they apply in call
// order.
// With `waitReplicas` > 0, step 3 is followed by WAIT on every master: a batch whose appends did not reach that many
// replicas in time fails as a whole (the senders resend; the appends are idempotent), so a `sent` survives a
// failover to an in-sync replica. Replication stays asynchronous: WAIT narrows the window, it does not make Redis a
// consensus system (docs/operations.md, "Redis Cluster failover").
import { normalizeUsername, type Address } from '../../../shared/protocol';
import {
  StoreError,
  type CreatedDelivery,
  type EnqueueOutcome,
  type EnvelopeToStore,
  type MailboxAck,
  type MailboxWriteBatch,
  type MailboxWriteResult,
  type StoredDelivery,
} from '../relay-store';
import { deliveryName, redisKeys } from './redis-keys';
import { ACK, APPEND_SLOT, PROBE_SLOT, SETTLE_DEDUP, UNDO_APPEND, runScript, type RedisClient } from './redis-scripts';
import { WriteOrder, type WriteTurn } from './write-order';

export interface RedisMailboxOptions {
  /** How long a dedup record outlives the last delivery of its envelope. */
  dedupRetentionMs: number;
  /** Expiry of a dedup record whose deliveries are still pending (a ceiling in case an ack's count-down was lost). */
  dedupCeilingMs: number;
  /** Replicas every master must have acknowledged appends on before they count as stored (WAIT); 0: none. */
  waitReplicas: number;
  /** How long WAIT may take before the batch fails. */
  waitTimeoutMs: number;
}

type Probe = { kind: 'duplicate' } | { kind: 'unknown'; recipients: Address[] } | { kind: 'full'; recipients: Address[] } | { kind: 'append' };
type Appended = { deliveries: CreatedDelivery[] } | { refused: 'unknown' | 'full'; recipients: Address[] };

/** The recipient devices of an envelope that belong to one user (one slot), each device once. */
interface RecipientSlot {
  user: string;
  devices: number[];
}

export class RedisMailboxes {
  private readonly order = new WriteOrder();

  constructor(
    private readonly redis: RedisClient,
    private readonly options: RedisMailboxOptions,
  ) {}

  /** Applies a batch; batches overlap where the write order allows (write-order.ts). */
  write(batch: MailboxWriteBatch): Promise<MailboxWriteResult> {
    const turn = this.order.take(
      [...batch.acks.map((ack) => redisKeys.mailbox(ack.mailbox)), ...batch.enqueues.flatMap((envelope) => envelope.recipients.map((r) => redisKeys.mailbox(r)))],
      batch.enqueues.map((envelope) => deliveryName(envelope.sender, envelope.messageId)),
    );
    return this.apply(batch, turn).finally(() => turn.finished());
  }

  async page(mailbox: Address, afterSeq: number, limit: number): Promise<StoredDelivery[]> {
    if (limit <= 0) return [];
    const entries = await this.redis.xrangeBuffer(redisKeys.mailbox(mailbox), `(0-${afterSeq}`, '+', 'COUNT', limit);
    return entries.map(([id, flat]) => {
      const fields = new Map<string, Buffer>();
      for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!.toString('utf8'), flat[i + 1]!);
      const text = (name: string) => fields.get(name)?.toString('utf8') ?? '';
      return {
        seq: Number(id.toString('utf8').slice(2)),
        messageId: text('m'),
        from: { user: text('u'), device: Number(text('d')) },
        payload: new Uint8Array(fields.get('p') ?? Buffer.alloc(0)),
        sentAt: Number(text('t')),
      };
    });
  }

  pendingCount(mailbox: Address): Promise<number> {
    return this.redis.xlen(redisKeys.mailbox(mailbox));
  }

  private async apply(batch: MailboxWriteBatch, turn: WriteTurn): Promise<MailboxWriteResult> {
    await turn.started;
    await this.applyAcks(batch.acks, batch.now, turn);
    return { enqueues: await this.applyEnqueues(batch.enqueues, batch.mailboxQuota, batch.now, turn) };
  }

  private async applyAcks(acks: readonly MailboxAck[], now: number, turn: WriteTurn): Promise<void> {
    if (acks.length === 0) return;
    await turn.mayWrite(acks.map((ack) => redisKeys.mailbox(ack.mailbox)));
    const taken = await Promise.all(
      acks.map(
        (ack) =>
          runScript(this.redis, ACK, [redisKeys.mailbox(ack.mailbox), redisKeys.mailboxIndex(ack.mailbox)], [ack.through, ...ack.also]) as Promise<
            string[]
          >,
      ),
    );
    const released = new Map<string, number>();
    for (const name of taken.flat()) {
      const key = dedupKeyOfName(name);
      released.set(key, (released.get(key) ?? 0) + 1);
    }
    await Promise.all([...released].map(([key, count]) => this.settle(key, -count, false, now)));
  }

  /**
   * Three round trips, whatever the batch holds: the probes, the appends (after earlier batches' writes to the same
   * mailboxes), then the dedup records (after WAIT, when configured).
   */
  private async applyEnqueues(envelopes: readonly EnvelopeToStore[], quota: number, now: number, turn: WriteTurn): Promise<EnqueueOutcome[]> {
    const seen = new Set<string>();
    const firsts = envelopes.map((envelope) => {
      const name = deliveryName(envelope.sender, envelope.messageId);
      if (seen.has(name)) return false;
      seen.add(name);
      return true;
    });
    const slots = envelopes.map((envelope) => recipientSlots(envelope.recipients));
    const probes = await Promise.all(envelopes.map((envelope, i) => (firsts[i] ? this.probe(envelope, slots[i]!, quota) : ({ kind: 'duplicate' } as const))));
    const appending = envelopes.filter((_, i) => probes[i]!.kind === 'append');
    let appended: Array<Appended | undefined>;
    try {
      await turn.mayWrite(appending.flatMap((envelope) => envelope.recipients.map((r) => redisKeys.mailbox(r))));
      // Issued together, in envelope order: Redis applies them in that order on each connection.
      appended = await Promise.all(envelopes.map((envelope, i) => (probes[i]!.kind === 'append' ? this.appendAll(envelope, slots[i]!, quota) : undefined)));
    } finally {
      turn.wroteMailboxes();
    }
    if (appended.some((result) => result !== undefined && 'deliveries' in result)) await this.replicated();
    return Promise.all(
      envelopes.map(async (envelope, i): Promise<EnqueueOutcome> => {
        const probe = probes[i]!;
        if (probe.kind === 'duplicate') return { status: 'duplicate' };
        if (probe.kind === 'unknown') return { status: 'unknown_recipient', recipients: probe.recipients };
        if (probe.kind === 'full') return { status: 'mailbox_full', recipients: probe.recipients };
        const result = appended[i]!;
        if ('refused' in result) return { status: result.refused === 'unknown' ? 'unknown_recipient' : 'mailbox_full', recipients: result.recipients };
        await this.settle(redisKeys.dedup(envelope.sender, envelope.messageId), result.deliveries.length, true, now);
        return { status: 'stored', deliveries: result.deliveries };
      }),
    );
  }

  /**
   * Is the envelope a resend, and may every recipient take it? An envelope for one user's devices needs only the
   * dedup check here: its append checks and refuses atomically in that user's slot. One for several users is
   * probed in each slot first, so an unknown recipient or a full mailbox rarely makes an append that is taken back.
   */
  private async probe(envelope: EnvelopeToStore, slots: readonly RecipientSlot[], quota: number): Promise<Probe> {
    const [done, ...counts] = await Promise.all([
      this.redis.hget(redisKeys.dedup(envelope.sender, envelope.messageId), 'done'),
      ...(slots.length < 2
        ? []
        : slots.map(
            (slot) =>
              runScript(
                this.redis,
                PROBE_SLOT,
                [redisKeys.devices(slot.user), ...slot.devices.map((device) => redisKeys.mailbox({ user: slot.user, device }))],
                slot.devices,
              ) as Promise<number[]>,
          )),
    ]);
    if (done === '1') return { kind: 'duplicate' };
    const pending = new Map<string, number>();
    slots.forEach((slot, i) => slot.devices.forEach((device, j) => pending.set(`${slot.user}:${device}`, counts[i]?.[j] ?? 0)));
    const countOf = (r: Address) => pending.get(`${normalizeUsername(r.user)}:${r.device}`) ?? 0;
    const unknown = envelope.recipients.filter((r) => countOf(r) < 0);
    if (unknown.length > 0) return { kind: 'unknown', recipients: unknown };
    const full = envelope.recipients.filter((r) => countOf(r) >= quota);
    if (full.length > 0) return { kind: 'full', recipients: full };
    return { kind: 'append' };
  }

  /** Appends to every recipient's mailbox, one script per user; if any user's refuses (a race), takes all back. */
  private async appendAll(envelope: EnvelopeToStore, slots: readonly RecipientSlot[], quota: number): Promise<Appended> {
    const name = deliveryName(envelope.sender, envelope.messageId);
    const sender = { user: normalizeUsername(envelope.sender.user), device: envelope.sender.device };
    const replies = (await Promise.all(
      slots.map((slot) =>
        runScript(
          this.redis,
          APPEND_SLOT,
          [
            redisKeys.devices(slot.user),
            ...slot.devices.flatMap((device) => {
              const mailbox = { user: slot.user, device };
              return [redisKeys.mailbox(mailbox), redisKeys.mailboxSeq(mailbox), redisKeys.mailboxIndex(mailbox)];
            }),
          ],
          [name, quota, envelope.messageId, sender.user, sender.device, envelope.sentAt, envelope.payload, ...slot.devices],
        ),
      ),
    )) as Array<[string, ...number[]]>;
    const seqs = new Map<string, number>();
    const refused: Record<'unknown' | 'full', Set<string>> = { unknown: new Set(), full: new Set() };
    slots.forEach((slot, i) => {
      const [status, ...values] = replies[i]!;
      if (status === 'ok') slot.devices.forEach((device, j) => seqs.set(`${slot.user}:${device}`, values[j]!));
      else for (const index of values) refused[status as 'unknown' | 'full'].add(`${slot.user}:${slot.devices[index - 1]!}`);
    });
    const keyOf = (r: Address) => `${normalizeUsername(r.user)}:${r.device}`;
    if (refused.unknown.size === 0 && refused.full.size === 0) {
      return { deliveries: envelope.recipients.map((recipient) => ({ recipient, seq: seqs.get(keyOf(recipient))! })) };
    }
    await Promise.all(
      slots.flatMap((slot, i) =>
        replies[i]![0] !== 'ok'
          ? []
          : slot.devices.map((device) => {
              const mailbox = { user: slot.user, device };
              return runScript(this.redis, UNDO_APPEND, [redisKeys.mailbox(mailbox), redisKeys.mailboxIndex(mailbox)], [name]);
            }),
      ),
    );
    const kind = refused.unknown.size > 0 ? 'unknown' : 'full';
    return { refused: kind, recipients: envelope.recipients.filter((r) => refused[kind].has(keyOf(r))) };
  }

  /** WAIT on every master (each covers every earlier write on this relay's connection to it). */
  private async replicated(): Promise<void> {
    const { waitReplicas, waitTimeoutMs } = this.options;
    if (waitReplicas === 0) return;
    const masters = 'nodes' in this.redis ? this.redis.nodes('master') : [this.redis];
    const acked = await Promise.all(masters.map((node) => node.wait(waitReplicas, waitTimeoutMs)));
    const short = acked.filter((count) => count < waitReplicas).length;
    if (short > 0) throw new StoreError('store_failed', `${short} Redis master(s) had fewer than ${waitReplicas} replica(s) acknowledge within ${waitTimeoutMs} ms`);
  }

  private settle(dedupKey: string, deliveries: number, stored: boolean, now: number): Promise<unknown> {
    return runScript(this.redis, SETTLE_DEDUP, [dedupKey], [deliveries, stored ? 1 : 0, now + this.options.dedupRetentionMs, this.options.dedupCeilingMs]);
  }
}

/** "<user>:<device>:<message id>" → the sender's dedup key (message ids hold no colon). */
function dedupKeyOfName(name: string): string {
  const first = name.indexOf(':');
  const second = name.indexOf(':', first + 1);
  return redisKeys.dedup({ user: name.slice(0, first), device: Number(name.slice(first + 1, second)) }, name.slice(second + 1));
}

/** The recipients grouped by user, in order of first appearance, each device once. */
function recipientSlots(recipients: readonly Address[]): RecipientSlot[] {
  const slots = new Map<string, Set<number>>();
  for (const r of recipients) {
    const user = normalizeUsername(r.user);
    const devices = slots.get(user) ?? new Set<number>();
    devices.add(r.device);
    slots.set(user, devices);
  }
  return [...slots].map(([user, devices]) => ({ user, devices: [...devices] }));
}
