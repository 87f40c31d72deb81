// Runs the indexing in the background of a session: whenever something is queued for it (indexQueue.ts: messages
// stored, sent, edited, imported; messages deleted or purged) it works through the queues a bounded slice at a time
// (indexMessages.ts), each slice started in an idle period of the page (`idle`), so the UI, sending and receiving
// never wait for it: before a slice that indexes it also gives way to messaging (`yieldTo`; the session's is
// app/giveWayToMessaging.ts), so neither a catch-up nor a send waits behind indexing.
// Removals do not wait for receiving: until they are done, a deleted message's hashes are still in storage. They wait
// only for a purge of expired messages that is running (`purgeDone`): it deletes a chat's messages a slice at a time,
// and once it is done the blocks of seqs it emptied go with a request each (postings.ts), where removing each slice's
// messages as it commits would read and write back every posting row of a block that still held the rest. While
// PAUSE_INDEXING_KEY is set in localStorage it does nothing and catches up at the next change once it is removed:
// bench:ui measures what keeping the index current adds to sending by sends with and without it.
import { liveQuery, type Subscription } from 'dexie';
import type { ParleyDatabase } from '../database';
import { indexNextSlice, removeNextSlice } from './indexMessages';
import { PAUSE_INDEXING_KEY } from './pauseIndexing';

function paused(): boolean {
  try {
    return globalThis.localStorage?.getItem(PAUSE_INDEXING_KEY) != null;
  } catch {
    return false;
  }
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class SearchIndexer {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private subscription: Subscription | null = null;

  constructor(
    private readonly db: ParleyDatabase,
    private readonly onError: (error: unknown) => void,
    /**
     * Resolves when work that goes first is done (the session: everything received is stored and nothing more has
     * arrived for a moment, and no send is on its way — each wait bounded).
     */
    private readonly yieldTo: () => Promise<void> = () => Promise.resolve(),
    /** Resolves when a slice may start (the session: an idle period of the page). */
    private readonly idleSlice: () => Promise<void> = nextTask,
    /** Resolves when no purge of expired messages is running (the session's ExpiryWorker). */
    private readonly purgeDone: () => Promise<void> = () => Promise.resolve(),
  ) {}

  start(): void {
    // A count of each queue by an index: Dexie runs it again on any row added to or deleted from the queue (it watches
    // the index's whole range), and it is one request however many rows wait. Reading the keys instead walked a cursor
    // over every waiting row at each change: during a purge, whose removal rows wait for it to end, a row more at every
    // slice it committed.
    const changes = () => Promise.all([this.db.indexQueue.orderBy('first').count(), this.db.indexRemovals.orderBy('conversationId').count()]);
    this.subscription = liveQuery(changes).subscribe({
      next: () => this.poke(),
      error: (error: unknown) => this.onError(error),
    });
  }

  /** Resolves when everything queued so far is done (tests, and the benchmark). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    this.subscription?.unsubscribe();
  }

  private poke(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.running = null;
      });
  }

  private halted(): boolean {
    return this.stopped || paused();
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        await this.purgeDone();
        await this.idleSlice();
        if (this.halted()) break;
        if ((await removeNextSlice(this.db)) > 0) continue;
        await this.yieldTo();
        if (this.halted() || (await indexNextSlice(this.db)) === 0) break;
      }
    } while (this.again && !this.stopped);
  }
}
