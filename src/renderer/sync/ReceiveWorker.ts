// Receive: every message main decrypted is stored in Dexie first and committed to main only afterwards, so a
// crash between the two redelivers it (and the dedup in storeReceived keeps it single). At start it drains
// `messages.pending` before anything that arrives meanwhile, keeping each sender's order.
import { MAX_RECEIVED_PER_EVENT, type ReceivedMessage } from '../../shared/ipc';
import type { ParleyDatabase } from '../db/database';
import { prepareReceived, writeReceived, type PreparedBatch, type TitleOf } from '../db/incoming';

export interface ReceiveIpc {
  pending(): Promise<ReceivedMessage[]>;
  commit(inboxIds: string[]): Promise<void>;
  /** Main hands over what it decrypted one receive batch at a time, in order. */
  onReceived(listener: (messages: ReceivedMessage[]) => void): () => void;
}

export interface ReceiveWorkerOptions {
  db: ParleyDatabase;
  me: string;
  ipc: ReceiveIpc;
  titleOf: TitleOf;
  /** A typing notice from someone else (never stored). */
  onTyping(message: ReceivedMessage): void;
  onGroupsChanged(): void;
  /** New text messages from others, stored: acknowledge them with `delivered`. */
  onStored(messages: ReceivedMessage[]): void;
  log?: (event: string, fields: Record<string, unknown>) => void;
  batchSize?: number;
  /** Wait before trying a batch again when IndexedDB refused it. */
  retryDelayMs?: number;
  /** The clock whenQuiet measures quiet by, and its wait (tests hand in a manual one). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Main accepts at most this many inbox ids per commit. */
const MAX_COMMIT = 1000;
/**
 * Most messages stored per transaction (whole events, at least one): four of main's events. A catch-up queues many
 * events at once, and each stored batch has costs of its own besides its rows — the transaction and its lookups, the
 * commit, the chat list and badge queries that rerun after it, a render — so larger batches store it sooner. Live
 * traffic comes one event at a time and is stored as it comes.
 */
const MAX_STORED_PER_BATCH = 4 * MAX_RECEIVED_PER_EVENT;

export class ReceiveWorker {
  /**
   * Waiting, as main handed it over: one entry per event (a receive batch of main's, whose inbox entries it keeps in
   * one record), so a stored batch is whole events and its commit lets main delete records, not rewrite what is left.
   */
  private readonly queue: ReceivedMessage[][] = [];
  /** Events that arrived before `messages.pending` answered; they go after it. */
  private early: ReceivedMessage[][] | null = [];
  private draining: Promise<void> | null = null;
  /** Commits go to main in order, one after another, while the next batch is already being stored. */
  private committing: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private stopped = false;
  /** When main last handed something over (options.now). */
  private lastArrival = -Infinity;
  private readonly options: Required<Omit<ReceiveWorkerOptions, 'log'>> & Pick<ReceiveWorkerOptions, 'log'>;

  constructor(options: ReceiveWorkerOptions) {
    this.options = {
      batchSize: MAX_STORED_PER_BATCH,
      retryDelayMs: 2_000,
      now: () => performance.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...options,
    };
  }

