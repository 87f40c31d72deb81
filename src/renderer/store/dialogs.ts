// The one dialog (or the jump-to-chat palette) open at a time. Esc and the close buttons call close().
import { create } from 'zustand';
import type { StoredMessage } from '../db/rows';

export type DialogState =
  /** `username` prefills the field; `fromLink` says a parley:// link asked for it, so the user confirms. */
  | { kind: 'newChat'; username?: string; fromLink?: boolean }
  | { kind: 'newGroup' }
  | { kind: 'settings' }
  /** Uploads and downloads in progress. */
  | { kind: 'transfers' }
  | { kind: 'palette' }
  | { kind: 'contactInfo'; username: string }
  | { kind: 'groupInfo'; groupId: string }
  /** A parley://join link: the token as main passed it on; main reads and checks it. */
  | { kind: 'joinGroup'; token: string }
  /** Forward this message's text to another chat, or show when it was sent, delivered and read. */
  | { kind: 'forward'; message: StoredMessage }
  | { kind: 'messageInfo'; message: StoredMessage };

interface DialogsStore {
  open: DialogState | null;
  show(dialog: DialogState): void;
  close(): void;
}

export const useDialogs = create<DialogsStore>((set) => ({
  open: null,
  show(open) {
    set({ open });
  },
  close() {
    set({ open: null });
  },
}));
