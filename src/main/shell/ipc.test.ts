// ipcMain registration against a fake `electron`: every contract channel is handled, and a request is trusted only
// when its sender frame is our renderer page.
import { describe, expect, it, vi } from 'vitest';
import { AppError, INVOKE_CHANNELS, createIpcDispatcher, type IpcHandlers } from '../../shared/ipc';

vi.mock('electron', () => import('./testing/fakeElectron'));

const electron = await import('./testing/fakeElectron');
const { registerIpc, windowEventSink } = await import('./ipc');

const renderer = { indexFileUrl: 'file:///opt/Parley/resources/app.asar/out/renderer/index.html' };
const handlers = new Proxy({} as IpcHandlers, {
  get: (_target, channel) => async () => {
    if (channel === 'app.info') return { version: '1.0.0', shell: 'electron', defaultRelayUrl: 'ws://127.0.0.1:8787/v1/ws' };
    throw new AppError('no_account', { id: 'account.none' });
  },
});
registerIpc(createIpcDispatcher(handlers, { error: () => undefined }), renderer);

describe('registerIpc', () => {
  it('handles every channel of the contract', () => {
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  it('serves our renderer page, also with a hash route', async () => {
    expect(await electron.ipcMain.invoke('app.info', {}, renderer.indexFileUrl)).toMatchObject({ ok: true, value: { shell: 'electron' } });
    expect(await electron.ipcMain.invoke('app.info', {}, `${renderer.indexFileUrl}#/chat`)).toMatchObject({ ok: true });
  });

  it.each([
    ['another page', 'https://evil.example/'],
    ['another local file', 'file:///tmp/evil.html'],
    ['a frame that is gone', null],
  ])('refuses a request from %s before any handler runs', async (_name, frameUrl) => {
    expect(await electron.ipcMain.invoke('app.info', {}, frameUrl)).toEqual({
      ok: false,
      error: { code: 'forbidden_sender', message: 'request.forbidden_sender', retryable: false, text: { id: 'request.forbidden_sender' } },
    });
  });
});

describe('windowEventSink', () => {
  it('sends events to the window while it exists, and drops them after', () => {
    const window = new electron.BrowserWindow({});
    let current: typeof window | null = window;
    const sink = windowEventSink(() => current as never);
    sink('connection.changed', { state: 'online' });
    window.destroy();
    sink('connection.changed', { state: 'offline' });
    current = null;
    sink('connection.changed', { state: 'offline' });
    expect(window.webContents.sent).toEqual([{ channel: 'connection.changed', payload: { state: 'online' } }]);
  });
});
