// One row of the chat list: avatar, name, time of the newest message, a preview line, a pin when pinned, an @ when
// an unread message mentions this user, and the unread count. Its menu (right click, Shift+F10 or the ContextMenu
// key) pins or archives the chat.
import { memo, useCallback, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { setArchived, setPinned } from '../../db/chatOrganisation';
import type { ChatSummary } from '../../db/conversations';
import { screenWork } from '../../db/screenWork';
import { requireSession } from '../../store/session';
import { Avatar } from '../../ui/Avatar';
import { Icon } from '../../ui/Icon';
import { MessageMenu, type MenuAction } from '../chat/MessageMenu';
import { PersonAvatar, useDisplayName } from '../profiles/PersonAvatar';
import { formatListTime } from '../../ui/time';
import { EmojiSafeText } from '../emoji/EmojiSafeText';
import { previewOf } from './preview';

interface ChatListItemProps {
  chat: ChatSummary;
  me: string;
  selected: boolean;
  /** The list's one stop in the Tab order (ChatList moves between rows with the arrow keys). */
  tabStop: boolean;
  draft: string | undefined;
  onSelect(conversationId: string): void;
}

export const ChatListItem = memo(function ChatListItem({ chat, me, selected, tabStop, draft, onSelect }: ChatListItemProps) {
  const { conversation, lastMessage, unread, mentioned } = chat;
  const isGroup = conversation.kind === 'group';
  const peer = !isGroup && conversation.id.startsWith('dm:') ? conversation.id.slice(3) : null;
  const title = useDisplayName(peer) ?? conversation.title;
  const time = lastMessage?.timestamp ?? conversation.lastActivityAt;
  const showDraft = !selected && draft && draft.trim().length > 0;
  const preview = previewOf(lastMessage, me, isGroup);
  const pinned = conversation.pinnedAt !== undefined;
  const button = useRef<HTMLButtonElement>(null);
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const closeMenu = useCallback(() => {
    setMenu(null);
    button.current?.focus({ preventScroll: true });
  }, []);
  const actions: MenuAction[] = [
    { id: 'pin', label: pinned ? 'Unpin chat' : 'Pin chat', run: () => screenWork('chats.pin_failed', setPinned(requireSession().db, conversation.id, !pinned)) },
    {
      id: 'archive',
      label: conversation.archived ? 'Unarchive chat' : 'Archive chat',
      run: () => screenWork('chats.archive_failed', setArchived(requireSession().db, conversation.id, !conversation.archived)),
    },
  ];

  function onContextMenu(event: MouseEvent<HTMLButtonElement>) {
    event.preventDefault();
    setMenu({ x: event.clientX, y: event.clientY });
  }

  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>) {
    if (event.key !== 'ContextMenu' && !(event.key === 'F10' && event.shiftKey)) return;
    event.preventDefault();
    const rect = event.currentTarget.getBoundingClientRect();
    setMenu({ x: rect.left + 24, y: rect.bottom - 8 });
  }

  return (
    <li>
      <button
        ref={button}
        type="button"
        className={`chat-item${selected ? ' chat-item-selected' : ''}${unread > 0 ? ' chat-item-unread' : ''}`}
        aria-current={selected ? 'true' : undefined}
        aria-keyshortcuts="Shift+F10"
        tabIndex={tabStop ? 0 : -1}
        onClick={() => onSelect(conversation.id)}
        onContextMenu={onContextMenu}
        onKeyDown={onKeyDown}
        data-conversation={conversation.id}
      >
        {peer ? <PersonAvatar username={peer} /> : <Avatar name={conversation.title} group={isGroup} />}
        <span className="chat-item-text">
          <span className="chat-item-top">
            <span className="chat-item-name" dir="auto">
              {title}
            </span>
            <span className="chat-item-time">{formatListTime(time)}</span>
          </span>
          <span className="chat-item-bottom">
            {showDraft ? (
              <span className="chat-item-preview">
                <span className="chat-item-draft">Draft:</span> <bdi>{draft}</bdi>
              </span>
            ) : preview.author === null ? (
              // The line alone: it runs, and is cut short, in its own direction.
              <span className="chat-item-preview" dir="auto">
                <EmojiSafeText text={preview.text} />
              </span>
            ) : (
              // "You: …" or "carol: …": the label leads, the text is isolated in its own direction.
              <span className="chat-item-preview">
                <bdi>{preview.author}</bdi>:{' '}
                <bdi>
                  <EmojiSafeText text={preview.text} />
                </bdi>
              </span>
            )}
            {pinned && (
              <span className="chat-item-pin">
                <Icon name="pin" size={14} label="Pinned" />
              </span>
            )}
            {mentioned && (
              <span className="badge badge-mention" aria-label="Unread mention of you" title="You were mentioned">
                @
              </span>
            )}
            {unread > 0 && (
              <span className="badge" aria-label={`${unread} unread`}>
                {unread > 999 ? '999+' : unread}
              </span>
            )}
          </span>
        </span>
      </button>
      {menu && <MessageMenu at={menu} actions={actions} myReaction={undefined} onClose={closeMenu} label={`Chat actions: ${conversation.title}`} />}
    </li>
  );
});
