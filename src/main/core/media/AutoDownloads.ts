// Received files that download by themselves: each file of an arriving message whose size is within the limit for
// its kind (Settings › Media) is queued here in main as the message is received — whether or not a window is open
// or shows the chat — and downloaded a few at a time, oldest first. The queue is kept in the vault, so what was
// waiting or moving when the app stopped goes on at the next start. A file the user pauses, cancels or downloads
// himself leaves the queue and is never started again by it. Files over the limit when they arrived are remembered
// (the latest few thousand): when a limit is raised, those that now fall under it join the queue.
import { z } from 'zod';
import type { AttachmentView, AutoDownloadLimits } from '../../../shared/ipc';
import type { Logger } from '../transport';
import type { Vault } from '../vault';
import { jsonRecord } from '../vault/jsonRecord';
import { LocalAttachmentId } from './store/AttachmentRecords';

/** Downloads the queue runs at once (a click or a played video starts at once, beside them). */
export const AUTO_DOWNLOADS_AT_ONCE = 3;
/** Files over the limit that a raised limit can still take up (older ones are only downloaded on request). */
export const MAX_PASSED_OVER = 5_000;

/** What the queue needs of the media library. */
export interface DownloadSource {
  view(id: string): Promise<AttachmentView>;
  download(id: string): Promise<AttachmentView>;
  /** Resolves when the transfer of `id` running now (if any) has stopped, however it ended. */
  settled(id: string): Promise<void>;
}

/** Where the queue's ids are kept between runs. */
export interface QueueStore {
  load(): Promise<string[]>;
  save(ids: readonly string[]): Promise<void>;
}

export interface AutoDownloadsOptions {
  library: DownloadSource;
  store: QueueStore;
  /** Where the files passed over (over the limit when they arrived) are kept. */
  passedOverStore: QueueStore;
  /** The limits as set now; a raise is announced with limitsChanged(). */
  limits: () => AutoDownloadLimits;
  logger: Logger;
  atOnce?: number;
}

/** A received file that has not started moving and is within the limit for its kind. */
export function downloadsByItself(view: AttachmentView, limits: AutoDownloadLimits): boolean {
  return view.direction === 'incoming' && view.state === 'pending' && view.size <= limits[view.kind];
}

export class AutoDownloads {
  /** Waiting and running ids, in arrival order. */
  private readonly queue: string[] = [];
  /** Received files over the limit when they arrived, oldest first. */
  private passedOver: string[] = [];
  private limits: AutoDownloadLimits;
  private reconsidering: Promise<void> = Promise.resolve();
  private savingPassedOver: Promise<void> = Promise.resolve();
  private readonly running = new Set<string>();
  private pumping: Promise<void> = Promise.resolve();
  private saving: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(private readonly options: AutoDownloadsOptions) {
    this.limits = { ...options.limits() };
  }

  /** Takes up the queue the app left: downloads the library resumed are counted as running, the rest wait their turn. */
  static async open(options: AutoDownloadsOptions): Promise<AutoDownloads> {
    const downloads = new AutoDownloads(options);
    downloads.passedOver = await options.passedOverStore.load();
    for (const id of await options.store.load()) {
      const view = await options.library.view(id).catch(() => undefined);
      if (view?.state === 'pending') downloads.queue.push(id);
      else if (view?.state === 'downloading') {
        downloads.queue.push(id);
        downloads.watch(id);
      }
    }
    await downloads.save();
    downloads.pump();
    return downloads;
  }

  /** The files of a message that just arrived: those within the limits are queued, the rest remembered (kept before this returns). */
  async offer(views: readonly AttachmentView[]): Promise<void> {
    if (this.closed) return;
    const limits = this.options.limits();
    const fresh = views.filter((view) => downloadsByItself(view, limits) && !this.queue.includes(view.id));
    const over = views.filter((view) => view.direction === 'incoming' && view.state === 'pending' && !fresh.includes(view) && !this.passedOver.includes(view.id));
    if (over.length > 0) {
      this.passedOver = [...this.passedOver, ...over.map((view) => view.id)].slice(-MAX_PASSED_OVER);
      await this.savePassedOver();
    }
    if (fresh.length === 0) return;
    this.queue.push(...fresh.map((view) => view.id));
    await this.save();
    this.pump();
  }

