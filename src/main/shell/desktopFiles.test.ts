// The OS side of "Open" against a fake `electron` (the real runtime cannot start on build machines).
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./testing/fakeElectron'));

const electron = await import('./testing/fakeElectron');
const { electronDesktopFiles } = await import('./desktopFiles');

describe('electronDesktopFiles', () => {
  electron.app.paths.downloads = '/home/ann/Downloads';
  const files = electronDesktopFiles(() => null);

  it('asks where to save in Downloads under the suggested name, and says when the user cancels', async () => {
    electron.dialog.nextSavePath = undefined;
    expect(await files.chooseSavePath('minutes.pdf')).toBeUndefined();
    electron.dialog.nextSavePath = '/home/ann/Documents/minutes.pdf';
    expect(await files.chooseSavePath('minutes.pdf')).toBe('/home/ann/Documents/minutes.pdf');
    expect(electron.dialog.saveDefaults).toEqual(['/home/ann/Downloads/minutes.pdf', '/home/ann/Downloads/minutes.pdf']);
  });

  it('opens a saved file with its app, shows one in its folder, and reports an OS that could not open it', async () => {
    await files.openPath('/home/ann/Documents/minutes.pdf');
    files.showInFolder('/home/ann/Downloads/setup.exe');
    expect(electron.shell.openedPaths).toEqual(['/home/ann/Documents/minutes.pdf']);
    expect(electron.shell.shownPaths).toEqual(['/home/ann/Downloads/setup.exe']);
    electron.shell.nextOpenPathError = 'No application is associated with the specified file';
    await expect(files.openPath('/home/ann/x.odd')).rejects.toMatchObject({ code: 'unreadable', message: expect.stringContaining('saved, but no app opened it') });
    electron.shell.nextOpenPathError = '';
  });
});
