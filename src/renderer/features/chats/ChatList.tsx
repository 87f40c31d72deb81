// The sidebar's list of chats: newest activity first, filtered by the search box, unread counts from Dexie.
import { useCallback, useId } from 'react';
import { useChats } from '../../store/chats';
import { useDrafts } from '../../store/drafts';
import { useSession } from '../../store/session';
import { Icon } from '../../ui/Icon';
import { MessageSearchResults } from '../search/MessageSearchResults';
import { MIN_QUERY_CHARS } from '../search/useMessageSearch';
import { ChatListItem } from './ChatListItem';
import { filterChats } from './filterChats';
import { useChatSummaries } from './useChatSummaries';

export function ChatList() {
  const summaries = useChatSummaries();
  const me = useSession((state) => state.session?.me ?? '');
  const search = useChats((state) => state.search);
  const setSearch = useChats((state) => state.setSearch);
  const selected = useChats((state) => state.selected);
  const select = useChats((state) => state.select);
  const drafts = useDrafts((state) => state.drafts);
  const searchId = useId();
  const onSelect = useCallback((conversationId: string) => select(conversationId), [select]);

  const visible = summaries ? filterChats(summaries, search) : [];
  const searching = search.trim().length >= MIN_QUERY_CHARS;
  const titleOf = (conversationId: string) => summaries?.find((chat) => chat.conversation.id === conversationId)?.conversation.title ?? conversationId;
  return (
    <nav className={`chat-list${searching ? ' searching' : ''}`} aria-label="Chats">
      <div className="search-box">
        <label htmlFor={searchId} className="visually-hidden">
          Search chats and messages
        </label>
        <Icon name="search" size={16} />
        <input
          id={searchId}
          type="search"
          placeholder="Search chats and messages"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          onKeyDown={(event) => event.key === 'Escape' && search && (event.stopPropagation(), setSearch(''))}
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      {summaries && summaries.length === 0 && <p className="chat-list-empty">No chats yet. Start one with “New chat”.</p>}
      {summaries && summaries.length > 0 && visible.length === 0 && (
        <p className="chat-list-empty" role="status">
          No chats match “{search.trim()}”.
        </p>
      )}
      <ul className="chat-list-items" aria-label="Conversations">
        {visible.map((chat) => (
          <ChatListItem
            key={chat.conversation.id}
            chat={chat}
            me={me}
            selected={chat.conversation.id === selected}
            draft={drafts[chat.conversation.id]}
            onSelect={onSelect}
          />
        ))}
      </ul>
      {searching && <MessageSearchResults query={search} titleOf={titleOf} me={me} />}
    </nav>
  );
}
