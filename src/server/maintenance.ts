// Periodic housekeeping of a running relay: forgetting expired nonces and idle rate buckets, pinging sockets,
// and pruning dedup records in small chunks so no single transaction blocks the event loop for long.
import type { Logger } from './log';
import { errorFields } from './log';
import type { MailboxStore } from './store/relay-store';

export interface MaintenanceTasks {
  /** Cheap in-memory pruning (nonces, rate buckets). */
  sweepMemory: () => void;
  /** WebSocket pings; skipped when heartbeatIntervalMs is 0. */
  heartbeat: () => void;
  store: Pick<MailboxStore, 'pruneDedupRecords'>;
  dedupRetentionMs: number;
  heartbeatIntervalMs: number;
  now: () => number;
  logger: Logger;
}

const MEMORY_SWEEP_MS = 10_000;
const DEDUP_PRUNE_MS = 60 * 60_000;
const DEDUP_PRUNE_CHUNK = 5_000;

export class Maintenance {
  private readonly timers: NodeJS.Timeout[] = [];
  private pruning: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly tasks: MaintenanceTasks) {}

  start(): void {
    this.every(MEMORY_SWEEP_MS, this.tasks.sweepMemory);
    if (this.tasks.heartbeatIntervalMs > 0) this.every(this.tasks.heartbeatIntervalMs, this.tasks.heartbeat);
    this.every(DEDUP_PRUNE_MS, () => void this.pruneDedup());
    void this.pruneDedup();
  }

  /** Stops the timers and waits for a prune in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.pruning;
  }

  /** Deletes dedup records older than the retention, a chunk per event-loop turn. */
  pruneDedup(): Promise<void> {
    this.pruning ??= this.pruneChunks().finally(() => {
      this.pruning = undefined;
    });
    return this.pruning;
  }

  private async pruneChunks(): Promise<void> {
    const before = this.tasks.now() - this.tasks.dedupRetentionMs;
    let total = 0;
    try {
      for (;;) {
        if (this.stopped) break;
        const removed = await this.tasks.store.pruneDedupRecords(before, DEDUP_PRUNE_CHUNK);
        total += removed;
        if (removed < DEDUP_PRUNE_CHUNK) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (total > 0) this.tasks.logger.info('relay.dedup_pruned', { records: total });
    } catch (error) {
      this.tasks.logger.error('relay.dedup_prune_failed', errorFields(error));
    }
  }

  private every(ms: number, task: () => void): void {
    const timer = setInterval(() => {
      try {
        task();
      } catch (error) {
        this.tasks.logger.error('relay.maintenance_failed', errorFields(error));
      }
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
