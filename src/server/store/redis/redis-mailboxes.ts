// Device mailboxes in Redis: one Stream per device (entry ids 0-<seq>) and a dedup record per sent envelope in the
// sender's slot.
// On a single Redis without WAIT every key may meet in one script call, so each envelope is stored by one `put`
// (redis-scripts.ts, MAILBOX_OPS): the resend check, the appends to every recipient's mailbox (all or none) and the
// marking of its dedup record, atomically. A batch is then one script call (script-round.ts): its acks with the
// count-downs of their dedup records (`release`), and its puts.
// On Redis Cluster, or with WAIT, a recipient's mailbox and its sender's dedup record live in different slots, or the
// marking must wait for the replicas; there each mailbox also has an index of pending deliveries (a sorted set:
// delivery name → seq), and storing an envelope is a short saga of single-slot scripts, in three round trips:
//   1. is (sender, message id) done? → duplicate; for recipients of several users, also: is every recipient known
//      and below quota? → else refuse;
//   2. one script per recipient user appends to that user's mailboxes, all or none (it refuses an unknown device or a
//      full mailbox itself; idempotent per delivery name); a refusal in one user's slot takes the others back;
//   3. mark the dedup record done with the number of deliveries it awaits.
// A relay dying inside it has answered nothing: the device resends, appends already made return their seq again
// (from the index), and no mailbox holds the envelope twice. Acks delete deliveries and count down the senders' dedup
// records; the record expires `dedupRetentionMs` after its last delivery went (Redis does the pruning). Each step is
// one round for the whole batch: one script call on a single Redis, one per user on Redis Cluster, so a batch costs
// at most three round trips, not several per message. A relay's
// batches overlap as far as the write order allows (write-order.ts): per mailbox and per delivery name they apply in
// call order.
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
import { entryHead, readEntry } from './mailbox-entry';
import { KEY_PREFIX, deliveryName, redisKeys } from './redis-keys';
import type { RedisClient } from './redis-scripts';
import { ScriptRound, type OperationReply } from './script-round';
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
const DUPLICATE: Probe = { kind: 'duplicate' };
const APPEND: Probe = { kind: 'append' };
const DUPLICATE_OUTCOME: EnqueueOutcome = { status: 'duplicate' };
type Appended = { deliveries: CreatedDelivery[] } | { refused: 'unknown' | 'full'; recipients: Address[] };

/** The recipient devices of an envelope that belong to one user (one slot), each device once. */
interface RecipientSlot {
  user: string;
  devices: number[];
}

