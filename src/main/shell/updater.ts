// The update channel in the Electron app: electron-updater's platform updater under Parley's UpdateService
// (src/main/core/updates). Outside packaged builds electron-updater only runs when told to, reading a dev config;
// that is written here when a development run was given a feed (PARLEY_UPDATE_FEED_URL, e.g. a local test feed).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app } from 'electron';
import { autoUpdater } from 'electron-updater';
import type { Logger } from '../core/transport';
import { ElectronUpdaterEngine } from '../core/updates/ElectronUpdaterEngine';
import type { UpdateConfig } from '../core/updates/updateConfig';
import { UpdateService } from '../core/updates/UpdateService';
import { noUpdates, type UpdatesPort, type UpdatesWiring } from '../core/updates/UpdatesPort';

export interface ShellUpdatesOptions {
  config: UpdateConfig;
  currentVersion: string;
  rolloutBucket: number;
  dataDir: string;
  logger: Logger;
}

export async function startUpdates(options: ShellUpdatesOptions, wiring: UpdatesWiring): Promise<UpdatesPort> {
  const { config } = options;
  if (!config.enabled) return noUpdates(options.currentVersion, config.reason, wiring.channel);
  if (!app.isPackaged) {
    const devConfig = join(options.dataDir, 'dev-app-update.yml');
    await writeFile(devConfig, `provider: generic\nurl: ${JSON.stringify(config.feedUrl)}\nupdaterCacheDirName: parley-updater-dev\n`);
    autoUpdater.forceDevUpdateConfig = true;
    autoUpdater.updateConfigPath = devConfig;
  }
  const service = new UpdateService({
    engine: new ElectronUpdaterEngine(autoUpdater, { feedUrl: config.feedUrl, rolloutBucket: options.rolloutBucket, logger: options.logger }),
    config,
    currentVersion: options.currentVersion,
    channel: wiring.channel,
    onChange: wiring.onChange,
    logger: options.logger,
  });
  service.start();
  return service;
}
