// The auto-update channel: checks the feed at start and every few hours (with jitter) or when asked, downloads
// what it offers with progress, verifies Parley's release signature, and only then offers "restart to update".
// The engine (electron-updater in the shell; a plain-Node one in tests) fetches and installs; every decision
// is here or in updatePolicy.ts. Reports each change of its status to `onChange` (the `updates.changed` event).
import { AppError, type UpdateChannel, type UpdateStatus, type UpdateView } from '../../../shared/ipc';
import type { Logger } from '../transport';
import type { UpdateConfig } from './updateConfig';
import { nextCheckDelay, releaseRefusal } from './updatePolicy';
import { verifyDownload, type OfferedRelease } from './verifyDownload';

export interface DownloadProgress {
  transferred: number;
  total: number;
  percent: number;
}

/** What fetches and installs updates: electron-updater in the desktop app. */
export interface UpdateEngine {
  /** The release the channel's feed offers, or null when it offers nothing for this install (rollout, same version). */
  check(channel: UpdateChannel): Promise<OfferedRelease | null>;
  /** Downloads the release the last check offered; resolves with the file's path. */
  download(onProgress: (progress: DownloadProgress) => void): Promise<string>;
  /** Deletes a downloaded file that failed verification, so it can never be installed. */
  discard(file: string): Promise<void>;
  /** Quits and installs the downloaded release. */
  install(): void;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface UpdateServiceOptions {
  engine: UpdateEngine;
  config: UpdateConfig;
  currentVersion: string;
  channel: () => UpdateChannel;
  onChange: (view: UpdateView) => void;
  logger: Logger;
  timers?: Timers;
  random?: () => number;
}

export class UpdateService {
  private status: UpdateStatus;
  private running: Promise<void> | null = null;
  private timer: unknown = null;
  private stopped = false;
  private readonly timers: Timers;
  private readonly random: () => number;

  constructor(private readonly options: UpdateServiceOptions) {
    this.status = options.config.enabled ? { state: 'idle' } : { state: 'disabled', reason: options.config.reason };
    this.timers = options.timers ?? { setTimeout: (callback, ms) => setTimeout(callback, ms).unref(), clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) };
    this.random = options.random ?? Math.random;
  }

  view(): UpdateView {
    return { currentVersion: this.options.currentVersion, channel: this.options.channel(), status: this.status };
  }

  /** Schedules the first check (shortly after start) and, after each, the next. */
  start(): void {
    if (this.options.config.enabled) this.schedule('first');
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Checks now (and downloads and verifies what is offered); one run at a time. */
  check(): Promise<UpdateView> {
    if (!this.options.config.enabled || this.stopped) return Promise.resolve(this.view());
    if (this.status.state === 'ready') return Promise.resolve(this.view());
    this.running ??= this.run().finally(() => {
      this.running = null;
      if (!this.stopped) this.schedule('periodic');
    });
    return this.running.then(() => this.view());
  }

  /** The channel setting changed: what is ready came from the other channel's feed, so look again. */
  channelChanged(): void {
    if (this.status.state === 'ready' || this.status.state === 'up-to-date' || this.status.state === 'error') this.set({ state: 'idle' });
    void this.check();
  }

  /** Installs the verified update (the app quits and restarts). */
  restart(): void {
    if (this.status.state !== 'ready') throw new AppError('update_not_ready', { id: 'update.not_ready' });
    this.options.logger.info('update.install', { version: this.status.version });
    this.options.engine.install();
  }

  private schedule(kind: 'first' | 'periodic'): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.check();
    }, nextCheckDelay(kind, this.random));
  }

  private async run(): Promise<void> {
    const config = this.options.config;
    if (!config.enabled) return;
    const channel = this.options.channel();
    this.set({ state: 'checking' });
    let release: OfferedRelease | null;
    try {
      release = await this.options.engine.check(channel);
    } catch (error) {
      return this.fail('check_failed', error);
    }
    const refusal = release === null ? 'not_newer' : releaseRefusal(this.options.currentVersion, release.version, channel);
    if (release === null || refusal !== null) {
      if (refusal !== 'not_newer') this.options.logger.warn('update.offer_refused', { refusal });
      return this.set({ state: 'up-to-date', checkedAt: Date.now() });
    }
    const version = release.version;
    this.set({ state: 'available', version });
    let file: string;
    try {
      let shown = -1;
      file = await this.options.engine.download((progress) => {
        const percent = Math.max(0, Math.min(100, Math.floor(progress.percent)));
        if (percent === shown) return;
        shown = percent;
        this.set({ state: 'downloading', version, transferred: progress.transferred, total: progress.total, percent });
      });
    } catch (error) {
      const corrupt = /checksum mismatch|sha512/i.test(String((error as Error)?.message ?? ''));
      return corrupt
        ? this.fail('download_corrupt', error)
        : this.fail('download_failed', error);
    }
    this.set({ state: 'verifying', version });
    const verdict = await verifyDownload({ file, release, publicKey: config.publicKey, currentVersion: this.options.currentVersion, channel });
    if (verdict !== null) {
      await this.options.engine.discard(file).catch(() => undefined);
      this.options.logger.error('update.refused', { version, verdict });
      return this.set({ state: 'error', code: verdict });
    }
    this.options.logger.info('update.ready', { version });
    this.set({ state: 'ready', version });
  }

  /** `code`: what failed, which the renderer's string table says ('update.failed'). */
  private fail(code: 'check_failed' | 'download_corrupt' | 'download_failed', error: unknown): void {
    this.options.logger.warn('update.failed', { code, error: error instanceof Error ? error.name : typeof error });
    this.set({ state: 'error', code });
  }

  private set(status: UpdateStatus): void {
    this.status = status;
    this.options.onChange(this.view());
  }
}
