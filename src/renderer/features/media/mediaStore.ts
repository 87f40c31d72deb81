// Attachments as main reports them now (transfer state and progress), by local id: rows in IndexedDB keep what a
// file was when its message was stored, this store what it is. Filled on demand and kept current by media.changed.
import { create } from 'zustand';
import type { AttachmentView } from '../../../shared/ipc';
import { invoke, subscribe } from '../../ipc';

interface MediaStore {
  views: Record<string, AttachmentView>;
  /** Ids asked for and not answered yet (each is asked once). */
  asked: ReadonlySet<string>;
  put(view: AttachmentView): void;
  /** Asks main once for an attachment this store has not seen yet. */
  ensure(id: string): void;
  /** Follows media.changed; returns the unsubscribe. */
  follow(): () => void;
}

export const useMedia = create<MediaStore>((set, get) => ({
  views: {},
  asked: new Set(),
  put(view) {
    set((state) => ({ views: { ...state.views, [view.id]: view } }));
  },
  ensure(id) {
    if (get().views[id] || get().asked.has(id)) return;
    set((state) => ({ asked: new Set(state.asked).add(id) }));
    const settle = () => set((state) => ({ asked: new Set([...state.asked].filter((asked) => asked !== id)) }));
    invoke('media.get', { id }).then(
      (view) => (get().put(view), settle()),
      settle,
    );
  },
  follow() {
    return subscribe('media.changed', (view) => get().put(view));
  },
}));

/** The live view of an attachment, or what the row kept until main answers. */
export function useAttachment(stored: AttachmentView): AttachmentView {
  const live = useMedia((state) => state.views[stored.id]);
  return live ?? stored;
}

/** Starts (or continues) a received file's download. */
export function startDownload(id: string): void {
  void invoke('media.download', { id }).catch(() => undefined);
}
