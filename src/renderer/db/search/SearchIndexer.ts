// Runs the indexing in the background of a session: whenever a message is queued for indexing (own messages,
// imported history: indexMessages.ts) it indexes the queue, a chunk at a time with a pause between chunks, so the UI
// and sending never wait for it — nor receiving: before each chunk it waits until what has arrived is stored
// (`yieldTo`). Received messages come with their terms and are never queued. While PAUSE_INDEXING_KEY is set in
// localStorage it indexes nothing and catches up at the next change once it is removed: bench:ui measures what
// keeping the index current adds to sending by sends with and without it.
import { liveQuery, type Subscription } from 'dexie';
import type { ParleyDatabase } from '../database';
import { indexNextChunk } from './indexMessages';
import { INDEX_QUEUE_PREFIX } from './postings';
import { PAUSE_INDEXING_KEY } from './pauseIndexing';

function paused(): boolean {
  try {
    return globalThis.localStorage?.getItem(PAUSE_INDEXING_KEY) != null;
  } catch {
    return false;
  }
}

export class SearchIndexer {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private subscription: Subscription | null = null;

  constructor(
    private readonly db: ParleyDatabase,
    private readonly onError: (error: unknown) => void,
    /** Resolves when work that goes first is done (the session's receive pipeline: everything received is stored). */
    private readonly yieldTo: () => Promise<void> = () => Promise.resolve(),
  ) {}

  start(): void {
    const changes = () => this.db.meta.where('key').startsWith(INDEX_QUEUE_PREFIX).primaryKeys();
    this.subscription = liveQuery(changes).subscribe({
      next: () => this.poke(),
      error: (error: unknown) => this.onError(error),
    });
  }

  /** Resolves when everything stored so far is indexed (tests, and the benchmark). */
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

  private async run(): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        await this.yieldTo();
        if (this.stopped || paused() || (await indexNextChunk(this.db)) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    } while (this.again && !this.stopped);
  }
}
