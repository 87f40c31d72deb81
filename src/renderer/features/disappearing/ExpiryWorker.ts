// Makes disappearing messages disappear: follows the earliest expiry in the database (a Dexie live query, so a
// newly timed message reschedules it), sleeps until then, and purges in small batches (db/expiry.ts) so the UI
// never waits on it. One purge at a time: expiries seen while one runs are taken by one more run after it. A purge
// that fails is tried again after a growing pause, and after every purge the next expiry is read again (the live
// query alone would wait for the next change, which may never come). Runs for the whole session, whichever chat is open.
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
  private again = false;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly db: ParleyDatabase,
    private readonly log: (event: string, fields: Record<string, unknown>) => void,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.subscription = liveQuery(() => nextExpiry(this.db)).subscribe({
      next: (at) => this.schedule(at),
      error: (error: unknown) => this.log('expiry.watch_failed', { error: error instanceof Error ? error.name : typeof error }),
    });
  }

  stop(): void {
    this.stopped = true;
    this.subscription?.unsubscribe();
    clearTimeout(this.timer);
  }

  /** Resolves when no purge is running (tests). */
  async whenIdle(): Promise<void> {
    while (this.purging) await this.purging;
  }

  private schedule(at: number | undefined): void {
    clearTimeout(this.timer);
    if (at === undefined || this.stopped) return;
    this.timer = setTimeout(() => this.purge(), Math.min(Math.max(0, at - this.now()), MAX_SLEEP_MS));
  }

  private purge(): void {
    if (this.stopped) return;
    if (this.purging) {
      this.again = true;
      return;
    }
    this.purging = purgeExpired(this.db, this.now())
      .then(
        async () => {
          this.failures = 0;
          // The live query speaks only when the earliest expiry changes. A timer that fired a moment early (timers
          // and the wall clock drift apart) purged nothing and changed nothing, so the next expiry is read again here.
          if (!this.stopped && !this.again) this.schedule(await nextExpiry(this.db));
        },
        (error: unknown) => {
          if (this.stopped) return;
          this.log('expiry.purge_failed', { error: error instanceof Error ? error.name : typeof error });
          this.failures += 1;
          this.again = false;
          clearTimeout(this.timer);
          this.timer = setTimeout(() => this.purge(), Math.min(RETRY_FIRST_MS * 2 ** (this.failures - 1), RETRY_LONGEST_MS));
        },
      )
      .finally(() => {
        this.purging = null;
        if (this.again) {
          this.again = false;
          this.purge();
        }
      });
  }
}
