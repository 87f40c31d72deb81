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
  const preview = previewOf(lastMessage, me, isGroup);
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
            <span className="chat-item-name" dir="auto">
              {conversation.title}
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
                {preview.text}
              </span>
            ) : (
              // "You: …" or "carol: …": the label leads, the text is isolated in its own direction.
              <span className="chat-item-preview">
                <bdi>{preview.author}</bdi>: <bdi>{preview.text}</bdi>
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
    </li>
  );
});
