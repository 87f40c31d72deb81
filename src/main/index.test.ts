// The Electron composition root, run against a fake `electron` as a packaged build: what a person's first launch
// and a second launch with a link do, end to end through the real core (no Electron runtime on build machines).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { INVOKE_CHANNELS } from '../shared/ipc';

vi.mock('electron', () => import('./shell/testing/fakeElectron'));

const electron = await import('./shell/testing/fakeElectron');
const dataDir = await mkdtemp(join(tmpdir(), 'parley-index-'));
const savedArgv = process.argv;
process.env.PARLEY_APP_DATA_DIR = dataDir;
process.argv = ['/opt/Parley/parley', 'parley://add/carol'];
electron.app.isPackaged = true;
electron.app.paths.userData = dataDir;

await import('./index');
electron.app.markReady();
await vi.waitFor(() => expect(electron.BrowserWindow.instances).toHaveLength(1), { timeout: 10_000 });
const window = electron.BrowserWindow.instances[0]!;
const pageUrl = window.loaded[0]!;

afterAll(async () => {
  electron.app.emit('before-quit');
  process.argv = savedArgv;
  delete process.env.PARLEY_APP_DATA_DIR;
  await rm(dataDir, { recursive: true, force: true });
});

describe('src/main/index.ts', () => {
  it('opens one hardened window on the built renderer, without DevTools in a packaged build', () => {
    expect(pageUrl).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: false,
    });
    expect(electron.app.protocolClients).toEqual(['parley']);
  });

  it('installs the session policy and guards the window', () => {
    expect(electron.session.defaultSession.permissionRequestHandler).not.toBeNull();
    expect(electron.session.defaultSession.headersReceived).not.toBeNull();
    expect(window.webContents.attempt('will-attach-webview')).toBe(true);
    expect(window.webContents.windowOpenHandler?.({ url: pageUrl })).toEqual({ action: 'deny' });
  });

  it('serves the media URL: parley-media:// registered before ready, answered by the core', async () => {
    expect(electron.protocol.privileged.map((scheme) => scheme.scheme)).toEqual(['parley-media']);
    const handler = electron.protocol.handlers.get('parley-media')!;
    // No account yet: an attachment id is refused by the core's handler, not by a missing route.
    const response = await handler(new Request('parley-media://attachment/AAAAAAAAAAAAAAAAAAAAAA'));
    expect(response.status).toBe(500);
    expect((await handler(new Request('parley-media://attachment/not-an-id'))).status).toBe(404);
  });

  it('keeps keys behind the keychain and records which one', async () => {
    expect(JSON.parse(await readFile(join(dataDir, 'secret-backend.json'), 'utf8'))).toEqual({ backend: expect.stringMatching(/^keychain:/) });
  });

  it('serves the IPC contract to the page and to nothing else', async () => {
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(await electron.ipcMain.invoke('app.info', {}, pageUrl)).toMatchObject({ ok: true, value: { shell: 'electron' } });
    expect(await electron.ipcMain.invoke('account.get', {}, 'https://evil.example/')).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
  });

  it('holds the link it was launched with, and routes a second launch\'s link to the window and brings it forward', async () => {
    window.minimize();
    electron.app.emit('second-instance', {}, ['/opt/Parley/parley', 'parley://chat/bob'], '/');
    expect(window.isMinimized()).toBe(false);
    expect(window.focused).toBe(true);
    expect(window.webContents.sent).toContainEqual({ channel: 'links.deepLinkReceived', payload: {} });
    expect(await electron.ipcMain.invoke('links.takeDeepLinks', {}, pageUrl)).toEqual({
      ok: true,
      value: [
        { status: 'accepted', id: 1, link: { kind: 'add', username: 'carol' } },
        { status: 'accepted', id: 2, link: { kind: 'chat', username: 'bob' } },
      ],
    });
  });

  it('shows the window once loaded, with a tray that shows the unread count the page reports on the badge', async () => {
    await vi.waitFor(() => expect(window.isVisible()).toBe(true));
    const tray = electron.Tray.instances[0]!;
    expect(tray.tooltip).toBe('Parley');
    expect(tray.menu.map((item) => item.label)).toEqual(['Show Parley', 'No unread messages', 'Quit Parley']);
    expect(await electron.ipcMain.invoke('app.setUnreadCount', { count: 3 }, pageUrl)).toEqual({ ok: true, value: {} });
    expect(electron.app.badgeCount).toBe(3);
    expect(tray.tooltip).toBe('Parley — 3 unread messages');
    expect(tray.menu[1]).toMatchObject({ label: '3 unread messages', enabled: false });
    expect(await electron.ipcMain.invoke('app.setUnreadCount', { count: -1 }, pageUrl)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('keeps running in the tray when the window is closed, if the user chose that, and the tray brings it back', async () => {
    expect(await electron.ipcMain.invoke('settings.update', { closeToTray: true }, pageUrl)).toMatchObject({ ok: true, value: { closeToTray: true } });
    expect(window.webContents.sent).toContainEqual({ channel: 'settings.changed', payload: expect.objectContaining({ closeToTray: true }) });
    window.close();
    expect(window.isDestroyed()).toBe(false);
    expect(window.isVisible()).toBe(false);
    electron.Tray.instances[0]!.menu.find((item) => item.label === 'Show Parley')!.click!();
    expect(window.isVisible()).toBe(true);
    window.hide();
    expect(await electron.ipcMain.invoke('app.showWindow', {}, pageUrl)).toEqual({ ok: true, value: {} });
    expect(window.isVisible()).toBe(true);
  });

  it('quits when the last window closes (except on macOS)', () => {
    const before = electron.app.quitCalls;
    electron.app.emit('window-all-closed');
    expect(electron.app.quitCalls).toBe(before + (process.platform === 'darwin' ? 0 : 1));
  });
});
