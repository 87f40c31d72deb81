// Which received files download by themselves: those up to a size the user picks in Settings (or none), per account
// on this computer. Larger files wait for a click. The choice is not secret (it says nothing about any chat) and is
// kept in localStorage beside the theme; main downloads only what it is asked to.
import { create } from 'zustand';
import type { AttachmentView } from '../../../shared/ipc';
import { useAccount } from '../../store/account';

const MIB = 1024 * 1024;

/** The sizes offered in Settings; 0 is "never". */
export const AUTO_DOWNLOAD_CHOICES: readonly number[] = [0, 5 * MIB, 16 * MIB, 50 * MIB, 100 * MIB, 500 * MIB];
export const DEFAULT_AUTO_DOWNLOAD_BYTES = 16 * MIB;

const storageKey = (username: string) => `parley.autoDownload.${username}`;

function stored(username: string): number {
  try {
    const value = Number(localStorage.getItem(storageKey(username)) ?? Number.NaN);
    return AUTO_DOWNLOAD_CHOICES.includes(value) ? value : DEFAULT_AUTO_DOWNLOAD_BYTES;
  } catch {
    return DEFAULT_AUTO_DOWNLOAD_BYTES;
  }
}

interface AutoDownloadStore {
  /** Limits read or chosen in this session, by username. */
  limits: Record<string, number>;
  setLimit(username: string, bytes: number): void;
}

export const useAutoDownload = create<AutoDownloadStore>((set) => ({
  limits: {},
  setLimit(username, bytes) {
    if (!AUTO_DOWNLOAD_CHOICES.includes(bytes)) return;
    try {
      localStorage.setItem(storageKey(username), String(bytes));
    } catch {
      // Storage can be unavailable; the choice still holds for this session.
    }
    set((state) => ({ limits: { ...state.limits, [username]: bytes } }));
  },
}));

/** The signed-in account's limit in bytes (0: nothing downloads by itself). */
export function useAutoDownloadLimit(): number {
  const username = useAccount((state) => state.account?.username ?? null);
  return useAutoDownload((state) => (username === null ? 0 : (state.limits[username] ?? stored(username))));
}

/** A received file that has not started moving and is small enough to fetch without asking. */
export function downloadsByItself(view: AttachmentView, limitBytes: number): boolean {
  return view.direction === 'incoming' && view.state === 'pending' && limitBytes > 0 && view.size <= limitBytes;
}

export function autoDownloadLabel(bytes: number): string {
  return bytes === 0 ? 'Never' : `Up to ${bytes / MIB} MB`;
}
