// The shell's update wiring against fake `electron` and `electron-updater` modules: a build without a feed says so
// and never touches electron-updater; a development run given a feed writes electron-updater's dev config, imposes
// Parley's policy on it and schedules the first check.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../core/transport';

vi.mock('electron', () => import('./testing/fakeElectron'));
const fakeUpdater = vi.hoisted(() => ({
  autoDownload: true,
  autoInstallOnAppQuit: true,
  allowDowngrade: true,
  forceDevUpdateConfig: false,
  updateConfigPath: null as string | null,
  isUserWithinRollout: null as unknown,
  logger: null as unknown,
  checks: 0,
  checkForUpdates() {
    fakeUpdater.checks += 1;
    return Promise.resolve(null);
  },
  setFeedURL: () => undefined,
  on: () => undefined,
  off: () => undefined,
}));
vi.mock('electron-updater', () => ({ autoUpdater: fakeUpdater }));

const { startUpdates } = await import('./updater');
const wiring = { channel: () => 'stable' as const, onChange: vi.fn() };
let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-shell-updater-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

describe('startUpdates', () => {
  it('reports a build without a feed as not updating itself, and leaves electron-updater alone', async () => {
    const updates = await startUpdates(
      { config: { enabled: false, reason: 'no_feed' }, currentVersion: '0.1.0', rolloutBucket: 0.3, dataDir, logger: silentLogger },
      wiring,
    );
    expect(await updates.check()).toEqual({ currentVersion: '0.1.0', channel: 'stable', status: { state: 'disabled', reason: 'no_feed' } });
    expect(fakeUpdater.checks).toBe(0);
    expect(fakeUpdater.autoDownload).toBe(true);
  });

  it('runs electron-updater against a development feed under Parley\'s policy', async () => {
    vi.useFakeTimers();
    try {
      const updates = await startUpdates(
        { config: { enabled: true, feedUrl: 'http://127.0.0.1:8999/feed/', publicKey: new Uint8Array(32) }, currentVersion: '0.1.0', rolloutBucket: 0.3, dataDir, logger: silentLogger },
        wiring,
      );
      expect(fakeUpdater).toMatchObject({ autoDownload: false, autoInstallOnAppQuit: false, allowDowngrade: false, forceDevUpdateConfig: true });
      expect(fakeUpdater.updateConfigPath).toBe(join(dataDir, 'dev-app-update.yml'));
      expect(await readFile(join(dataDir, 'dev-app-update.yml'), 'utf8')).toContain('url: "http://127.0.0.1:8999/feed/"');
      expect((fakeUpdater.isUserWithinRollout as (info: object) => boolean)({ stagingPercentage: 20 })).toBe(false);
      expect((fakeUpdater.isUserWithinRollout as (info: object) => boolean)({ stagingPercentage: 40 })).toBe(true);
      expect(fakeUpdater.checks).toBe(0);
      await vi.advanceTimersByTimeAsync(40_000);
      expect(fakeUpdater.checks).toBe(1);
      expect(updates.view().status).toMatchObject({ state: 'up-to-date' });
    } finally {
      vi.useRealTimers();
    }
  });
});
