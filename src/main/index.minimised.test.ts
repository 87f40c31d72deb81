// The composition root with "start minimised" and "keep running in the tray" chosen (settings.json from an earlier
// run): the window is made hidden and shown from the tray — but never hidden where the desktop has no tray.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./shell/testing/fakeElectron'));

const electron = await import('./shell/testing/fakeElectron');
const dataDir = await mkdtemp(join(tmpdir(), 'parley-index-minimised-'));
await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ startMinimised: true, closeToTray: true }));
process.env.PARLEY_APP_DATA_DIR = dataDir;
electron.app.paths.userData = dataDir;

await import('./index');
electron.app.markReady();
await vi.waitFor(() => expect(electron.BrowserWindow.instances).toHaveLength(1));
const window = electron.BrowserWindow.instances[0]!;

afterAll(async () => {
  electron.app.emit('before-quit');
  delete process.env.PARLEY_APP_DATA_DIR;
  await rm(dataDir, { recursive: true, force: true });
});

describe('src/main/index.ts started minimised', () => {
  it('loads the window hidden, shows it from the tray, and hides it again on close', async () => {
    await new Promise((resolve) => setImmediate(resolve));
    expect(window.loaded).toHaveLength(1);
    expect(window.isVisible()).toBe(false);
    electron.Tray.instances[0]!.emit('click');
    expect(window.isVisible()).toBe(true);
    window.close();
    expect(window.isDestroyed()).toBe(false);
    expect(window.isVisible()).toBe(false);
  });

  it('closes for real when the app quits', () => {
    electron.Tray.instances[0]!.menu.find((item) => item.label === 'Quit Parley')!.click!();
    window.close();
    expect(window.isDestroyed()).toBe(true);
  });
});
