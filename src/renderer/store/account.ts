// The account of this device as the UI sees it (never any key material beyond the public identity key).
import { create } from 'zustand';
import type { AccountView } from '../../shared/ipc';
import { invoke } from '../ipc';

type AccountStatus = 'loading' | 'none' | 'ready' | 'error';

interface AccountStore {
  status: AccountStatus;
  account: AccountView | null;
  /** Why the account could not be loaded (status `error`). */
  error: string | null;
  load(): Promise<void>;
  /** Creates the account; throws IpcError with a user-facing message on failure. */
  /** Registers `username` at the first relay (or, if unreachable, the next); the account keeps them all. */
  create(username: string, relays: { relayUrl: string; fallbackRelayUrls?: string[] }): Promise<void>;
  /** Points this device at its relays' addresses, tried in this order; throws IpcError on failure. */
  setRelayUrls(relayUrls: string[]): Promise<void>;
}

export const useAccount = create<AccountStore>((set) => ({
  status: 'loading',
  account: null,
  error: null,
  async load() {
    try {
      const account = await invoke('account.get', {});
      set({ account, status: account ? 'ready' : 'none', error: null });
    } catch (error) {
      set({ status: 'error', error: error instanceof Error ? error.message : 'Parley could not start.' });
    }
  },
  async create(username, relays) {
    const account = await invoke('account.create', { username, ...relays });
    set({ account, status: 'ready' });
  },
  async setRelayUrls(relayUrls) {
    const account = await invoke('account.setRelayUrls', { relayUrls });
    set({ account });
  },
}));
