// Attachments as main reports them now (transfer state and progress), by local id: rows in IndexedDB keep what a
// file was when its message was stored, this store what it is. Filled on demand (and with the unfinished transfers
// for the transfers list) and kept current by media.changed.
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
  /** Asks main for every unfinished upload and download (some may have started before this window). */
  loadTransfers(): Promise<void>;
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
  async loadTransfers() {
    const transfers = await invoke('media.transfers', {});
    set((state) => ({ views: { ...state.views, ...Object.fromEntries(transfers.map((view) => [view.id, view])) } }));
  },
}));

const MOVING = new Set<AttachmentView['state']>(['encrypting', 'uploading', 'downloading', 'paused']);

/** The file is being encrypted, uploaded or downloaded, or paused on the way. */
export function isMoving(view: AttachmentView): boolean {
  return MOVING.has(view.state);
}

/** Ids of the transfers in progress, in the order main first reported them. */
export function movingIds(state: Pick<MediaStore, 'views'>): string[] {
  return Object.values(state.views)
    .filter(isMoving)
    .map((view) => view.id);
}

/** Starts (or continues) a received file's download. */
export function startDownload(id: string): void {
  void invoke('media.download', { id }).catch(() => undefined);
}