export class RedisMailboxes {
  private readonly order = new WriteOrder();
  /**
   * Per mailbox key, the highest seq an ack of this relay named in a batch that failed: those deliveries may still be
   * there, named by no later ack, so acks there look for unnamed deliveries (`XRANGE`) until one through that seq has
   * done so. Elsewhere an ack that says it names every delivery up to its `through` (`MailboxAck.namesAll`) is not
   * looked behind.
   */
  private readonly unsure = new Map<string, number>();
  /** A single Redis without WAIT: every envelope is stored by one atomic `put`, with no mailbox index. */
  private readonly atomic: boolean;
  /** A single Redis with WAIT: this relay's sagas write mailbox indexes, so it sets the sagas marker first. */
  private readonly marksSagas: boolean;
  /** Settles once the sagas marker is set (a failed attempt is forgotten: the next batch tries again). */
  private marked: Promise<void> | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: RedisMailboxOptions,
  ) {
    const cluster = 'nodes' in redis;
    this.atomic = !cluster && options.waitReplicas === 0;
    this.marksSagas = !cluster && !this.atomic;
    if (this.atomic) void learnWhetherIndexesExist(redis);
    // Set at once; a failure here is met again by the first batch, which tries again.
    if (this.marksSagas) this.markSagas().catch(() => undefined);
  }

  private markSagas(): Promise<void> {
    this.marked ??= this.redis.set(redisKeys.sagas, '1').then(
      () => undefined,
      (error: unknown) => {
        this.marked = undefined;
        throw error;
      },
    );
    return this.marked;
  }

  /** Applies a batch; batches overlap where the write order allows (write-order.ts). */
  write(batch: MailboxWriteBatch): Promise<MailboxWriteResult> {
    const turn = this.order.take(
      [...batch.acks.map((ack) => redisKeys.mailbox(ack.mailbox)), ...batch.enqueues.flatMap((envelope) => envelope.recipients.map((r) => redisKeys.mailbox(r)))],
      batch.enqueues.map((envelope) => deliveryName(envelope.sender, envelope.messageId)),
    );
    return (this.atomic ? this.applyAtomic(batch, turn) : this.apply(batch, turn)).finally(() => turn.finished());
  }

  async page(mailbox: Address, afterSeq: number, limit: number): Promise<StoredDelivery[]> {
    if (limit <= 0) return [];
    const entries = await this.redis.xrangeBuffer(redisKeys.mailbox(mailbox), `(0-${afterSeq}`, '+', 'COUNT', limit);
    return entries.map(([id, flat]) => readEntry(id, flat));
  }

  pendingCount(mailbox: Address): Promise<number> {
    return this.redis.xlen(redisKeys.mailbox(mailbox));
  }

  /**
   * On a single Redis without WAIT, one script call: once earlier batches' writes to the same mailboxes are made,
   * the acks with the count-downs of their dedup records (`release`), then every envelope's `put`.
   */
  private async applyAtomic(batch: MailboxWriteBatch, turn: WriteTurn): Promise<MailboxWriteResult> {
    await turn.started;
    const { acks, enqueues: envelopes, mailboxQuota: quota, now } = batch;
    const round = this.round(now);
    const seen = new Set<string>();
    try {
      await turn.mayWriteAll();
      const released = acks.map((ack) => round.add('release', ack.mailbox.user, [redisKeys.mailbox(ack.mailbox)], this.ackArgs(ack, true)));
      // In envelope order: Redis applies them in that order.
      const puts = envelopes.map((envelope) => {
        const name = deliveryName(envelope.sender, envelope.messageId);
        if (seen.has(name)) return undefined;
        seen.add(name);
        return this.put(round, envelope, quota);
      });
      if (round.size > 0) await round.run();
      // Read at once (one script call: a failed one throws here).
      for (const reply of released) reply.value();
      this.acksSucceeded(acks);
      return { enqueues: puts.map((put, i) => (put === undefined ? DUPLICATE_OUTCOME : putOutcome(envelopes[i]!, put.devices, put.reply.value()))) };
    } catch (error) {
      // Before the mailboxes are released: a later batch's acks there are built knowing it.
      this.acksFailed(acks);
      throw error;
    } finally {
      turn.wroteMailboxes();
    }
  }

  /**
   * Adds a batch's acks to the round, once earlier batches' writes to their mailboxes are made. The promise it gives
   * settles, once the round has run, with the envelopes whose deliveries they deleted.
   */
  private async addAcks(round: ScriptRound, acks: MailboxWriteBatch['acks'], turn: WriteTurn): Promise<{ released: Promise<Released> }> {
    await turn.mayWrite(acks.map((ack) => redisKeys.mailbox(ack.mailbox)));
    const acked = acks.map((ack) => round.add('ack', ack.mailbox.user, [redisKeys.mailbox(ack.mailbox)], this.ackArgs(ack, false)) as PromiseLike<string[]>);
    const released = Promise.all(acked).then((names) => {
      const byName: Released = new Map();
      for (const name of names.flat()) {
        const entry = byName.get(name) ?? { envelope: envelopeOfName(name), count: 0 };
        entry.count += 1;
        byName.set(name, entry);
      }
      return byName;
    });
    // Observed here too: a failed round is thrown by run(), and a caller that stopped waiting leaves no rejection.
    released.catch(() => undefined);
    return { released };
  }

  /**
   * Three rounds at most, whatever the batch holds (script-round.ts: one script call each on a single Redis, one per
   * user on Redis Cluster): the acks with the resend checks and probes; the appends (after earlier batches' writes to
   * the same mailboxes) with the acks' count-downs of dedup records; then the stored envelopes' dedup records (after
   * WAIT, when configured).
   */
  private async apply(batch: MailboxWriteBatch, turn: WriteTurn): Promise<MailboxWriteResult> {
    await turn.started;
    if (this.marksSagas) await this.markSagas();
    const { acks, enqueues: envelopes, mailboxQuota: quota, now } = batch;
    const first = this.round(now);
    const acked = acks.length > 0 ? (await this.addAcks(first, acks, turn)).released : Promise.resolve<Released>(new Map());
    const seen = new Set<string>();
    const slots = envelopes.map((envelope) => recipientSlots(envelope.recipients));
    const checks = envelopes.map((envelope, i) => {
      const name = deliveryName(envelope.sender, envelope.messageId);
      if (seen.has(name)) return undefined;
      seen.add(name);
      return this.check(first, envelope, slots[i]!);
    });
    await first.run();
    let released: Released;
    try {
      released = await acked;
    } catch (error) {
      // Before the mailboxes are released (the batch has not taken its turn's end yet).
      this.acksFailed(acks);
      throw error;
    }
    this.acksSucceeded(acks);
    const probes = await Promise.all(envelopes.map((envelope, i) => (checks[i] === undefined ? DUPLICATE : this.probe(envelope, checks[i]!, quota))));

    const second = this.round(now);
    const countedDown = [...released.values()].map(({ envelope, count }) => this.settle(second, envelope, -count, false));
    let results: Array<Appended | undefined>;
    try {
      await turn.mayWrite(envelopes.flatMap((envelope, i) => (probes[i]!.kind === 'append' ? envelope.recipients.map((r) => redisKeys.mailbox(r)) : [])));
      // One script call, in envelope order: Redis applies them in that order.
      const appended = envelopes.map((envelope, i) => (probes[i]!.kind === 'append' ? this.append(second, envelope, slots[i]!, quota) : undefined));
      if (second.size > 0) await second.run();
      // Awaited together, so a failed round leaves no promise unobserved (and refused appends are taken back first).
      [results] = await Promise.all([Promise.all(appended), Promise.all(countedDown)]);
    } finally {
      turn.wroteMailboxes();
    }
    if (results.some((result) => result !== undefined && 'deliveries' in result)) await this.replicated();

    const third = this.round(now);
    const outcomes = envelopes.map((envelope, i): EnqueueOutcome | PromiseLike<EnqueueOutcome> => {
      const probe = probes[i]!;
      if (probe.kind === 'duplicate') return { status: 'duplicate' };
      if (probe.kind === 'unknown') return { status: 'unknown_recipient', recipients: probe.recipients };
      if (probe.kind === 'full') return { status: 'mailbox_full', recipients: probe.recipients };
      const result = results[i]!;
      if ('refused' in result) return { status: result.refused === 'unknown' ? 'unknown_recipient' : 'mailbox_full', recipients: result.recipients };
      return this.settle(third, envelope, result.deliveries.length, true).then(() => ({
        status: 'stored',
        deliveries: result.deliveries,
      }));
    });
    if (third.size > 0) await third.run();
    return { enqueues: await Promise.all(outcomes) };
  }

  /**
   * Adds to the first round what tells whether the envelope is a resend and, for one to several users, whether every
   * recipient may take it. An envelope for one user's devices needs only the resend check: its append checks and
   * refuses atomically in that user's slot. One for several users is probed in each slot first, so an unknown
   * recipient or a full mailbox rarely makes an append that is taken back.
   */
  private check(round: ScriptRound, envelope: EnvelopeToStore, slots: readonly RecipientSlot[]): { done: PromiseLike<unknown>; counts: Array<PromiseLike<unknown>>; slots: readonly RecipientSlot[] } {
    const done = round.add('check', envelope.sender.user, [redisKeys.dedup(envelope.sender, envelope.messageId)], []);
    const counts =
      slots.length < 2
        ? []
        : slots.map((slot) =>
            round.add(
              'probe',
              slot.user,
              [redisKeys.devices(slot.user), ...slot.devices.map((device) => redisKeys.mailbox({ user: slot.user, device }))],
              slot.devices,
            ),
          );
    return { done, counts, slots };
  }

  /** What the first round said of an envelope. */
  private async probe(envelope: EnvelopeToStore, check: ReturnType<RedisMailboxes['check']>, quota: number): Promise<Probe> {
    if (check.counts.length === 0) return (await check.done) === 1 ? DUPLICATE : APPEND;
    const [done, ...counts] = (await Promise.all([check.done, ...check.counts])) as [number, ...number[][]];
    if (done === 1) return { kind: 'duplicate' };
    const pending = new Map<string, number>();
    check.slots.forEach((slot, i) => slot.devices.forEach((device, j) => pending.set(`${slot.user}:${device}`, counts[i]?.[j] ?? 0)));
    const countOf = (r: Address) => pending.get(`${normalizeUsername(r.user)}:${r.device}`) ?? 0;
    const unknown = envelope.recipients.filter((r) => countOf(r) < 0);
    if (unknown.length > 0) return { kind: 'unknown', recipients: unknown };
    const full = envelope.recipients.filter((r) => countOf(r) >= quota);
    if (full.length > 0) return { kind: 'full', recipients: full };
    return APPEND;
  }

  /**
   * Adds to the round the appends to every recipient's mailbox, one per user; if any user's refuses (a race), takes
   * all back in a round of its own.
   */
  private async append(round: ScriptRound, envelope: EnvelopeToStore, slots: readonly RecipientSlot[], quota: number): Promise<Appended> {
    const name = deliveryName(envelope.sender, envelope.messageId);
    const head = entryHead(envelope.sender, envelope.messageId, envelope.sentAt);
    const replies = (await Promise.all(
      slots.map((slot) => {
        const keys = [
          redisKeys.devices(slot.user),
          ...slot.devices.flatMap((device) => {
            const mailbox = { user: slot.user, device };
            return [redisKeys.mailbox(mailbox), redisKeys.mailboxIndex(mailbox)];
          }),
        ];
        return round.add('append', slot.user, keys, [name, quota, head, envelope.payload, ...slot.devices]);
      }),
    )) as Array<[string, ...number[]]>;
    if (slots.length === 1) {
      // One user's devices: the append was all or none, so there is nothing to take back.
      const [status, ...values] = replies[0]!;
      const devices = slots[0]!.devices;
      if (status === 'ok') return { deliveries: envelope.recipients.map((recipient) => ({ recipient, seq: values[devices.indexOf(recipient.device)]! })) };
      const named = new Set(values.map((index) => devices[index - 1]));
      return { refused: status as 'unknown' | 'full', recipients: envelope.recipients.filter((r) => named.has(r.device)) };
    }
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
    const undo = this.round(0);
    const undone = slots.flatMap((slot, i) =>
      replies[i]![0] !== 'ok'
        ? []
        : slot.devices.map((device) => {
            const mailbox = { user: slot.user, device };
            return undo.add('undo', slot.user, [redisKeys.mailbox(mailbox), redisKeys.mailboxIndex(mailbox)], [name]);
          }),
    );
    await undo.run();
    await Promise.all(undone);
    const kind = refused.unknown.size > 0 ? 'unknown' : 'full';
    return { refused: kind, recipients: envelope.recipients.filter((r) => refused[kind].has(keyOf(r))) };
  }

  /**
   * Adds to the round the `put` of an envelope: its whole store, atomically (a single Redis without WAIT). Gives its
   * reply and the recipient devices in the order of the script's indexes.
   */
  private put(round: ScriptRound, envelope: EnvelopeToStore, quota: number): { reply: OperationReply; devices: Address[] } {
    const sender = normalizeUsername(envelope.sender.user);
    const dedup = redisKeys.dedup(envelope.sender, envelope.messageId);
    const slots = recipientSlots(envelope.recipients);
    let total = 0;
    for (const slot of slots) total += slot.devices.length;
    // Strings where the script hands them to a command, numbers where it counts with them (script-round.ts).
    const args: Array<string | number | Uint8Array> = [quota, entryHead(envelope.sender, envelope.messageId, envelope.sentAt), envelope.payload, String(total)];
    if (total === 1) {
      // One device: its mailbox stream is all the script needs (it reads the devices hash's key off it if need be).
      const address = { user: slots[0]!.user, device: slots[0]!.devices[0]! };
      return { reply: round.add('put', sender, [dedup, redisKeys.mailbox(address)], args), devices: [address] };
    }
    const keys = [dedup];
    const devices: Address[] = [];
    for (const slot of slots) {
      keys.push(redisKeys.devices(slot.user));
      args.push(slot.devices.length);
      for (const device of slot.devices) {
        const address = { user: slot.user, device };
        keys.push(redisKeys.mailbox(address));
        args.push(String(device));
        devices.push(address);
      }
    }
    return { reply: round.add('put', sender, keys, args), devices };
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

  /**
   * An ack's script arguments. It looks for deliveries up to `through` it does not name (the script's `XRANGE`) only
   * where some may be: when it does not say it names them all, or after an ack of this relay there failed.
   */
  private ackArgs(ack: MailboxAck, keyed: boolean): Array<string | number> {
    return ackArgs(ack, keyed, ack.namesAll !== true || this.unsure.has(redisKeys.mailbox(ack.mailbox)));
  }

  private acksFailed(acks: readonly MailboxAck[]): void {
    for (const ack of acks) {
      const key = redisKeys.mailbox(ack.mailbox);
      this.unsure.set(key, Math.max(this.unsure.get(key) ?? 0, highestSeq(ack)));
    }
  }

  /** Forgets a mailbox's failed acks once an ack that looked behind them has been applied. */
  private acksSucceeded(acks: readonly MailboxAck[]): void {
    if (this.unsure.size === 0) return;
    for (const ack of acks) {
      const key = redisKeys.mailbox(ack.mailbox);
      const seq = this.unsure.get(key);
      if (seq !== undefined && ack.through >= seq) this.unsure.delete(key);
    }
  }

  /** Adds to the round the count-down (or, when `stored`, the marking) of an envelope's dedup record. */
  private settle(round: ScriptRound, envelope: SentEnvelope, deliveries: number, stored: boolean): OperationReply {
    const { sender, messageId } = envelope;
    return round.add('settle', sender.user, [redisKeys.dedup(sender, messageId)], [deliveries, stored ? 1 : 0]);
  }

  /**
   * A round of script calls for a batch at `now`: its dedup records' expire-at once their last delivery is acked, and
   * their safety TTL while some are pending.
   */
  private round(now: number): ScriptRound {
    return new ScriptRound(this.redis, { sagas: !this.atomic, expireAt: now + this.options.dedupRetentionMs, ceiling: this.options.dedupCeilingMs });
  }
}

