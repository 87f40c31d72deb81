// Makes disappearing messages disappear: follows the earliest expiry in the database (a Dexie live query, so a
// newly timed message reschedules it), sleeps until then, and purges in small batches (db/expiry.ts) so the UI
// never waits on it. Runs for the whole session, whichever chat is open.
import { liveQuery, type Subscription } from 'dexie';
import type { ParleyDatabase } from '../../db/database';
import { nextExpiry, purgeExpired } from '../../db/expiry';

/** Longest single sleep (setTimeout's limit is about 24.8 days). */
const MAX_SLEEP_MS = 24 * 60 * 60 * 1000;

export class ExpiryWorker {
  private subscription: Subscription | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private purging: Promise<void> = Promise.resolve();
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

  /** Resolves when the purge in progress (if any) is done. */
  whenIdle(): Promise<void> {
    return this.purging;
  }

  private schedule(at: number | undefined): void {
    clearTimeout(this.timer);
    if (at === undefined || this.stopped) return;
    this.timer = setTimeout(() => this.purge(), Math.min(Math.max(0, at - this.now()), MAX_SLEEP_MS));
  }

  private purge(): void {
    this.purging = this.purging
      .then(() => purgeExpired(this.db, this.now()))
      .then(() => undefined)
      .catch((error: unknown) => {
        if (!this.stopped) this.log('expiry.purge_failed', { error: error instanceof Error ? error.name : typeof error });
      });
  }
}
