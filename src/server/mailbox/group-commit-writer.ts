// Group commit: sends and acks are written in one transaction per batch, so one fsync covers many messages. A send's
// callback runs only after its commit, which is what lets the relay answer `sent` only for durable envelopes.
// Operations are committed in arrival order. Callbacks, not a promise per operation: one commit settles its whole
// batch in one pass.
// A commit costs a fixed share (statements, the WAL pages it dirties, an fdatasync: about a quarter of a millisecond
// of CPU) plus a little per message, so while sends arrive concurrently (the previous commit held several) a commit
// starts at most every gatherMs: the sends that arrive meanwhile, and while the previous fsync runs, share it. A send
// after a quiet spell, the next send of a lone sequential sender and a queue of GATHER_FULL_OPS commit at once, so
// gathering adds latency only where it saves CPU.
// While a commit waits for the disk, a backlog of at least 64 operations is written as the next transaction right
// away (its fsync follows the current one), so the CPU is not idle during fsyncs under load; a store whose commits
// are network round trips (Redis) lets more overlap (GroupCommitOptions.overlap). Outcomes are
// still announced and answered strictly in commit order.
import { addressKey, type Address } from '../../shared/protocol';
import type { Logger } from '../log';
import { errorFields } from '../log';
import {
  StoreError,
  type EnqueueOutcome,
  type EnvelopeToStore,
  type MailboxAck,
  type MailboxStore,
  type StoredDelivery,
} from '../store/relay-store';

/** A delivery that has just become durable in `recipient`'s mailbox. */
export interface CommittedDelivery {
  recipient: Address;
  delivery: StoredDelivery;
}

export interface GroupCommitOptions {
  /** Least time between the starts of two commits of sends (0: every event-loop turn may commit). */
  gatherMs: number;
  maxBatch: number;
  mailboxQuota: number;
  now: () => number;
  /** Called after each commit, before any sender is answered, with the new deliveries in commit order. */
  onCommitted: (deliveries: CommittedDelivery[]) => void;
  logger: Logger;
  /** How commits may overlap; the defaults suit a store whose commits wait for one disk. */
  overlap?: CommitOverlap;
}

/** While a commit is in flight, a queue of `minOps` operations starts another, up to `maxInFlight` at once. */
export interface CommitOverlap {
  maxInFlight: number;
  minOps: number;
}

/** How one enqueue ended: committed with an outcome, or failed with the store (nothing stored). */
export type EnqueueResult = { ok: true; outcome: EnqueueOutcome } | { ok: false; error: unknown };

interface PendingEnqueue {
  envelope: EnvelopeToStore;
  done: (result: EnqueueResult) => void;
}

/**
 * By default, a queue of 64 operations justifies a transaction of their own while the previous commit waits for its
 * fsync, with two commits in flight at most: one waiting for the disk, one more written behind it. Below this (e.g.
 * a few messages per millisecond) they wait and join the next batch, which costs less CPU.
 */
const FSYNC_OVERLAP: CommitOverlap = { maxInFlight: 2, minOps: 64 };
/** Queued operations that start a commit at once, however recently the previous one started. */
const GATHER_FULL_OPS = 256;
/** Sends in the previous commit that show concurrent senders, worth gathering for. */
const GATHER_MIN_SENDS = 2;
/**
 * How long acks alone may wait for a commit. Acks answer nothing and need not survive a crash (a lost ack means a
 * redelivery, which devices deduplicate), so they ride along with the next commit of sends, or go in a commit of
 * their own — without an fsync — after this. A device reconnecting, and shutdown, commit them at once.
 */
export const ACK_ONLY_COMMIT_DELAY_MS = 20;

