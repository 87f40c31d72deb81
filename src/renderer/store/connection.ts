// What the UI knows about the relay connection: the latest snapshot from main, and "retry now".
import { create } from 'zustand';
import type { ConnectionSnapshot } from '../../shared/ipc';
import { invoke, subscribe } from '../ipc';

interface ConnectionStore {
  snapshot: ConnectionSnapshot | null;
  /** Loads the current state and follows changes; returns the unsubscribe function. */
  follow(): () => void;
  retryNow(): Promise<void>;
}

export const useConnection = create<ConnectionStore>((set) => ({
  snapshot: null,
  follow() {
    const unsubscribe = subscribe('connection.changed', (snapshot) => set({ snapshot }));
    invoke('connection.get', {}).then(
      (snapshot) => set((state) => (state.snapshot ? state : { snapshot })),
      () => undefined, // The next connection.changed event brings the state.
    );
    return unsubscribe;
  },
  async retryNow() {
    set({ snapshot: await invoke('connection.retry', {}) });
  },
}));