  async start(): Promise<void> {
    if (this.stopped) return;
    this.unsubscribe = this.options.ipc.onReceived((messages) => {
      this.lastArrival = this.options.now();
      if (this.early) this.early.push(messages);
      else this.enqueue(messages);
    });
    let pending: ReceivedMessage[] = [];
    try {
      pending = await this.options.ipc.pending();
    } catch (error) {
      // Nothing is lost: main keeps them until committed and hands them over on the next start.
      this.options.log?.('receive.pending_failed', { error: errorName(error) });
    }
    const early = this.early ?? [];
    this.early = null;
    // What main held from before comes from several of its records at once: queued as events of main's size, so the
    // first batch can be one of them (drain).
    const size = this.firstBatchSize();
    for (let start = 0; start < pending.length; start += size) this.enqueue(pending.slice(start, start + size));
    // Main broadcasts what it decrypts and answers `pending` with every entry not committed yet: an event that came
    // before the answer may hold entries the answer holds too — in a catch-up, all of them (2,048 of the 4,609 the
    // answer held in bench:ui). Those are queued once: the dedup in storeReceived would keep them single, but only
    // after sealing them again and reading each one's key back.
    const held = new Set(pending.map((message) => message.inboxId));
    for (const messages of early) this.enqueue(messages.filter((message) => !held.has(message.inboxId)));
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Resolves when everything received so far is stored and committed. */
  async whenIdle(): Promise<void> {
    while (this.draining) await this.draining;
    await this.committing;
  }

  /**
   * Resolves when everything received so far is stored and committed and main has handed nothing over for `quietMs`;
   * while messages keep coming, once `atMostMs` have passed (and all is stored). Work that gives way to receiving (the
   * search indexer) waits out a catch-up — main hands one over as a stream of events, with short gaps between them in
   * which whenIdle alone would let that work compete for the CPU and IndexedDB — and a busy chat never starves it.
   */
  async whenQuiet(quietMs: number, atMostMs: number): Promise<void> {
    const { now, sleep } = this.options;
    const until = now() + atMostMs;
    for (;;) {
      await this.whenIdle();
      const wait = Math.min(this.lastArrival + quietMs, until) - now();
      if (wait <= 0 || this.stopped) return;
      await sleep(wait);
    }
  }

  private enqueue(messages: ReceivedMessage[]): void {
    if (messages.length === 0) return;
    this.queue.push(messages);
    // Main hands over a burst (a catch-up) as one event per receive batch (per sender device), each its own task:
    // wait one task so events that came together are stored as one batch, with one commit and one receipt.
    this.draining ??= new Promise<void>((resolve) => setTimeout(resolve, 0))
      .then(() => this.drain())
      .finally(() => {
        this.draining = null;
      });
  }

  private async drain(): Promise<void> {
    const { db, titleOf } = this.options;
    // The batch after the one being written, prepared (rows made and sealed) while that one's transaction commits.
    let ahead: Ahead | null = null;
    while (this.queue.length > 0 && !this.stopped) {
      // The first batch of a drain is one event: all its rows are sealed before any is written, so a small one is
      // stored soon (the chat list shows a catch-up early) while the next, larger one is prepared meanwhile.
      const current = ahead ?? this.prepare(0, this.firstBatchSize());
      ahead = null;
      let outcome;
      try {
        const writing = writeReceived(db, await current.prepared, titleOf);
        if (current.events < this.queue.length) ahead = this.prepare(current.events);
        outcome = await writing;
      } catch (error) {
        if (this.stopped) return;
        this.options.log?.('receive.store_failed', { error: errorName(error), count: current.size });
        // Prepared again from the queue as it is then (it may have grown).
        ahead = null;
        await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs));
        continue;
      }
      const batch = this.queue.splice(0, current.events).flat();
      const inboxIds = batch.map((message) => message.inboxId);
      this.committing = this.committing.then(() => this.commit(inboxIds));
      for (const message of outcome.typing) if (message.sender.user !== this.options.me) this.options.onTyping(message);
      if (outcome.groupsChanged) this.options.onGroupsChanged();
      if (outcome.stored.length > 0) this.options.onStored(outcome.stored);
    }
  }

  /** The first batch of a drain, and the events what main held at start is handed in: one of main's events. */
  private firstBatchSize(): number {
    return Math.min(MAX_RECEIVED_PER_EVENT, this.options.batchSize);
  }

  /** Prepares the batch of whole events that starts at queue position `from`: as many as fit in `limit` (at least one). */
  private prepare(from: number, limit = this.options.batchSize): Ahead {
    let events = from + 1;
    let size = this.queue[from]!.length;
    while (events < this.queue.length && size + this.queue[events]!.length <= limit) size += this.queue[events++]!.length;
    const prepared = prepareReceived(this.options.db, this.queue.slice(from, events).flat(), this.options.me);
    // Awaited only when its turn comes; a failure then is handled there.
    prepared.catch(() => undefined);
    return { events: events - from, size, prepared };
  }

  private async commit(inboxIds: string[]): Promise<void> {
    for (let start = 0; start < inboxIds.length; start += MAX_COMMIT) {
      try {
        await this.options.ipc.commit(inboxIds.slice(start, start + MAX_COMMIT));
      } catch (error) {
        // Stored already; main will offer them again and the dedup keeps them single.
        this.options.log?.('receive.commit_failed', { error: errorName(error) });
      }
    }
  }
}

/** A batch being prepared: how many queued events it takes, how many messages they hold, and the work. */
interface Ahead {
  events: number;
  size: number;
  prepared: Promise<PreparedBatch>;
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}${'code' in error ? `:${String(error.code)}` : ''}` : typeof error;
}
