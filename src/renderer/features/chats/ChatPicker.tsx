// Choose a chat by typing part of its name (for a 1:1 chat, its username or the name its person shared): arrows move, Enter or a click chooses. A combobox over a listbox, used by
// the jump palette (Ctrl/Cmd+K) and the forward dialog. Someone who types and presses Enter before the chats have
// loaded gets the first match once they have: the keypress is not lost.
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { dmPeer, type ChatSummary } from '../../db/conversations';
import { useDisplayNameOf } from '../../store/profiles';
import { Avatar } from '../../ui/Avatar';
import { PersonAvatar } from '../profiles/PersonAvatar';
import { filterChats } from './filterChats';

const MAX_RESULTS = 8;

export interface ChatPickerProps {
  /** The input's accessible name; its placeholder is the same with an ellipsis. */
  label: string;
  /** The chats to choose from; undefined while they load. */
  chats: readonly ChatSummary[] | undefined;
  onChoose: (conversationId: string) => void;
  /** Shows each chat's unread count. */
  showUnread?: boolean;
  /** What to say when no chat matches `query` (trimmed). */
  emptyText: (query: string) => string;
}

export function ChatPicker({ label, chats, onChoose, showUnread = false, emptyText }: ChatPickerProps) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [chooseWhenLoaded, setChooseWhenLoaded] = useState(false);
  const listId = useId();
  const optionId = (index: number) => `${listId}-option-${index}`;
  const displayNameOf = useDisplayNameOf();
  const results = filterChats(chats ?? [], query, displayNameOf).slice(0, MAX_RESULTS);
  const current = Math.min(active, Math.max(results.length - 1, 0));
  const firstChoice = chats && chooseWhenLoaded ? results[current]?.conversation.id : undefined;

  useEffect(() => {
    if (!chats || !chooseWhenLoaded) return;
    setChooseWhenLoaded(false);
    if (firstChoice) onChoose(firstChoice);
  }, [chats, chooseWhenLoaded, firstChoice, onChoose]);

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    const count = Math.max(results.length, 1);
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((current + 1) % count);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((current - 1 + count) % count);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const chosen = results[current];
      if (chosen) onChoose(chosen.conversation.id);
      else if (!chats) setChooseWhenLoaded(true);
    }
  }

  return (
    <>
      <input
        className="palette-input"
        role="combobox"
        aria-label={label}
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={results.length > 0 ? optionId(current) : undefined}
        aria-autocomplete="list"
        placeholder={`${label}…`}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        autoComplete="off"
        spellCheck={false}
        data-autofocus
      />
      <ul id={listId} role="listbox" className="palette-results" aria-label="Chats">
        {results.map((chat, index) => {
          const peer = chat.conversation.kind === 'dm' ? dmPeer(chat.conversation.id) : null;
          const shared = peer === null ? undefined : displayNameOf(peer);
          return (
            <li
              key={chat.conversation.id}
              id={optionId(index)}
              role="option"
              aria-selected={index === current}
              className={`palette-option${index === current ? ' palette-option-active' : ''}`}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => onChoose(chat.conversation.id)}
              onMouseMove={() => setActive(index)}
            >
              {peer ? <PersonAvatar username={peer} size={28} /> : <Avatar name={chat.conversation.title} size={28} group={chat.conversation.kind === 'group'} />}
              <span className="palette-name">
                {shared ?? chat.conversation.title}
                {shared !== undefined && <span className="muted small"> @{peer}</span>}
              </span>
              {showUnread && chat.unread > 0 && <span className="badge">{chat.unread}</span>}
            </li>
          );
        })}
      </ul>
      {results.length === 0 && <p className="palette-empty">{chats ? emptyText(query.trim()) : 'Loading chats…'}</p>}
    </>
  );
}
