// The account of this device as the UI sees it (never any key material beyond the public identity key).
import { create } from 'zustand';
import type { AccountView } from '../../shared/ipc';
import { IpcError, invoke } from '../ipc';

type AccountStatus = 'loading' | 'none' | 'ready';

interface AccountStore {
  status: AccountStatus;
  account: AccountView | null;
  load(): Promise<void>;
  /** Creates the account; throws IpcError with a user-facing message on failure. */
  create(username: string, relayUrl: string): Promise<void>;
}

export const useAccount = create<AccountStore>((set) => ({
  status: 'loading',
  account: null,
  async load() {
    const account = await invoke('account.get', {});
    set({ account, status: account ? 'ready' : 'none' });
  },
  async create(username, relayUrl) {
    const account = await invoke('account.create', { username, relayUrl });
    set({ account, status: 'ready' });
  },
}));

export { IpcError };
