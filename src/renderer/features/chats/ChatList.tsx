// The sidebar's list of chats: pinned first, then newest activity first, filtered by the search box, unread counts
// from Dexie. Archived chats are listed apart ("Archived chats", and back); a search looks through them too. The
// list is one Tab stop, the arrow keys move along it (listKeys.ts); ArrowDown in the search box enters it.
import { useCallback, useId, useState, type KeyboardEvent } from 'react';
import { useChats } from '../../store/chats';
import { useDrafts } from '../../store/drafts';
import { useDisplayNameOf } from '../../store/profiles';
import { useSession } from '../../store/session';
import { Icon } from '../../ui/Icon';
import { MessageSearchResults } from '../search/MessageSearchResults';
import { MIN_QUERY_CHARS } from '../search/useMessageSearch';
import { ChatListItem } from './ChatListItem';
import { filterChats } from './filterChats';
import { rowAfterKey } from './listKeys';
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

  const [showArchived, setShowArchived] = useState(false);
  const archivedCount = summaries?.filter((chat) => chat.conversation.archived).length ?? 0;
  const listed = search.trim() ? (summaries ?? []) : (summaries ?? []).filter((chat) => Boolean(chat.conversation.archived) === showArchived);
  const displayNameOf = useDisplayNameOf();
  const visible = filterChats(listed, search, displayNameOf);
  const searching = search.trim().length >= MIN_QUERY_CHARS;
  // The row Tab lands on: the one last focused while it is listed, else the open chat, else the first.
  const [focused, setFocused] = useState<string | null>(null);
  const listedIds = visible.map((chat) => chat.conversation.id);
  const tabStop = [focused, selected].find((id) => id !== null && listedIds.includes(id)) ?? listedIds[0];
  const rows = (list: HTMLElement) => [...list.querySelectorAll<HTMLButtonElement>('button.chat-item')];
  function onListKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    const all = rows(event.currentTarget);
    const index = all.findIndex((row) => row === document.activeElement);
    if (index < 0) return;
    const next = rowAfterKey(event.key, index, all.length);
    if (next === undefined) return;
    event.preventDefault();
    all[next]!.focus();
  }
  function onSearchKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Escape' && search) {
      event.stopPropagation();
      setSearch('');
    } else if (event.key === 'ArrowDown') {
      const first = event.currentTarget.closest('nav')?.querySelector<HTMLButtonElement>('button.chat-item');
      if (!first) return;
      event.preventDefault();
      first.focus();
    }
  }
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
          onKeyDown={onSearchKeyDown}
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      {showArchived && !search.trim() && (
        <div className="chat-list-heading">
          <button type="button" className="icon-button" aria-label="Back to chats" onClick={() => setShowArchived(false)}>
            <Icon name="back" size={16} />
          </button>
          <h2>Archived chats</h2>
        </div>
      )}
      {summaries && summaries.length === 0 && <p className="chat-list-empty">No chats yet. Start one with “New chat”.</p>}
      {showArchived && !search.trim() && archivedCount === 0 && <p className="chat-list-empty">No archived chats.</p>}
      {summaries && summaries.length > 0 && visible.length === 0 && search.trim() && (
        <p className="chat-list-empty" role="status">
          No chats match “{search.trim()}”.
        </p>
      )}
      <ul
        className="chat-list-items"
        aria-label="Conversations"
        onKeyDown={onListKeyDown}
        onFocus={(event) => setFocused(event.target.getAttribute('data-conversation'))}
      >
        {visible.map((chat) => (
          <ChatListItem
            key={chat.conversation.id}
            chat={chat}
            me={me}
            selected={chat.conversation.id === selected}
            tabStop={chat.conversation.id === tabStop}
            draft={drafts[chat.conversation.id]}
            onSelect={onSelect}
          />
        ))}
      </ul>
      {!showArchived && !search.trim() && archivedCount > 0 && (
        <button type="button" className="chat-list-archived" onClick={() => setShowArchived(true)}>
          <Icon name="archive" size={16} />
          <span>Archived chats</span>
          <span className="chat-list-archived-count">{archivedCount}</span>
        </button>
      )}
      {searching && <MessageSearchResults query={search} titleOf={titleOf} me={me} />}
    </nav>
  );
}