  /**
   * Settings › Media changed. Where a limit went up, files passed over that now fall under it join the queue, oldest
   * first, as if they had just arrived; one the user has started since (or that is gone) is forgotten.
   */
  limitsChanged(): Promise<void> {
    const work = this.reconsidering.then(() => this.reconsider());
    this.reconsidering = work.catch((error: unknown) => this.options.logger.warn('media.auto_download_failed', { error: String((error as Error)?.name) }));
    return work;
  }

  private async reconsider(): Promise<void> {
    const before = this.limits;
    const limits = (this.limits = { ...this.options.limits() });
    const raised = (Object.keys(limits) as (keyof AutoDownloadLimits)[]).some((kind) => limits[kind] > before[kind]);
    if (!raised || this.closed) return;
    const settled = new Set<string>();
    const taken: string[] = [];
    for (const id of this.passedOver) {
      const view = await this.options.library.view(id).catch(() => undefined);
      if (view?.state !== 'pending') settled.add(id);
      else if (downloadsByItself(view, limits)) {
        settled.add(id);
        if (!this.queue.includes(id)) taken.push(id);
      }
    }
    if (settled.size === 0) return;
    this.passedOver = this.passedOver.filter((id) => !settled.has(id));
    await this.savePassedOver();
    if (taken.length === 0 || this.closed) return;
    this.queue.push(...taken);
    await this.save();
    this.pump();
  }

  /** Stops starting downloads; what is queued or running stays queued for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    await this.reconsidering;
    await this.pumping;
    await this.saving;
    await this.savingPassedOver;
  }

  private pump(): void {
    this.pumping = this.pumping
      .then(() => this.startWaiting())
      .catch((error: unknown) => this.options.logger.warn('media.auto_download_failed', { error: String((error as Error)?.name) }));
  }

  private async startWaiting(): Promise<void> {
    for (const id of [...this.queue]) {
      if (this.closed || this.running.size >= (this.options.atOnce ?? AUTO_DOWNLOADS_AT_ONCE)) return;
      if (this.running.has(id)) continue;
      const view = await this.options.library.view(id).catch(() => undefined);
      // Gone, or the user started (or finished) it himself: it is no longer the queue's.
      if (view?.state !== 'pending') {
        await this.drop(id);
        continue;
      }
      try {
        await this.options.library.download(id);
      } catch (error) {
        this.options.logger.warn('media.auto_download_not_started', { error: String((error as Error)?.name) });
        await this.drop(id);
        continue;
      }
      this.watch(id);
    }
  }

  private watch(id: string): void {
    this.running.add(id);
    void this.options.library
      .settled(id)
      .then(async () => {
        this.running.delete(id);
        // Stopped because the app is closing: it stays queued and goes on at the next start.
        if (this.closed) return;
        // Finished, failed, or paused or cancelled by the user: done with it either way.
        await this.drop(id);
        this.pump();
      })
      .catch(() => undefined); // an unsaved queue was logged; the download itself went on
  }

  private async drop(id: string): Promise<void> {
    const at = this.queue.indexOf(id);
    if (at === -1) return;
    this.queue.splice(at, 1);
    await this.save();
  }

  private save(): Promise<void> {
    const ids = [...this.queue];
    const write = this.saving.then(() => this.options.store.save(ids));
    this.saving = write.catch((error: unknown) => this.options.logger.warn('media.auto_download_queue_unsaved', { error: String((error as Error)?.name) }));
    return write;
  }

  private savePassedOver(): Promise<void> {
    const ids = [...this.passedOver];
    const write = this.savingPassedOver.then(() => this.options.passedOverStore.save(ids));
    this.savingPassedOver = write.catch((error: unknown) => this.options.logger.warn('media.auto_download_queue_unsaved', { error: String((error as Error)?.name) }));
    return write;
  }
}

const queueCodec = jsonRecord(z.array(LocalAttachmentId).max(100_000), 'automatic download queue');

/** The queue's ids in the vault, beside the attachment records. */
export function vaultQueue(vault: Vault): QueueStore {
  return vaultIds(vault, 'media/auto-download');
}

/** The ids of the files passed over, in the vault. */
export function vaultPassedOver(vault: Vault): QueueStore {
  return vaultIds(vault, 'media/auto-download-passed-over');
}

function vaultIds(vault: Vault, record: string): QueueStore {
  return {
    load: async () => {
      const bytes = await vault.get('records', record);
      return bytes ? queueCodec.decode(bytes) : [];
    },
    save: (ids) => vault.put('records', record, queueCodec.encode([...ids])),
  };
}
