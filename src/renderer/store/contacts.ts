// Contacts as main reports them (username, identity key, verified, key changed, blocked), following contacts.changed.
import { create } from 'zustand';
import type { ContactView } from '../../shared/ipc';
import { invoke, subscribe } from '../ipc';

interface ContactsStore {
  contacts: Record<string, ContactView>;
  load(): Promise<void>;
  /** Follows contacts.changed; returns the unsubscribe function. */
  follow(): () => void;
  add(username: string): Promise<ContactView>;
  setVerified(username: string, verified: boolean): Promise<void>;
  acceptIdentity(username: string): Promise<void>;
  setBlocked(username: string, blocked: boolean): Promise<void>;
}

export const useContacts = create<ContactsStore>((set) => {
  const put = (contact: ContactView) => set((state) => ({ contacts: { ...state.contacts, [contact.username]: contact } }));
  return {
    contacts: {},
    async load() {
      const list = await invoke('contacts.list', {});
      set({ contacts: Object.fromEntries(list.map((contact) => [contact.username, contact])) });
    },
    follow() {
      return subscribe('contacts.changed', put);
    },
    async add(username) {
      const contact = await invoke('contacts.add', { username });
      put(contact);
      return contact;
    },
    async setVerified(username, verified) {
      put(await invoke('contacts.setVerified', { username, verified }));
    },
    async acceptIdentity(username) {
      put(await invoke('contacts.acceptIdentity', { username }));
    },
    async setBlocked(username, blocked) {
      put(await invoke('contacts.setBlocked', { username, blocked }));
    },
  };
});
