// The UpdateEngine over electron-updater (generic provider): it reads electron-builder's feed, downloads with its
// sha512 check and installs per platform. Parley's policy is imposed on it: no automatic download or install on
// quit (nothing unverified is ever installed), no downgrade, and the staged rollout decided by updatePolicy.ts.
// Takes an AppUpdater instance, so plain Node tests can run it with their own app adapter and HTTP executor.
import { rm } from 'node:fs/promises';
import type { AppUpdater, ProgressInfo, UpdateInfo } from 'electron-updater';
import { z } from 'zod';
import type { UpdateChannel } from '../../../shared/ipc';
import type { Logger } from '../transport';
import { feedChannel, isWithinRollout } from './updatePolicy';
import type { DownloadProgress, UpdateEngine } from './UpdateService';
import type { OfferedRelease } from './verifyDownload';

/** The fields Parley reads from a feed; anything else in it is left alone. */
const FeedRelease = z.looseObject({
  version: z.string().max(64),
  files: z
    .array(z.looseObject({ url: z.string().max(2048), sha512: z.string().max(200), signature: z.string().max(200).optional() }))
    .min(1)
    .max(64),
});

export interface ElectronUpdaterEngineOptions {
  feedUrl: string;
  /** This install's place in staged rollouts (updatePolicy.rolloutBucket). */
  rolloutBucket: number;
  logger: Logger;
}

type Updater = Pick<
  AppUpdater,
  'setFeedURL' | 'checkForUpdates' | 'downloadUpdate' | 'on' | 'off' | 'autoDownload' | 'autoInstallOnAppQuit' | 'allowDowngrade' | 'isUserWithinRollout' | 'logger'
> & { quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void };

export class ElectronUpdaterEngine implements UpdateEngine {
  constructor(
    private readonly updater: Updater,
    private readonly options: ElectronUpdaterEngineOptions,
  ) {
    updater.autoDownload = false;
    updater.autoInstallOnAppQuit = false;
    updater.allowDowngrade = false;
    updater.isUserWithinRollout = (info: UpdateInfo) => isWithinRollout(info.stagingPercentage, options.rolloutBucket);
    updater.logger = {
      info: () => undefined,
      warn: () => undefined,
      error: (message?: unknown) => options.logger.warn('update.engine_error', { error: typeof message === 'string' ? message.slice(0, 200) : 'error' }),
    };
  }

  async check(channel: UpdateChannel): Promise<OfferedRelease | null> {
    this.updater.setFeedURL({ provider: 'generic', url: this.options.feedUrl, channel: feedChannel(channel) });
    this.updater.allowDowngrade = false;
    const result = await this.updater.checkForUpdates();
    if (!result?.isUpdateAvailable) return null;
    const parsed = FeedRelease.safeParse(result.updateInfo);
    if (!parsed.success) throw new Error('the update feed does not describe a release Parley can read');
    return parsed.data;
  }

  async download(onProgress: (progress: DownloadProgress) => void): Promise<string> {
    const listener = (progress: ProgressInfo) => onProgress({ percent: progress.percent, transferred: progress.transferred, total: progress.total });
    this.updater.on('download-progress', listener);
    try {
      const [file] = await this.updater.downloadUpdate();
      if (!file) throw new Error('the download produced no file');
      return file;
    } finally {
      this.updater.off('download-progress', listener);
    }
  }

  async discard(file: string): Promise<void> {
    await rm(file, { force: true });
  }

  install(): void {
    this.updater.quitAndInstall(false, true);
  }
}