export class GroupCommitWriter {
  private acks: MailboxAck[] = [];
  private enqueues: PendingEnqueue[] = [];
  /** The next commit, when one is scheduled: replaced by an earlier one when sends or a waiter arrive. */
  private nextRun: { at: number; timer: NodeJS.Timeout | undefined; immediate: NodeJS.Immediate | undefined } | undefined;
  /** When the last commit of sends started (options.now), and how many it held. */
  private lastStartAt = Number.NEGATIVE_INFINITY;
  private lastSends = 0;
  /** Someone waits for what is queued (flush, a reconnecting device): commit it without gathering. */
  private hurried = false;
  /** Commits started and not yet answered. */
  private inFlight = 0;
  /** Settles when the most recently started commit has been answered. */
  private lastCommit: Promise<void> = Promise.resolve();
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  /**
   * Acks taken into commits not yet answered, in order, and how many acks all answered commits held. The i-th ack
   * ever queued is settled once `acksAnswered` passes i. Kept as a list, not per mailbox: only a reconnecting
   * device asks (acksSettled), and each ack should cost no more than its place in the queue.
   */
  private acksInFlight: MailboxAck[] = [];
  private acksAnswered = 0;
  private ackWaiters: Array<{ until: number; wake: () => void }> = [];

  constructor(
    private readonly store: MailboxStore,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Queues an envelope; `done` runs once it is durable (or refused, or failed), after the commit is announced. */
  enqueue(envelope: EnvelopeToStore, done: (result: EnqueueResult) => void): void {
    if (this.closed) return done({ ok: false, error: new StoreError('store_closed', 'the relay is shutting down') });
    this.enqueues.push({ envelope, done });
    this.schedule();
  }

  /** Queues an ack. Acks are idempotent and answer nothing; a failed commit is logged and the device acks again later. */
  ack(request: MailboxAck): void {
    if (this.closed) return;
    this.acks.push(request);
    this.schedule();
  }

  /**
   * Resolves once every ack queued so far for this mailbox is committed (or failed). A device that reconnects
   * right after acking pages its mailbox after this, so it is not sent again what it has just acked.
   */
  acksSettled(mailbox: Address): Promise<void> {
    const key = addressKey(mailbox);
    const inFlight = this.acksInFlight.length;
    let last = -1;
    for (let i = 0; i < inFlight; i++) if (addressKey(this.acksInFlight[i]!.mailbox) === key) last = i;
    for (let i = 0; i < this.acks.length; i++) if (addressKey(this.acks[i]!.mailbox) === key) last = inFlight + i;
    if (last < 0) return Promise.resolve();
    this.hurry();
    const until = this.acksAnswered + last + 1;
    return new Promise((wake) => this.ackWaiters.push({ until, wake }));
  }

  get queued(): number {
    return this.acks.length + this.enqueues.length;
  }

  /** Resolves once everything queued so far is committed. */
  flush(): Promise<void> {
    if (this.inFlight === 0 && this.queued === 0) return Promise.resolve();
    this.hurry();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Commits what is queued, then refuses further operations. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private mayStartCommit(): boolean {
    if (this.inFlight === 0) return this.queued > 0;
    const { maxInFlight, minOps } = this.options.overlap ?? FSYNC_OVERLAP;
    return this.inFlight < maxInFlight && this.queued >= minOps;
  }

  private schedule(): void {
    if (!this.mayStartCommit()) return;
    const now = this.options.now();
    const at = now + this.waitBeforeCommit(now);
    if (this.nextRun !== undefined) {
      if (this.nextRun.at <= at) return;
      clearTimeout(this.nextRun.timer);
      if (this.nextRun.immediate !== undefined) clearImmediate(this.nextRun.immediate);
    }
    const run = () => {
      this.nextRun = undefined;
      if (this.mayStartCommit()) void this.commit();
    };
    this.nextRun = at > now ? { at, timer: setTimeout(run, at - now), immediate: undefined } : { at, timer: undefined, immediate: setImmediate(run) };
  }

  /** Milliseconds the queued operations wait before they are committed. */
  private waitBeforeCommit(now: number): number {
    if (this.hurried) return 0;
    if (this.enqueues.length === 0) return Math.max(ACK_ONLY_COMMIT_DELAY_MS, this.options.gatherMs);
    if (this.inFlight > 0 || this.queued >= GATHER_FULL_OPS || this.lastSends < GATHER_MIN_SENDS) return 0;
    // Bounded by gatherMs, should the clock step back.
    return Math.min(this.options.gatherMs, Math.max(0, this.lastStartAt + this.options.gatherMs - now));
  }

  /** Commits what is queued without gathering or the acks-only delay. */
  private hurry(): void {
    this.hurried = true;
    this.schedule();
  }

  private async commit(): Promise<void> {
    this.inFlight += 1;
    const acks = this.acks.splice(0, this.options.maxBatch);
    for (const ack of acks) this.acksInFlight.push(ack);
    const enqueues = this.enqueues.splice(0, Math.max(0, this.options.maxBatch - acks.length));
    if (enqueues.length > 0) {
      this.lastStartAt = this.options.now();
      this.lastSends = enqueues.length;
    }
    if (this.queued === 0) this.hurried = false;
    const previous = this.lastCommit;
    let answered = () => {};
    this.lastCommit = new Promise((resolve) => (answered = resolve));
    try {
      // Called now, in commit order (the SQLite store writes its transaction synchronously here).
      const written = (async () =>
        this.store.commitMailboxBatch({
          acks,
          enqueues: enqueues.map((pending) => pending.envelope),
          mailboxQuota: this.options.mailboxQuota,
          now: this.options.now(),
          durable: enqueues.length > 0,
        }))();
      // A pipelined commit may become durable with the same fsync as the one before it: answer in commit order.
      const result = await written.finally(() => previous);
      this.announce(enqueues, result.enqueues);
      enqueues.forEach((pending, i) => {
        const outcome = result.enqueues[i];
        this.settle(pending, outcome === undefined ? { ok: false, error: new StoreError('store_failed', 'the store returned too few outcomes') } : { ok: true, outcome });
      });
    } catch (error) {
      this.options.logger.error('relay.commit_failed', { ...errorFields(error), acks: acks.length, sends: enqueues.length });
      for (const pending of enqueues) this.settle(pending, { ok: false, error });
    } finally {
      this.acksDone(acks);
      this.inFlight -= 1;
      answered();
      if (this.queued > 0) this.schedule();
      else if (this.inFlight === 0) this.wakeIdleWaiters();
    }
  }

  private settle(pending: PendingEnqueue, result: EnqueueResult): void {
    try {
      pending.done(result);
    } catch (error) {
      this.options.logger.error('relay.answer_failed', errorFields(error));
    }
  }

  /** A commit's acks are settled (committed or failed); commits settle in the order they started. */
  private acksDone(acks: readonly MailboxAck[]): void {
    if (acks.length === 0) return;
    this.acksInFlight.splice(0, acks.length);
    this.acksAnswered += acks.length;
    if (this.ackWaiters.length === 0) return;
    const waiting = this.ackWaiters;
    this.ackWaiters = [];
    for (const waiter of waiting) {
      if (waiter.until <= this.acksAnswered) waiter.wake();
      else this.ackWaiters.push(waiter);
    }
  }

  private announce(enqueues: readonly PendingEnqueue[], outcomes: EnqueueOutcome[]): void {
    const committed: CommittedDelivery[] = [];
    enqueues.forEach(({ envelope }, i) => {
      const outcome = outcomes[i];
      if (outcome?.status !== 'stored') return;
      for (const created of outcome.deliveries) {
        committed.push({
          recipient: created.recipient,
          delivery: { seq: created.seq, messageId: envelope.messageId, from: envelope.sender, payload: envelope.payload, sentAt: envelope.sentAt },
        });
      }
    });
    if (committed.length === 0) return;
    try {
      this.options.onCommitted(committed);
    } catch (error) {
      // Pushing is best effort: the deliveries are durable and will be paged from the store on the next pull.
      this.options.logger.error('relay.announce_failed', errorFields(error));
    }
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
