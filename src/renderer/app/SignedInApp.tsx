// The signed-in app: starts messaging for the account, lays out sidebar and chat, and hosts dialogs and notices.
import { useEffect, useRef } from 'react';
import type { AccountView } from '../../shared/ipc';
import { ConnectionBanner } from '../features/connection/ConnectionBanner';
import { HistoryImportBanner } from '../features/devices/HistoryImportBanner';
import { ChatView } from '../features/chat/ChatView';
import { useDeepLinks } from '../features/deep-links/useDeepLinks';
import { startSession } from './session';
import { useUnreadBadge } from '../features/notifications/useUnreadBadge';
import { UpdateBanner } from '../features/updates/UpdateBanner';
import { useGlobalShortcuts } from '../features/palette/useGlobalShortcuts';
import { useChats } from '../store/chats';
import { useConnection } from '../store/connection';
import { useDialogs } from '../store/dialogs';
import { useSession } from '../store/session';
import { Icon } from '../ui/Icon';
import { Dialogs } from './Dialogs';
import { KeyProtectionNotice } from './KeyProtectionNotice';
import { Notices } from './Notices';
import { Sidebar } from './Sidebar';

export function SignedInApp({ account }: { account: AccountView }) {
  const ready = useSession((state) => state.session !== null);
  const selected = useChats((state) => state.selected);
  const follow = useConnection((store) => store.follow);
  useGlobalShortcuts();
  useDeepLinks(ready);
  useUnreadBadge();

  // One session per account: a new relay URL updates the account object but must not restart messaging.
  const latestAccount = useRef(account);
  useEffect(() => {
    latestAccount.current = account;
  }, [account]);
  const username = account.username;
  useEffect(() => follow(), [follow]);
  useEffect(() => (username === latestAccount.current.username ? startSession(latestAccount.current) : undefined), [username]);

  return (
    <>
      <div className="app" id="app-root-content">
        {/* The page's one h1, in a landmark of its own: the sidebar (which shows the name) is hidden while a chat is
            open in a narrow window. */}
        <header className="visually-hidden">
          <h1>Parley</h1>
        </header>
        <ConnectionBanner />
        <UpdateBanner />
        <HistoryImportBanner />
        {account.keyProtection.warning && <KeyProtectionNotice username={account.username} warning={account.keyProtection.warning} />}
        <div className="layout" data-open={selected ? 'chat' : 'list'}>
          <Sidebar username={account.username} />
          <main className="chat-pane">{ready && selected ? <ChatView key={selected} conversationId={selected} /> : <EmptyPane ready={ready} />}</main>
        </div>
      </div>
      {ready && <Dialogs />}
      <Notices />
    </>
  );
}

function EmptyPane({ ready }: { ready: boolean }) {
  const show = useDialogs((state) => state.show);
  if (!ready) return <div className="empty-pane" aria-busy="true" />;
  return (
    <div className="empty-pane">
      <Icon name="chat" size={40} />
      <h2>Pick a chat, or start a new one</h2>
      <p className="muted">Your messages are end-to-end encrypted: only you and the people you write to can read them.</p>
      <div className="empty-actions">
        <button type="button" className="button-primary" onClick={() => show({ kind: 'newChat' })}>
          New chat
        </button>
        <button type="button" className="button-secondary" onClick={() => show({ kind: 'newGroup' })}>
          New group
        </button>
      </div>
    </div>
  );
}
