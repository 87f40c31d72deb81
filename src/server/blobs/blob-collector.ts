// Garbage collection of blobs: finished blobs past their expiry and uploads abandoned unfinished, in bounded
// batches on a timer. Bytes go first, then the record, so a crash in between leaves a record the next run retries.
import type { Logger } from '../log';
import { errorFields } from '../log';
import type { BlobBytes } from './blob-bytes';
import type { BlobIndex } from './blob-index';

const BATCH = 500;

export interface BlobCollectorOptions {
  index: BlobIndex;
  bytes: BlobBytes;
  /** An unfinished upload idle this long is deleted. */
  abandonMs: number;
  intervalMs: number;
  now: () => number;
  logger: Logger;
}

export class BlobCollector {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly options: BlobCollectorOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.collect(), this.options.intervalMs);
    this.timer.unref();
    void this.collect();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; resolves to the number of blobs removed. Concurrent calls share the pass in progress. */
  collect(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    const { index, bytes, now, logger } = this.options;
    let removed = 0;
    try {
      for (const select of [() => index.expired(now(), BATCH), () => index.abandoned(now() - this.options.abandonMs, BATCH)]) {
        for (;;) {
          const ids = await select();
          for (const id of ids) {
            await bytes.remove(id);
            await index.remove(id);
          }
          removed += ids.length;
          if (ids.length < BATCH) break;
        }
      }
      if (removed > 0) logger.info('relay.blobs_collected', { blobs: removed });
    } catch (error) {
      logger.error('relay.blob_gc_failed', errorFields(error));
    }
    return removed;
  }
}
