// Hands main the messages whose files must go (db/fileDeletions.ts) and only then removes the note: at start (what
// a crash or a closed app left), and whenever a delete, a received delete or the purge notes more (a Dexie live
// query on the table). Main deletes idempotently, so a note handed over twice — the app stopped between main's
// answer and the note's removal — costs nothing. A failure leaves the note, tried again after a growing pause.
import { liveQuery, type Subscription } from 'dexie';
import { MAX_FORGET_MESSAGES, type GoneMessage } from '../../shared/ipc';
import type { ParleyDatabase } from '../db/database';

/** Notes read per pass. */
const NOTES_PER_PASS = 20;
/** Pause before trying again after a failure, doubled per failure in a row up to the longest. */
export const RETRY_FIRST_MS = 1_000;
const RETRY_LONGEST_MS = 60_000;

export interface FileDeletionWorkerOptions {
  db: ParleyDatabase;
  /** media.forgetMessages: at most MAX_FORGET_MESSAGES per call. */
  forget(messages: GoneMessage[]): Promise<void>;
  log(event: string, fields: Record<string, unknown>): void;
}

export class FileDeletionWorker {
  private subscription: Subscription | undefined;
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private failures = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: FileDeletionWorkerOptions) {}

  start(): void {
    this.subscription = liveQuery(() => this.options.db.fileDeletions.count()).subscribe({
      next: (waiting) => {
        if (waiting > 0) this.drain();
      },
      error: (error: unknown) => this.options.log('files.watch_failed', { error: errorName(error) }),
    });
  }

  stop(): void {
    this.stopped = true;
    this.subscription?.unsubscribe();
    clearTimeout(this.retry);
  }

  /** Resolves when no hand-over is running (tests). */
  async whenIdle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private drain(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    clearTimeout(this.retry);
    this.draining = this.handOver()
      .then(
        () => {
          this.failures = 0;
        },
        (error: unknown) => {
          if (this.stopped) return;
          this.options.log('files.forget_failed', { error: errorName(error) });
          this.failures += 1;
          this.retry = setTimeout(() => this.drain(), Math.min(RETRY_FIRST_MS * 2 ** (this.failures - 1), RETRY_LONGEST_MS));
        },
      )
      .finally(() => {
        this.draining = null;
        if (this.again) {
          this.again = false;
          this.drain();
        }
      });
  }

  private async handOver(): Promise<void> {
    const { db, forget } = this.options;
    for (;;) {
      const notes = await db.fileDeletions.limit(NOTES_PER_PASS).toArray();
      if (notes.length === 0 || this.stopped) return;
      for (const note of notes) {
        for (let start = 0; start < note.messages.length; start += MAX_FORGET_MESSAGES) {
          await forget(note.messages.slice(start, start + MAX_FORGET_MESSAGES));
        }
        if (this.stopped) return;
        await db.fileDeletions.delete(note.id!);
      }
    }
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
