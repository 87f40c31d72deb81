// The open chat's title bar: who or which group, a short status line, and the info button; in the narrow
// layout (one pane at a time) a back button returns to the chat list.
import type { ContactView, GroupView } from '../../../shared/ipc';
import { useChats } from '../../store/chats';
import { useDialogs } from '../../store/dialogs';
import { Avatar } from '../../ui/Avatar';
import { Icon } from '../../ui/Icon';

interface ChatHeaderProps {
  title: string;
  peer: string | null;
  contact: ContactView | undefined;
  group: GroupView | undefined;
  /** Opens the search bar of this chat. */
  onSearch: () => void;
}

export function ChatHeader({ title, peer, contact, group, onSearch }: ChatHeaderProps) {
  const show = useDialogs((state) => state.show);
  const select = useChats((state) => state.select);
  const subtitle = group
    ? group.active
      ? `${group.members.length} member${group.members.length === 1 ? '' : 's'}`
      : 'You are no longer a member'
    : contact?.verified
      ? 'Verified'
      : 'Not verified';
  const openInfo = () => {
    if (group) show({ kind: 'groupInfo', groupId: group.groupId });
    else if (peer) show({ kind: 'contactInfo', username: peer });
  };
  return (
    <header className="chat-header">
      <button type="button" className="icon-button back-button" onClick={() => select(null)} aria-label="Back to chats" title="Back to chats">
        <Icon name="back" size={20} />
      </button>
      <Avatar name={title} size={36} group={Boolean(group)} />
      <div className="chat-header-text">
        <h2 className="chat-title" dir="auto">
          {title}
        </h2>
        <p className="chat-subtitle">
          {contact?.verified && <Icon name="shield" size={13} />} {subtitle}
        </p>
      </div>
      <button type="button" className="icon-button" onClick={onSearch} aria-label="Search this chat" title="Search this chat">
        <Icon name="search" size={20} />
      </button>
      <button type="button" className="icon-button" onClick={openInfo} aria-label={group ? 'Group info' : `Contact info for ${title}`} title={group ? 'Group info' : 'Contact info'}>
        <Icon name="info" size={20} />
      </button>
    </header>
  );
}
