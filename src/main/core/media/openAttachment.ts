// "Open" for a file in a chat: the OS needs a file to open, and nothing decrypted is ever written to a temporary
// file (docs/security.md §17), so opening is saving where the user chooses and then opening that saved file. A
// program or script is saved and shown in its folder instead — Parley never starts code it was sent.
import type { DesktopFiles } from '../desktop/DesktopPort';
import { AttachmentError } from './cipher/AttachmentError';
import { toView } from './attachmentView';
import type { MediaLibrary } from './MediaLibrary';

export type OpenOutcome = 'opened' | 'shown' | 'cancelled';

export async function openAttachment(library: MediaLibrary, files: DesktopFiles | undefined, id: string): Promise<OpenOutcome> {
  if (!files) throw new AttachmentError('unreadable', 'This version of Parley cannot hand files to other apps; use Save.');
  const view = toView(await library.requireHere(id));
  const path = await files.chooseSavePath(view.fileName);
  if (path === undefined) return 'cancelled';
  await library.saveTo(id, path);
  if (view.executable) {
    files.showInFolder(path);
    return 'shown';
  }
  await files.openPath(path);
  return 'opened';
}
