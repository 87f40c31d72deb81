// Makes disappearing messages disappear: follows the earliest expiry in the database (a Dexie live query, so a
// newly timed message reschedules it), sleeps until then, and purges in steps of a few rows (db/expiry.ts) so the
// UI never waits on it. One purge at a time, and the live query is put down while it runs: every batch it commits
// moves the earliest expiry, and re-reading it per batch would be work for nothing. Taken up again after the
// purge, its first answer is the next expiry, including any timed meanwhile. A purge that fails is tried again
// after a growing pause. Runs for the whole session, whichever chat is open.
import { liveQuery, type Subscription } from 'dexie';
import type { ParleyDatabase } from '../../db/database';
import { nextExpiry, purgeExpired } from '../../db/expiry';

/** Longest single sleep (setTimeout's limit is about 24.8 days). */
const MAX_SLEEP_MS = 24 * 60 * 60 * 1000;
/** Pause before trying a failed purge again, doubled per failure in a row up to the longest. */
export const RETRY_FIRST_MS = 1_000;
const RETRY_LONGEST_MS = 60_000;

export class ExpiryWorker {
  private subscription: Subscription | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private purging: Promise<void> | null = null;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly db: ParleyDatabase,
    private readonly log: (event: string, fields: Record<string, unknown>) => void,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.watch();
  }

  stop(): void {
    this.stopped = true;
    this.subscription?.unsubscribe();
    clearTimeout(this.timer);
  }

  /** Resolves when no purge is running (the search indexer's removals wait for it: db/search/SearchIndexer.ts; tests). */
  async whenIdle(): Promise<void> {
    while (this.purging) await this.purging;
  }

  private watch(): void {
    this.subscription?.unsubscribe();
    this.subscription = liveQuery(() => nextExpiry(this.db)).subscribe({
      next: (at) => this.schedule(at),
      error: (error: unknown) => this.log('expiry.watch_failed', { error: error instanceof Error ? error.name : typeof error }),
    });
  }

  private schedule(at: number | undefined): void {
    clearTimeout(this.timer);
    if (at === undefined || this.stopped) return;
    this.timer = setTimeout(() => this.purge(), Math.min(Math.max(0, at - this.now()), MAX_SLEEP_MS));
  }

  private purge(): void {
    if (this.stopped || this.purging) return;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.purging = purgeExpired(this.db, this.now())
      .then(
        () => {
          this.failures = 0;
          // Watching again reads the next expiry first. A timer that fired a moment early (timers and the wall clock
          // drift apart) purged nothing, and is set again from that answer.
          if (!this.stopped) this.watch();
        },
        (error: unknown) => {
          if (this.stopped) return;
          this.log('expiry.purge_failed', { error: error instanceof Error ? error.name : typeof error });
          this.failures += 1;
          clearTimeout(this.timer);
          this.timer = setTimeout(() => this.purge(), Math.min(RETRY_FIRST_MS * 2 ** (this.failures - 1), RETRY_LONGEST_MS));
        },
      )
      .finally(() => {
        this.purging = null;
      });
  }
}
