// The OS side of "Open" for files in chats (core/media/openAttachment.ts): the save dialog, opening a saved file with
// its app, and showing one in its folder. Thin on purpose; what is saved, and whether it is opened, the core decides.
import { join } from 'node:path';
import { app, dialog, shell, type BrowserWindow } from 'electron';
import type { DesktopFiles } from '../core/desktop/DesktopPort';
import { AttachmentError } from '../core/media/cipher/AttachmentError';

export function electronDesktopFiles(window: () => BrowserWindow | null): DesktopFiles {
  return {
    async chooseSavePath(suggestedName) {
      const options = { defaultPath: join(app.getPath('downloads'), suggestedName) };
      const parent = window();
      const answer = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      return answer.canceled || !answer.filePath ? undefined : answer.filePath;
    },
    async openPath(path) {
      // Reviewed (docs/security.md §17): only a file the user just saved, and never a program or script.
      const failure = await shell.openPath(path);
      if (failure) throw new AttachmentError('unreadable', `The file is saved, but no app opened it (${failure}).`);
    },
    showInFolder: (path) => shell.showItemInFolder(path),
  };
}
