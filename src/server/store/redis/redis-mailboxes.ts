// Device mailboxes in Redis: one Stream per device (entry ids 0-<seq>), its index of pending deliveries (a sorted
// set: delivery name → seq) and a dedup record per sent envelope in the sender's slot. A recipient's mailbox and its
// sender's dedup record live in different slots, so storing an envelope is a short saga of single-slot scripts:
//   1. is (sender, message id) done? → duplicate;  2. every recipient known and below quota? → else refuse;
//   3. append to each mailbox (idempotent per delivery name; an append refused by the quota takes the others back);
//   4. mark the dedup record done with the number of deliveries it awaits.
// A relay dying inside it has answered nothing: the device resends, appends already made return their seq again,
// and no mailbox holds the envelope twice. Acks delete deliveries and count down the senders' dedup records; the
// record expires `dedupRetentionMs` after its last delivery went (Redis does the pruning). Scripts reach Redis
// through auto-pipelining, so a batch costs about one round trip per step, not one per message.
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
import { ACK, APPEND, PROBE_MAILBOX, SETTLE_DEDUP, UNDO_APPEND, runScript, type RedisClient } from './redis-scripts';

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

export class RedisMailboxes {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: RedisMailboxOptions,
  ) {}

  async write(batch: MailboxWriteBatch): Promise<MailboxWriteResult> {
    await this.applyAcks(batch.acks, batch.now);
    return { enqueues: await this.applyEnqueues(batch.enqueues, batch.mailboxQuota, batch.now) };
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

  private async applyAcks(acks: readonly MailboxAck[], now: number): Promise<void> {
    if (acks.length === 0) return;
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

  private async applyEnqueues(envelopes: readonly EnvelopeToStore[], quota: number, now: number): Promise<EnqueueOutcome[]> {
    const seen = new Set<string>();
    const firsts = envelopes.map((envelope) => {
      const name = deliveryName(envelope.sender, envelope.messageId);
      if (seen.has(name)) return false;
      seen.add(name);
      return true;
    });
    const probes = await Promise.all(envelopes.map((envelope, i) => (firsts[i] ? this.probe(envelope, quota) : ({ kind: 'duplicate' } as const))));
    const appended = await Promise.all(envelopes.map((envelope, i) => (probes[i]!.kind === 'append' ? this.appendAll(envelope, quota) : undefined)));
    if (appended.some((result) => result !== undefined && 'deliveries' in result)) await this.replicated();
    return Promise.all(
      envelopes.map(async (envelope, i): Promise<EnqueueOutcome> => {
        const probe = probes[i]!;
        if (probe.kind === 'duplicate') return { status: 'duplicate' };
        if (probe.kind === 'unknown') return { status: 'unknown_recipient', recipients: probe.recipients };
        if (probe.kind === 'full') return { status: 'mailbox_full', recipients: probe.recipients };
        const result = appended[i]!;
        if ('full' in result) return { status: 'mailbox_full', recipients: result.full };
        await this.settle(redisKeys.dedup(envelope.sender, envelope.messageId), result.deliveries.length, true, now);
        return { status: 'stored', deliveries: result.deliveries };
      }),
    );
  }

  private async probe(envelope: EnvelopeToStore, quota: number): Promise<Probe> {
    const [done, ...pending] = await Promise.all([
      this.redis.hget(redisKeys.dedup(envelope.sender, envelope.messageId), 'done'),
      ...envelope.recipients.map(
        (r) => runScript(this.redis, PROBE_MAILBOX, [redisKeys.devices(r.user), redisKeys.mailbox(r)], [r.device]) as Promise<number>,
      ),
    ]);
    if (done === '1') return { kind: 'duplicate' };
    const unknown = envelope.recipients.filter((_, i) => pending[i]! < 0);
    if (unknown.length > 0) return { kind: 'unknown', recipients: unknown };
    const full = envelope.recipients.filter((_, i) => pending[i]! >= quota);
    if (full.length > 0) return { kind: 'full', recipients: full };
    return { kind: 'append' };
  }

  /** Appends to every recipient's mailbox; if the quota refuses any (a race with another batch), takes all back. */
  private async appendAll(envelope: EnvelopeToStore, quota: number): Promise<{ deliveries: CreatedDelivery[] } | { full: Address[] }> {
    const name = deliveryName(envelope.sender, envelope.messageId);
    const sender = { user: normalizeUsername(envelope.sender.user), device: envelope.sender.device };
    const seqs = (await Promise.all(
      envelope.recipients.map((r) =>
        runScript(
          this.redis,
          APPEND,
          [redisKeys.mailbox(r), redisKeys.mailboxSeq(r), redisKeys.mailboxIndex(r)],
          [name, quota, envelope.messageId, sender.user, sender.device, envelope.sentAt, envelope.payload],
        ),
      ),
    )) as number[];
    const full = envelope.recipients.filter((_, i) => seqs[i]! < 0);
    if (full.length === 0) return { deliveries: envelope.recipients.map((recipient, i) => ({ recipient, seq: seqs[i]! })) };
    await Promise.all(
      envelope.recipients.map((r, i) =>
        seqs[i]! < 0 ? undefined : runScript(this.redis, UNDO_APPEND, [redisKeys.mailbox(r), redisKeys.mailboxIndex(r)], [name]),
      ),
    );
    return { full };
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
