// Group commit: sends and acks that arrive within one event-loop turn (or within commitDelayMs) are written in
// one transaction, so one fsync covers many messages. A send's callback runs only after its commit, which is what
// lets the relay answer `sent` only for durable envelopes. Operations are committed in arrival order. Callbacks,
// not a promise per operation: one commit settles its whole batch in one pass.
// While a commit waits for the disk, a backlog of at least PIPELINE_MIN_OPS is written as the next transaction
// right away (its fsync follows the current one), so the CPU is not idle during fsyncs under load; outcomes are
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
  delayMs: number;
  maxBatch: number;
  mailboxQuota: number;
  now: () => number;
  /** Called after each commit, before any sender is answered, with the new deliveries in commit order. */
  onCommitted: (deliveries: CommittedDelivery[]) => void;
  logger: Logger;
}

/** How one enqueue ended: committed with an outcome, or failed with the store (nothing stored). */
export type EnqueueResult = { ok: true; outcome: EnqueueOutcome } | { ok: false; error: unknown };

interface PendingEnqueue {
  envelope: EnvelopeToStore;
  done: (result: EnqueueResult) => void;
}

/**
 * Queued operations that justify a transaction of their own while the previous commit waits for its fsync.
 * Below this (e.g. a few messages per millisecond) they wait and join the next batch, which costs less CPU.
 */
const PIPELINE_MIN_OPS = 64;
/** Commits in flight at most: one waiting for the disk, one more written behind it. */
const MAX_IN_FLIGHT = 2;
/**
 * How long acks alone may wait for a commit. Acks answer nothing and need not survive a crash (a lost ack means a
 * redelivery, which devices deduplicate), so they ride along with the next commit of sends, or go in a commit of
 * their own — without an fsync — after this. A device reconnecting, and shutdown, commit them at once.
 */
export const ACK_ONLY_COMMIT_DELAY_MS = 20;

export class GroupCommitWriter {
  private acks: MailboxAck[] = [];
  private enqueues: PendingEnqueue[] = [];
  private scheduled = false;
  /** The timer of a scheduled commit of acks alone; replaced by a prompt commit when sends arrive. */
  private lazyTimer: NodeJS.Timeout | undefined;
  /** Commits started and not yet answered. */
  private inFlight = 0;
  /** Settles when the most recently started commit has been answered. */
  private lastCommit: Promise<void> = Promise.resolve();
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  /** Per mailbox: acks queued or being committed, and who waits for them to settle. */
  private readonly mailboxAcks = new Map<string, { pending: number; waiters: Array<() => void> }>();

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
    const key = addressKey(request.mailbox);
    const entry = this.mailboxAcks.get(key) ?? { pending: 0, waiters: [] };
    entry.pending += 1;
    this.mailboxAcks.set(key, entry);
    this.schedule();
  }

  /**
   * Resolves once every ack queued so far for this mailbox is committed (or failed). A device that reconnects
   * right after acking pages its mailbox after this, so it is not sent again what it has just acked.
   */
  acksSettled(mailbox: Address): Promise<void> {
    const entry = this.mailboxAcks.get(addressKey(mailbox));
    if (!entry) return Promise.resolve();
    this.hurry();
    return new Promise((resolve) => entry.waiters.push(resolve));
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
    return this.inFlight < MAX_IN_FLIGHT && this.queued >= PIPELINE_MIN_OPS;
  }

  private schedule(urgent = false): void {
    if (!this.mayStartCommit()) return;
    const lazy = this.enqueues.length === 0 && !urgent;
    if (this.scheduled) {
      // A lazy commit of acks alone is waiting: sends (or a reconnect) do not wait with it.
      if (lazy || this.lazyTimer === undefined) return;
      clearTimeout(this.lazyTimer);
      this.lazyTimer = undefined;
    }
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.lazyTimer = undefined;
      if (this.mayStartCommit()) void this.commit();
    };
    if (lazy) this.lazyTimer = setTimeout(run, Math.max(ACK_ONLY_COMMIT_DELAY_MS, this.options.delayMs));
    else if (this.options.delayMs > 0) setTimeout(run, this.options.delayMs);
    else setImmediate(run);
  }

  /** Commits what is queued without the acks-only delay. */
  private hurry(): void {
    this.schedule(true);
  }

  private async commit(): Promise<void> {
    this.inFlight += 1;
    const acks = this.acks.splice(0, this.options.maxBatch);
    const enqueues = this.enqueues.splice(0, Math.max(0, this.options.maxBatch - acks.length));
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

  private acksDone(acks: readonly MailboxAck[]): void {
    for (const ack of acks) {
      const key = addressKey(ack.mailbox);
      const entry = this.mailboxAcks.get(key);
      if (entry === undefined) continue;
      entry.pending -= 1;
      if (entry.pending > 0) continue;
      this.mailboxAcks.delete(key);
      for (const wake of entry.waiters) wake();
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