/** Which sender sent which message: what a dedup record is kept for. */
type SentEnvelope = Pick<EnvelopeToStore, 'sender' | 'messageId'>;

/** Per delivery name, the envelope whose deliveries acks deleted, and how many. */
type Released = Map<string, { envelope: SentEnvelope; count: number }>;

/** The highest seq an ack names. */
function highestSeq(ack: MailboxAck): number {
  return ack.also.length > 0 ? Math.max(ack.through, ack.also[ack.also.length - 1]!) : ack.through;
}

/**
 * The arguments of an ack (redis-scripts.ts, MAILBOX_OPS: `ack`, or `release` when `keyed`): through (`0-0`, which
 * looks for nothing behind the named deliveries, when `look` is false), the pushed deliveries it frees (deleted without
 * being read): their entry ids, then their delivery names (`ack`) or dedup record keys (`release`); then the entry ids
 * of the listed seqs above through that are not among them.
 */
function ackArgs(ack: MailboxAck, keyed: boolean, look: boolean): Array<string | number> {
  const pushed = ack.pushed ?? [];
  const args: Array<string | number> = [look ? entryId(ack.through) : '0-0', pushed.length];
  for (const delivery of pushed) args.push(entryId(delivery.seq));
  for (const delivery of pushed) args.push(keyed ? redisKeys.dedup(delivery.from, delivery.messageId) : deliveryName(delivery.from, delivery.messageId));
  if (ack.also.length === 0) return args;
  const named = new Set(pushed.map((delivery) => delivery.seq));
  for (const seq of ack.also) if (!named.has(seq)) args.push(entryId(seq));
  return args;
}

