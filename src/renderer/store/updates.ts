// The update channel as main reports it (checking, downloading, verified and ready, failed), following
// updates.changed; plus which ready version the user put off until later.
import { create } from 'zustand';
import type { UpdateView } from '../../shared/ipc';
import { invoke, subscribe } from '../ipc';

interface UpdatesStore {
  view: UpdateView | null;
  /** "Later" on the restart prompt hides it for that version until Parley starts again. */
  postponed: string | null;
  load(): Promise<void>;
  follow(): () => void;
  check(): Promise<void>;
  restart(): Promise<void>;
  postpone(version: string): void;
}

export const useUpdates = create<UpdatesStore>((set) => ({
  view: null,
  postponed: null,
  async load() {
    set({ view: await invoke('updates.get', {}) });
  },
  follow() {
    return subscribe('updates.changed', (view) => set({ view }));
  },
  async check() {
    set({ view: await invoke('updates.check', {}) });
  },
  async restart() {
    await invoke('updates.restart', {});
  },
  postpone(version) {
    set({ postponed: version });
  },
}));
