// The open chat's title bar: who or which group, a short status line, and the info button; in the narrow
// layout (one pane at a time) a back button returns to the chat list.
import type { ContactView, GroupView } from '../../../shared/ipc';
import { useChats } from '../../store/chats';
import { useDialogs } from '../../store/dialogs';
import { Avatar } from '../../ui/Avatar';
import { Icon } from '../../ui/Icon';
import { PersonAvatar, useDisplayName } from '../profiles/PersonAvatar';

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
  const name = useDisplayName(peer) ?? title;
  // A profile name is what its owner says of themselves: the username beside it is who they are.
  const who = peer && name !== peer ? `@${peer} · ` : '';
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
      {peer && !group ? <PersonAvatar username={peer} size={36} /> : <Avatar name={title} size={36} group={Boolean(group)} />}
      <div className="chat-header-text">
        <h2 className="chat-title" dir="auto">
          {name}
        </h2>
        <p className="chat-subtitle">
          {who && <bdi>{who}</bdi>}
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
