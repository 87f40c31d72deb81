// One row of the chat list: avatar, name, time of the newest message, a preview line and the unread count.
import { memo } from 'react';
import type { ChatSummary } from '../../db/conversations';
import { Avatar } from '../../ui/Avatar';
import { formatListTime } from '../../ui/time';
import { previewOf } from './preview';

interface ChatListItemProps {
  chat: ChatSummary;
  me: string;
  selected: boolean;
  draft: string | undefined;
  onSelect(conversationId: string): void;
}

export const ChatListItem = memo(function ChatListItem({ chat, me, selected, draft, onSelect }: ChatListItemProps) {
  const { conversation, lastMessage, unread } = chat;
  const isGroup = conversation.kind === 'group';
  const time = lastMessage?.timestamp ?? conversation.lastActivityAt;
  const showDraft = !selected && draft && draft.trim().length > 0;
  return (
    <li>
      <button
        type="button"
        className={`chat-item${selected ? ' chat-item-selected' : ''}${unread > 0 ? ' chat-item-unread' : ''}`}
        aria-current={selected ? 'true' : undefined}
        onClick={() => onSelect(conversation.id)}
        data-conversation={conversation.id}
      >
        <Avatar name={conversation.title} group={isGroup} />
        <span className="chat-item-text">
          <span className="chat-item-top">
            <span className="chat-item-name">{conversation.title}</span>
            <span className="chat-item-time">{formatListTime(time)}</span>
          </span>
          <span className="chat-item-bottom">
            <span className="chat-item-preview">
              {showDraft ? (
                <>
                  <span className="chat-item-draft">Draft:</span> {draft}
                </>
              ) : (
                previewOf(lastMessage, me, isGroup)
              )}
            </span>
            {unread > 0 && (
              <span className="badge" aria-label={`${unread} unread`}>
                {unread > 999 ? '999+' : unread}
              </span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
});
