// The new device's import of the history its primary sent along: once main says the archive is ready it takes it in
// batches (history.importBatch → db/historyImport.ts), from where a previous run stopped, then tells main it is done
// (history.finishImport). One run at a time; progress goes to the banner's store.
import { MAX_HISTORY_BATCH, type HistoryImportBatch, type HistoryImportView } from '../../../shared/ipc';
import type { ParleyDatabase } from '../../db/database';
import { forgetImportPosition, importPosition, storeHistoryBatch } from '../../db/historyImport';
import type { HistoryImportProgress } from './historyImportStore';
import { errorSentence } from '../../i18n/errorText';

export interface HistoryImportIpc {
  state(): Promise<HistoryImportView>;
  batch(offset: number, limit: number): Promise<HistoryImportBatch>;
  finish(): Promise<void>;
  onChanged(listener: (view: HistoryImportView) => void): () => void;
}

export interface HistoryImportWorkerOptions {
  db: ParleyDatabase;
  /** This user's username: unread group messages naming them keep the chat's '@' mark. */
  me: string;
  ipc: HistoryImportIpc;
  report: (progress: HistoryImportProgress) => void;
  /** Every batch is stored (groups may have come with it). */
  onFinished: () => void;
  log: (event: string, fields: Record<string, unknown>) => void;
  batchSize?: number;
}

export class HistoryImportWorker {
  private stopped = false;
  private running: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: HistoryImportWorkerOptions) {}

  start(): void {
    this.unsubscribe = this.options.ipc.onChanged((view) => this.follow(view));
    void this.options.ipc.state().then(
      (view) => this.follow(view),
      (error: unknown) => this.options.log('history.import_state_failed', { error: (error as Error)?.name }),
    );
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
  }

  /** Resolves when the run in progress (if any) has ended. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private follow(view: HistoryImportView): void {
    if (this.stopped) return;
    switch (view.state) {
      case 'none':
        if (!this.running) void forgetImportPosition(this.options.db).catch(() => undefined);
        return;
      case 'downloading':
        return this.options.report({ state: 'waiting' });
      case 'failed':
        return this.options.report({ state: 'failed', message: errorSentence(view) });
      case 'ready':
        this.running ??= this.run(view.messages).finally(() => (this.running = null));
    }
  }

  private async run(total: number): Promise<void> {
    const { db, ipc, report } = this.options;
    try {
      const position = await importPosition(db);
      let offset = position?.total === total ? position.offset : 0;
      report({ state: 'importing', done: offset, total });
      do {
        const batch = await ipc.batch(offset, this.options.batchSize ?? MAX_HISTORY_BATCH);
        if (this.stopped) return;
        await storeHistoryBatch(db, batch, offset, total, this.options.me);
        offset += batch.messages.length;
        report({ state: 'importing', done: offset, total });
        if (batch.messages.length === 0) break;
      } while (offset < total && !this.stopped);
      if (this.stopped) return;
      await ipc.finish();
      await forgetImportPosition(db);
      report({ state: 'done', total: offset });
      this.options.log('history.imported', { messages: offset });
      this.options.onFinished();
    } catch (error) {
      if (this.stopped) return;
      this.options.log('history.import_failed', { error: (error as Error)?.name });
      report({ state: 'failed', message: 'Your history could not be stored on this device. Restart Parley to try again.' });
    }
  }
}
