// The composition root on a desktop without a tray: "start minimised" and "keep running in the tray" would strand
// the window, so it is shown, and closing it closes it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./shell/testing/fakeElectron'));

const electron = await import('./shell/testing/fakeElectron');
const dataDir = await mkdtemp(join(tmpdir(), 'parley-index-notray-'));
await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ startMinimised: true, closeToTray: true }));
process.env.PARLEY_APP_DATA_DIR = dataDir;
electron.app.paths.userData = dataDir;
electron.Tray.unavailable = true;

await import('./index');
electron.app.markReady();
await vi.waitFor(() => expect(electron.BrowserWindow.instances).toHaveLength(1));
const window = electron.BrowserWindow.instances[0]!;

afterAll(async () => {
  electron.app.emit('before-quit');
  delete process.env.PARLEY_APP_DATA_DIR;
  await rm(dataDir, { recursive: true, force: true });
});

describe('src/main/index.ts without a tray', () => {
  it('shows the window despite "start minimised", and lets closing it close it', async () => {
    await vi.waitFor(() => expect(window.isVisible()).toBe(true));
    window.close();
    expect(window.isDestroyed()).toBe(true);
  });
});
