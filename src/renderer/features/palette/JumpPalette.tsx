// Ctrl/Cmd+K: type part of a name, arrows to choose, Enter to open the chat. A combobox over a listbox.
import { useId, useState, type KeyboardEvent } from 'react';
import { useChats } from '../../store/chats';
import { useDialogs } from '../../store/dialogs';
import { Avatar } from '../../ui/Avatar';
import { Dialog } from '../../ui/Dialog';
import { filterChats } from '../chats/filterChats';
import { useChatSummaries } from '../chats/useChatSummaries';

const MAX_RESULTS = 8;

export function JumpPalette() {
  const close = useDialogs((state) => state.close);
  const select = useChats((state) => state.select);
  const summaries = useChatSummaries() ?? [];
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const optionId = (index: number) => `${listId}-option-${index}`;
  const results = filterChats(summaries, query).slice(0, MAX_RESULTS);
  const current = Math.min(active, Math.max(results.length - 1, 0));

  const open = (conversationId: string | undefined) => {
    if (!conversationId) return;
    select(conversationId);
    close();
  };

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((current + 1) % Math.max(results.length, 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((current - 1 + results.length) % Math.max(results.length, 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      open(results[current]?.conversation.id);
    }
  }

  return (
    <Dialog title="Jump to a chat" onClose={close} className="palette" hideTitle>
      <input
        className="palette-input"
        role="combobox"
        aria-label="Jump to a chat"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={results.length > 0 ? optionId(current) : undefined}
        aria-autocomplete="list"
        placeholder="Jump to a chat…"
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
        {results.map((chat, index) => (
          <li
            key={chat.conversation.id}
            id={optionId(index)}
            role="option"
            aria-selected={index === current}
            className={`palette-option${index === current ? ' palette-option-active' : ''}`}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => open(chat.conversation.id)}
            onMouseMove={() => setActive(index)}
          >
            <Avatar name={chat.conversation.title} size={28} group={chat.conversation.kind === 'group'} />
            <span className="palette-name">{chat.conversation.title}</span>
            {chat.unread > 0 && <span className="badge">{chat.unread}</span>}
          </li>
        ))}
      </ul>
      {results.length === 0 && <p className="palette-empty">{summaries.length === 0 ? 'No chats yet.' : `No chats match “${query.trim()}”.`}</p>}
      <p className="palette-hint">
        <kbd>↑</kbd> <kbd>↓</kbd> to choose · <kbd>Enter</kbd> to open · <kbd>Esc</kbd> to close
      </p>
    </Dialog>
  );
}
