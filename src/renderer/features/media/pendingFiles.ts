// Files the user added to a chat's composer and has not sent yet: each is checked and handed to main at once (main
// encrypts and starts uploading while the user writes a caption), shown in the preview tray, and can be removed
// (which stops its upload). Sending takes the ready ones as one message.
import { create } from 'zustand';
import type { AttachmentView } from '../../../shared/ipc';
import { userMessage } from '../../errors';
import { invoke } from '../../ipc';
import { MediaRequestError, putThumbnail, stageFile } from './mediaUrl';
import { prepareFile } from './prepareFile';

export interface PendingFile {
  key: string;
  name: string;
  size: number;
  /** The browser's guess from the name, for the tray's icon only (main decides the real type from the content). */
  type: string;
  /** An object URL for an image's preview in the tray. */
  previewUrl: string | null;
  state: 'preparing' | 'ready' | 'failed';
  view: AttachmentView | null;
  error: string | null;
}

interface PendingFilesStore {
  byConversation: Record<string, PendingFile[]>;
  add(conversationId: string, files: readonly File[], options?: { voiceNote?: boolean }): Promise<void>;
  remove(conversationId: string, key: string): void;
  /** Empties the tray for a send, without cancelling what is sent. */
  take(conversationId: string): PendingFile[];
  /** Puts files a send could not store back in front of the tray. */
  restore(conversationId: string, files: readonly PendingFile[]): void;
}

let nextKey = 1;

export const usePendingFiles = create<PendingFilesStore>((set, get) => {
  const patch = (conversationId: string, key: string, change: Partial<PendingFile>) =>
    set((state) => ({
      byConversation: { ...state.byConversation, [conversationId]: (state.byConversation[conversationId] ?? []).map((item) => (item.key === key ? { ...item, ...change } : item)) },
    }));
  const present = (conversationId: string, key: string) => (get().byConversation[conversationId] ?? []).some((item) => item.key === key);

  async function stage(conversationId: string, item: PendingFile, file: File, voiceNote: boolean): Promise<void> {
    try {
      const prepared = await prepareFile(file, item.name, voiceNote);
      if (!present(conversationId, item.key)) return;
      let view = await stageFile(prepared.file, prepared.name, prepared.facts);
      if (prepared.thumbnail) view = await putThumbnail(view.id, prepared.thumbnail.data, prepared.thumbnail.width, prepared.thumbnail.height).catch(() => view);
      if (!present(conversationId, item.key)) {
        void invoke('media.cancel', { id: view.id }).catch(() => undefined);
        return;
      }
      patch(conversationId, item.key, { state: 'ready', view });
    } catch (error) {
      const message = error instanceof MediaRequestError ? error.message : userMessage(error, `“${item.name}” could not be added.`);
      patch(conversationId, item.key, { state: 'failed', error: message });
    }
  }

  return {
    byConversation: {},
    async add(conversationId, files, options = {}) {
      const items = files.map(
        (file): PendingFile => ({
          key: `f${nextKey++}`,
          name: file.name || 'file',
          size: file.size,
          type: file.type,
          previewUrl: file.type.startsWith('image/') && file.size > 0 ? URL.createObjectURL(file) : null,
          state: 'preparing',
          view: null,
          error: null,
        }),
      );
      set((state) => ({ byConversation: { ...state.byConversation, [conversationId]: [...(state.byConversation[conversationId] ?? []), ...items] } }));
      await Promise.all(items.map((item, i) => stage(conversationId, item, files[i]!, options.voiceNote ?? false)));
    },
    remove(conversationId, key) {
      const item = (get().byConversation[conversationId] ?? []).find((candidate) => candidate.key === key);
      if (!item) return;
      if (item.previewUrl) URL.revokeObjectURL(item.previewUrl);
      if (item.view) void invoke('media.cancel', { id: item.view.id }).catch(() => undefined);
      set((state) => ({ byConversation: { ...state.byConversation, [conversationId]: (state.byConversation[conversationId] ?? []).filter((candidate) => candidate.key !== key) } }));
    },
    take(conversationId) {
      const items = get().byConversation[conversationId] ?? [];
      set((state) => ({ byConversation: { ...state.byConversation, [conversationId]: [] } }));
      return items;
    },
    restore(conversationId, files) {
      set((state) => ({ byConversation: { ...state.byConversation, [conversationId]: [...files, ...(state.byConversation[conversationId] ?? [])] } }));
    },
  };
});
