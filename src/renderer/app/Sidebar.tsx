// The left column: who is signed in, the connection at a glance, actions (transfers while any run, new chat, new
// group, settings) and the chat list.
import { useConnection } from '../store/connection';
import { useDialogs } from '../store/dialogs';
import { Icon } from '../ui/Icon';
import { ChatList } from '../features/chats/ChatList';
import { ReceivingStatus } from '../features/connection/ReceivingStatus';
import { PendingJoins } from '../features/groups/invites/PendingJoins';
import { TransfersButton } from '../features/media/TransfersButton';

const MODIFIER = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

export function Sidebar({ username }: { username: string }) {
  const show = useDialogs((state) => state.show);
  const state = useConnection((store) => store.snapshot?.state ?? 'connecting');
  const online = state === 'online';
  return (
    <aside className="sidebar">
      <header className="sidebar-header">
        <div className="identity">
          {/* The name as shown; the page's h1 is SignedInApp's. */}
          <div className="app-title-row">
            <p className="app-title" aria-hidden="true">
              Parley
            </p>
            <ReceivingStatus />
          </div>
          <p className="app-user">
            <span className={`presence-dot${online ? ' presence-online' : ''}`} aria-hidden="true" />
            <span className="visually-hidden">Signed in as </span>
            <span className="app-user-name">{username}</span>
            <span className="visually-hidden">{online ? ', connected' : ', not connected'}</span>
          </p>
        </div>
        <div className="sidebar-actions">
          <TransfersButton />
          <button type="button" className="icon-button" onClick={() => show({ kind: 'newChat' })} aria-label="New chat" title="New chat">
            <Icon name="chat" />
          </button>
          <button type="button" className="icon-button" onClick={() => show({ kind: 'newGroup' })} aria-label="New group" title="New group">
            <Icon name="group" />
          </button>
          <button type="button" className="icon-button" onClick={() => show({ kind: 'settings' })} aria-label="Settings" title="Settings">
            <Icon name="settings" />
          </button>
        </div>
      </header>
      <ChatList />
      <PendingJoins />
      <p className="sidebar-hint">
        <kbd>{MODIFIER}</kbd> <kbd>K</kbd> jump to a chat
      </p>
    </aside>
  );
}