/** What a `put`'s reply says of its envelope; `devices` in the order of the script's indexes. */
function putOutcome(envelope: EnvelopeToStore, devices: readonly Address[], reply: unknown): EnqueueOutcome {
  // Stored for one device: its entry id ("0-<seq>"), whichever recipient (listed once or more) it is.
  if (typeof reply === 'string') return { status: 'stored', deliveries: envelope.recipients.map((recipient) => ({ recipient, seq: seqOf(reply) })) };
  const [status, ...values] = reply as [string, ...Array<string | number>];
  if (status === 'duplicate') return DUPLICATE_OUTCOME;
  const keyOf = (r: Address) => `${normalizeUsername(r.user)}:${r.device}`;
  if (status === 'ok') {
    const seqs = new Map(devices.map((device, i) => [keyOf(device), seqOf(values[i]!)]));
    return { status: 'stored', deliveries: envelope.recipients.map((recipient) => ({ recipient, seq: seqs.get(keyOf(recipient))! })) };
  }
  const named = new Set(values.map((index) => keyOf(devices[Number(index) - 1]!)));
  return { status: status === 'unknown' ? 'unknown_recipient' : 'mailbox_full', recipients: envelope.recipients.filter((r) => named.has(keyOf(r))) };
}

/** A mailbox stream's entry id of a seq, and back. */
function entryId(seq: number): string {
  return `0-${seq}`;
}
function seqOf(id: string | number): number {
  return typeof id === 'number' ? id : Number(id.slice(2));
}

