// Renders the whole renderer against a fake window.parley and a fresh IndexedDB, with every store reset, so a
// test drives the app the way a user does.
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import Dexie from 'dexie';
import { App } from '../App';
import { useHistoryImport } from '../features/devices/historyImportStore';
import { useReceiving } from '../features/connection/receivingStore';
import { useMedia } from '../features/media/mediaStore';
import { usePendingFiles } from '../features/media/pendingFiles';
import { databaseName, openParleyDatabase, type ParleyDatabase } from '../db/database';
import { useAccount } from '../store/account';
import { useChats } from '../store/chats';
import { useConnection } from '../store/connection';
import { useContacts } from '../store/contacts';
import { useProfiles } from '../store/profiles';
import { useDialogs } from '../store/dialogs';
import { useDrafts } from '../store/drafts';
import { useMessageActions } from '../store/messageActions';
import { useGroups } from '../store/groups';
import { useNotices } from '../store/notices';
import { useSession } from '../store/session';
import { useTyping } from '../store/typing';
import { testHistoryKeys } from './db';
import { FakeParley, fakeAccount, type FakeParleyOptions } from './fakeParley';

export function resetStores(): void {
  useAccount.setState({ status: 'loading', account: null, error: null });
  useChats.setState({ selected: null, search: '' });
  useConnection.setState({ snapshot: null });
  useContacts.setState({ contacts: {} });
  useProfiles.setState({ own: null, others: {} });
  useDialogs.setState({ open: null });
  useDrafts.setState({ drafts: {} });
  useMessageActions.setState({ modes: {} });
  useGroups.setState({ groups: {} });
  useNotices.setState({ notices: [] });
  useSession.setState({ session: null });
  useTyping.setState({ typing: {} });
  useMedia.setState({ views: {}, asked: new Set() });
  usePendingFiles.setState({ byConversation: {} });
  useHistoryImport.setState({ progress: { state: 'idle' } });
  useReceiving.getState().reset();
}

/** Unmounts the app and deletes the test account's database and what it kept in localStorage (a fresh install). */
export async function resetApp(username = 'alice'): Promise<void> {
  cleanup();
  resetStores();
  localStorage.clear();
  await Dexie.delete(databaseName(username));
}

export interface RenderAppOptions extends FakeParleyOptions {
  /** Writes into the account's database before the app starts. */
  seed?: (db: ParleyDatabase) => Promise<void>;
}

export async function renderApp(options: RenderAppOptions = {}) {
  await resetApp();
  return launchApp(options);
}

/** Quits the app and starts it again on the same database, as a restart of the desktop app does. */
export async function restartApp(options: FakeParleyOptions = {}) {
  cleanup();
  resetStores();
  return launchApp(options);
}

async function launchApp(options: RenderAppOptions) {
  const fake = new FakeParley({ account: fakeAccount('alice'), ...options }).install(window);
  if (options.seed) {
    const db = openParleyDatabase('alice', testHistoryKeys());
    await options.seed(db);
    db.close();
  }
  const user = userEvent.setup();
  const view = render(<App />);
  if (fake.account) await screen.findByRole('navigation', { name: 'Chats' });
  return { fake, user, view };
}

/** The open session's database (after renderApp with an account). */
export function sessionDb(): ParleyDatabase {
  const session = useSession.getState().session;
  if (!session) throw new Error('no session');
  return session.db;
}
