// Moves WAL checkpoints off the event loop. A checkpoint copies the log into the database file and fsyncs
// both, which on the main thread stalls every socket for milliseconds. Here a worker thread with its own
// connection runs PASSIVE checkpoints (which never block the writer) shortly after commits. The main connection
// keeps a high wal_autocheckpoint as a safety net in case the worker falls behind or dies.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Plain CommonJS so the worker needs no TypeScript loader, whatever runs the relay. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.databasePath, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, busy: result.busy, log: result.log, checkpointed: result.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message) });
  }
});
`;

export interface CheckpointResult {
  ok: boolean;
  message?: string;
}

export class WalCheckpointer {
  private readonly worker: Worker;
  private running = false;
  private lastFinishedAt = 0;
  private closed = false;
  private failed = false;

  constructor(
    databasePath: string,
    private readonly options: { minIntervalMs: number; onFailure: (message: string) => void },
  ) {
    const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driverPath, databasePath } });
    this.worker.on('message', (result: CheckpointResult) => {
      this.running = false;
      this.lastFinishedAt = Date.now();
      if (!result.ok) this.fail(result.message ?? 'checkpoint failed');
    });
    this.worker.on('error', (error) => this.fail(error.message));
    // After the listeners: adding a 'message' listener references the worker again.
    this.worker.unref();
  }

  /** Call after each commit: starts a checkpoint unless one runs or one finished very recently. */
  afterCommit(): void {
    if (this.running || this.closed || this.failed) return;
    if (Date.now() - this.lastFinishedAt < this.options.minIntervalMs) return;
    this.running = true;
    this.worker.postMessage('checkpoint');
  }

  /** Lets a running checkpoint finish, then closes the worker's connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.failed) {
      await this.worker.terminate();
      return;
    }
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    // Unreferenced, the worker would let the process end right here, before the store is closed.
    this.worker.ref();
    this.worker.postMessage('close');
    await exited;
  }

  private fail(message: string): void {
    if (this.failed) return;
    this.failed = true;
    this.running = false;
    this.options.onFailure(message);
  }
}