/**
 * On a single Redis without WAIT, at start: if the sagas marker is unset (a Redis no relay of this version has used
 * yet), looks for mailbox indexes, which only sagas write (a relay with WAIT, or of a version before b0fedc1), and
 * sets the marker: '1' if any exists, else '0' unless a relay that runs sagas set it meanwhile. Until then the
 * scripts look for indexes; a failure leaves the marker unset, which is safe.
 */
async function learnWhetherIndexesExist(redis: RedisClient): Promise<void> {
  try {
    if ((await redis.get(redisKeys.sagas)) !== null) return;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${KEY_PREFIX}{*}:mbi:*`, 'COUNT', 1000);
      if (keys.length > 0) {
        await redis.set(redisKeys.sagas, '1');
        return;
      }
      cursor = next;
    } while (cursor !== '0');
    await redis.set(redisKeys.sagas, '0', 'NX');
  } catch {
    // Closed or unreachable: the marker stays unset, so indexes are looked for.
  }
}

/** "<user>:<device>:<message id>" → its sender and message id (message ids hold no colon). */
function envelopeOfName(name: string): SentEnvelope {
  const first = name.indexOf(':');
  const second = name.indexOf(':', first + 1);
  return { sender: { user: name.slice(0, first), device: Number(name.slice(first + 1, second)) }, messageId: name.slice(second + 1) };
}

/** The recipients grouped by user, in order of first appearance, each device once. */
function recipientSlots(recipients: readonly Address[]): RecipientSlot[] {
  if (recipients.length === 1) return [{ user: normalizeUsername(recipients[0]!.user), devices: [recipients[0]!.device] }];
  const slots = new Map<string, Set<number>>();
  for (const r of recipients) {
    const user = normalizeUsername(r.user);
    const devices = slots.get(user) ?? new Set<number>();
    devices.add(r.device);
    slots.set(user, devices);
  }
  return [...slots].map(([user, devices]) => ({ user, devices: [...devices] }));
}
