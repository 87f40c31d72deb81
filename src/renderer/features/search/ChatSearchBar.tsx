// Search within the open chat: matches newest first, "n of m", previous (older) and next (newer) with the
// buttons, Enter / Shift+Enter or the arrow keys; each step jumps the history to that message. Escape closes.
import { useEffect, useId, useState } from 'react';
import { useChats } from '../../store/chats';
import { Icon } from '../../ui/Icon';
import { useMessageSearch } from './useMessageSearch';

const LIMIT = 1_000;

export function ChatSearchBar({ conversationId, onClose }: { conversationId: string; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const result = useMessageSearch(query, { conversationId, limit: LIMIT });
  const openAt = useChats((state) => state.openAt);
  const inputId = useId();
  const hits = result?.hits ?? [];

  // A new answer (not a change of its `indexing` flag) starts again at its newest match.
  const answered = result?.hits;
  useEffect(() => {
    setIndex(0);
    const newest = answered?.[0];
    if (newest) openAt(conversationId, newest.message.seq);
  }, [answered, conversationId, openAt]);

  /** +1: an older match, -1: a newer one. */
  const go = (step: number) => {
    if (hits.length === 0) return;
    const next = (index + step + hits.length) % hits.length;
    setIndex(next);
    openAt(conversationId, hits[next]!.message.seq);
  };

  return (
    <div className="chat-search" role="search">
      <label htmlFor={inputId} className="visually-hidden">
        Search this chat
      </label>
      <Icon name="search" size={16} />
      <input
        id={inputId}
        type="search"
        placeholder="Search this chat"
        value={query}
        autoComplete="off"
        spellCheck={false}
        autoFocus
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            onClose();
          } else if (event.key === 'Enter' || event.key === 'ArrowUp' || event.key === 'ArrowDown') {
            event.preventDefault();
            go(event.key === 'ArrowDown' || (event.key === 'Enter' && event.shiftKey) ? -1 : 1);
          }
        }}
      />
      <span className="chat-search-count" role="status" aria-busy={result?.searching ?? false}>
        {result ? (hits.length === 0 ? 'No matches' : `${index + 1} of ${hits.length}${hits.length === LIMIT ? '+' : ''}`) : ''}
        {result?.indexing ? ' (indexing…)' : ''}
      </span>
      <button type="button" className="icon-button" onClick={() => go(1)} disabled={hits.length < 2} aria-label="Previous match (older)" title="Previous match (Enter)">
        <Icon name="up" size={18} />
      </button>
      <button type="button" className="icon-button" onClick={() => go(-1)} disabled={hits.length < 2} aria-label="Next match (newer)" title="Next match (Shift+Enter)">
        <Icon name="down" size={18} />
      </button>
      <button type="button" className="icon-button" onClick={onClose} aria-label="Close search" title="Close search (Escape)">
        <Icon name="close" size={18} />
      </button>
    </div>
  );
}
