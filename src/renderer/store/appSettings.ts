// The desktop app's preferences as main keeps them (update channel, notification preview, tray behaviour),
// following settings.changed so every open screen agrees.
import { create } from 'zustand';
import type { AppSettings, AppSettingsChange } from '../../shared/ipc';
import { invoke, subscribe } from '../ipc';

interface AppSettingsStore {
  settings: AppSettings | null;
  load(): Promise<AppSettings>;
  /** Follows settings.changed; returns the unsubscribe function. */
  follow(): () => void;
  update(change: AppSettingsChange): Promise<AppSettings>;
}

export const useAppSettings = create<AppSettingsStore>((set) => ({
  settings: null,
  async load() {
    const settings = await invoke('settings.get', {});
    set({ settings });
    return settings;
  },
  follow() {
    return subscribe('settings.changed', (settings) => set({ settings }));
  },
  async update(change) {
    const settings = await invoke('settings.update', change);
    set({ settings });
    return settings;
  },
}));
