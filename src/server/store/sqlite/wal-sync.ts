// Durability without blocking the event loop. SQLite commits with synchronous=NORMAL (its WAL frames reach the
// OS but are not fsynced), then this flushes the WAL file with fdatasync on libuv's thread pool. A caller
// waits for an fdatasync that *started after* its commit; commits made while one runs share the next one,
// so many commits cost one flush (group commit) and the main thread never waits for the disk.
import { close, fdatasync, openSync } from 'node:fs';

export class WalSync {
  private running = false;
  /** Callers that committed while a flush was running; the next flush covers them. */
  private waiting: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private current: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private fd: number | undefined;

  /** Opens (creating if needed, never writing) the WAL file of an open WAL-mode database. */
  constructor(walPath: string) {
    this.fd = openSync(walPath, 'a+');
  }

  /** Resolves once every write to the WAL made before this call is on stable storage. */
  flush(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.fd === undefined) return reject(new Error('the WAL file is closed'));
      this.waiting.push({ resolve, reject });
      if (!this.running) this.start();
    });
  }

  /** Waits for flushes in progress, then closes the file. */
  async close(): Promise<void> {
    while (this.running) await new Promise((resolve) => setImmediate(resolve));
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) await new Promise<void>((resolve) => close(fd, () => resolve()));
  }

  private start(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    this.running = true;
    this.current = this.waiting;
    this.waiting = [];
    fdatasync(fd, (error) => {
      const done = this.current;
      this.current = [];
      this.running = false;
      for (const waiter of done) {
        if (error) waiter.reject(error);
        else waiter.resolve();
      }
      if (this.waiting.length > 0) this.start();
    });
  }
}
