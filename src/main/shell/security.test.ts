// The window and session hardening, applied to a fake `electron` (the real runtime cannot start on build machines).
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./testing/fakeElectron'));

const electron = await import('./testing/fakeElectron');
const { guardWebContents, hardenSession } = await import('./security');
const { RENDERER_CSP_HEADER } = await import('../core/security/contentSecurityPolicy');

const renderer = { indexFileUrl: 'file:///opt/Parley/resources/app.asar/out/renderer/index.html' };
const defaultSession = electron.session.defaultSession;

type RequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details: object) => void;
type CheckHandler = (contents: unknown, permission: string, origin: string, details: object) => boolean;

function request(permission: string, details: object): boolean {
  let granted: boolean | undefined;
  (defaultSession.permissionRequestHandler as unknown as RequestHandler)(null, permission, (answer) => (granted = answer), details);
  if (granted === undefined) throw new Error('the permission request was never answered');
  return granted;
}

describe('hardenSession', () => {
  hardenSession(renderer);

  it('answers permission requests with the policy: notifications and microphone for our page, nothing else', () => {
    expect(request('notifications', { requestingUrl: renderer.indexFileUrl })).toBe(true);
    expect(request('media', { requestingUrl: renderer.indexFileUrl, mediaTypes: ['audio'] })).toBe(true);
    expect(request('media', { requestingUrl: renderer.indexFileUrl, mediaTypes: ['audio', 'video'] })).toBe(false);
    expect(request('geolocation', { requestingUrl: renderer.indexFileUrl })).toBe(false);
    expect(request('openExternal', { requestingUrl: renderer.indexFileUrl, externalURL: 'smb://x' })).toBe(false);
    expect(request('notifications', { requestingUrl: 'https://evil.example/' })).toBe(false);
  });

  it('answers permission checks the same way, and refuses every device', () => {
    const check = defaultSession.permissionCheckHandler as unknown as CheckHandler;
    expect(check(null, 'notifications', 'file:///', {})).toBe(true);
    expect(check(null, 'media', 'file:///', { mediaType: 'audio' })).toBe(true);
    expect(check(null, 'media', 'file:///', { mediaType: 'video' })).toBe(false);
    expect(check(null, 'clipboard-read', 'file:///', {})).toBe(false);
    expect(check(null, 'notifications', 'https://evil.example', {})).toBe(false);
    expect((defaultSession.devicePermissionHandler as unknown as () => boolean)()).toBe(false);
  });

  it('puts our Content-Security-Policy on every response, replacing any other', () => {
    let headers: unknown;
    (defaultSession.headersReceived as unknown as (details: object, callback: (result: { responseHeaders: unknown }) => void) => void)(
      { responseHeaders: { 'content-security-policy': ['script-src *'] } },
      (result) => (headers = result.responseHeaders),
    );
    expect(headers).toEqual({ 'Content-Security-Policy': [RENDERER_CSP_HEADER] });
  });
});

describe('guardWebContents', () => {
  guardWebContents(renderer);
  let window: InstanceType<typeof electron.BrowserWindow>;
  beforeEach(() => {
    window = new electron.BrowserWindow({});
    electron.dialog.questions.length = 0;
    electron.shell.opened.length = 0;
  });

  it('refuses webviews and new windows', () => {
    expect(window.webContents.attempt('will-attach-webview', {}, {})).toBe(true);
    expect(window.webContents.windowOpenHandler?.({ url: renderer.indexFileUrl })).toEqual({ action: 'deny' });
    expect(window.webContents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(electron.dialog.questions).toEqual([]);
  });

  it('keeps the page on the renderer; a web link is opened in the OS browser only after the user confirms', async () => {
    expect(window.webContents.attempt('will-navigate', `${renderer.indexFileUrl}#/x`)).toBe(false);
    for (const url of ['file:///etc/passwd', 'parley://chat/bob', 'javascript:alert(1)']) {
      expect(window.webContents.attempt('will-navigate', url)).toBe(true);
      expect(window.webContents.attempt('will-redirect', url)).toBe(true);
    }
    expect(electron.dialog.questions).toEqual([]);

    electron.dialog.nextResponse = 1; // Cancel
    expect(window.webContents.attempt('will-navigate', 'https://example.org/a')).toBe(true);
    await vi.waitFor(() => expect(electron.dialog.questions).toHaveLength(1));
    expect(electron.dialog.questions[0]).toEqual({ message: 'Open this link in your web browser?', detail: 'https://example.org/a' });
    expect(electron.shell.opened).toEqual([]);

    electron.dialog.nextResponse = 0; // Open in browser
    expect(window.webContents.windowOpenHandler?.({ url: 'https://example.org/b' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(electron.shell.opened).toEqual(['https://example.org/b']));
  });
});
