// The sidebar's list of chats: pinned first, then newest activity first, filtered by the search box, unread counts
// from Dexie. Archived chats are listed apart ("Archived chats", and back); a search looks through them too. The
// list is one Tab stop, the arrow keys move along it and on to the messages a search found (listKeys.ts); ArrowDown
// in the search box enters it.
import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
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
  // The rows the arrow keys move along: the chats, then the messages a search found.
  const rows = (nav: Element | null) => [...(nav?.querySelectorAll<HTMLButtonElement>('button.chat-item, button.search-hit') ?? [])];
  function onRowKeyDown(event: KeyboardEvent<HTMLElement>) {
    const all = rows(event.currentTarget);
    const index = all.findIndex((row) => row === event.target);
    const next = index < 0 ? undefined : rowAfterKey(event.key, index, all.length);
    if (next === undefined) return;
    event.preventDefault();
    all[next]!.focus();
  }
  function onSearchKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Escape' && search) {
      event.stopPropagation();
      setSearch('');
    } else if (event.key === 'ArrowDown') {
      const first = rows(event.currentTarget.closest('nav'))[0];
      if (!first) return;
      event.preventDefault();
      first.focus();
    }
  }
  // Closing a chat ("Back to chats" in a narrow window) takes its header, and the focus with it: the focus goes to
  // the chat's row, where the person was, not to the top of the page.
  const nav = useRef<HTMLElement>(null);
  const wasSelected = useRef(selected);
  useEffect(() => {
    const closed = wasSelected.current;
    wasSelected.current = selected;
    if (selected !== null || closed === null) return;
    if (document.activeElement !== null && document.activeElement !== document.body) return;
    rows(nav.current)
      .find((row) => row.dataset.conversation === closed)
      ?.focus();
  }, [selected]);
  const titleOf = (conversationId: string) => summaries?.find((chat) => chat.conversation.id === conversationId)?.conversation.title ?? conversationId;
  return (
    <nav className={`chat-list${searching ? ' searching' : ''}`} aria-label="Chats" onKeyDown={onRowKeyDown} ref={nav}>
      <div className="search-box">
        <label htmlFor={searchId} className="visually-hidden">
          Search chats and messages
        </label>
        <Icon name="search" size={16} />
        <input
          id={searchId}
          type="search"
          onKeyDown={onSearchKeyDown}
          placeholder="Search chats and messages"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
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
