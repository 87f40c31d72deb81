// Where links reach the Electron app, against a fake `electron`: the app's own command line, a second launch
// (single instance), and macOS open-url — each parsed by the core's inbox, the window brought forward.
import { describe, expect, it, vi } from 'vitest';
import { DeepLinkInbox } from '../core/links/DeepLinkInbox';
import { silentLogger } from '../core/transport';

vi.mock('electron', () => import('./testing/fakeElectron'));

const electron = await import('./testing/fakeElectron');
const { receiveDeepLinks } = await import('./deepLinks');

describe('receiveDeepLinks', () => {
  const inbox = new DeepLinkInbox(silentLogger);
  const focus = vi.fn();
  electron.app.isPackaged = true;
  receiveDeepLinks(inbox, ['/opt/Parley/parley', '--no-sandbox', 'parley://chat/alice'], focus);

  it('registers the scheme in packaged builds and takes the link on its own command line', () => {
    expect(electron.app.protocolClients).toEqual(['parley']);
    expect(inbox.take()).toEqual([{ status: 'accepted', id: 1, link: { kind: 'chat', username: 'alice' } }]);
  });

  it('routes a second launch\'s link, ignores its other arguments, and brings the window forward', () => {
    focus.mockClear();
    electron.app.emit('second-instance', {}, ['/opt/Parley/parley', '--inspect=9229', 'parley://add/bob', '--gpu-launcher=calc'], '/home/u');
    expect(inbox.take()).toEqual([{ status: 'accepted', id: 2, link: { kind: 'add', username: 'bob' } }]);
    expect(focus).toHaveBeenCalledTimes(1);
  });

  it('focuses on a second launch without a link, and reports a hostile one as rejected', () => {
    focus.mockClear();
    electron.app.emit('second-instance', {}, ['/opt/Parley/parley'], '/');
    electron.app.emit('second-instance', {}, ['/opt/Parley/parley', 'parley://chat/bob" --inspect'], '/');
    expect(inbox.take()).toEqual([{ status: 'rejected', id: 3, reason: 'malformed' }]);
    expect(focus).toHaveBeenCalledTimes(2);
  });

  it('takes macOS open-url links and keeps the OS from handling them again', () => {
    let prevented = false;
    electron.app.emit('open-url', { preventDefault: () => (prevented = true) }, 'parley://group/AbCdEfGhIjKlMnOpQrStUv');
    expect(prevented).toBe(true);
    expect(inbox.take()).toEqual([{ status: 'accepted', id: 4, link: { kind: 'group', groupId: 'AbCdEfGhIjKlMnOpQrStUv' } }]);
  });
});
