// Messages matching the sidebar's search box, below the chats it matches: chat, sender, date and the matching
// words highlighted; opening one jumps into that chat's history at that message. While the search index is behind
// (a catch-up is being indexed) it says so: the answer may miss the newest messages, and comes again once indexed.
import { useChats } from '../../store/chats';
import { formatListTime } from '../../ui/time';
import { Highlighted } from './Highlighted';
import { snippet } from './snippet';
import { useMessageSearch } from './useMessageSearch';

const LIMIT = 50;

export function MessageSearchResults({ query, titleOf, me }: { query: string; titleOf: (conversationId: string) => string; me: string }) {
  const result = useMessageSearch(query, { limit: LIMIT });
  const openAt = useChats((state) => state.openAt);
  if (!result) return null;
  return (
    <section className="search-results" aria-label="Messages found" aria-busy={result.searching}>
      <h2 className="search-results-title">Messages</h2>
      {result.indexing && (
        <p className="search-indexing" role="status">
          Indexing new messages… some may not be found yet.
        </p>
      )}
      {result.hits.length === 0 ? (
        <p className="chat-list-empty" role="status">
          No messages match “{result.query}”.
        </p>
      ) : (
        <ul className="search-hits">
          {result.hits.map(({ message, ranges }) => {
            const shown = snippet(message.body, ranges);
            return (
              <li key={message.seq}>
                <button type="button" className="search-hit" data-seq={message.seq} onClick={() => openAt(message.conversationId, message.seq)}>
                  <span className="search-hit-head">
                    <span className="search-hit-chat">{titleOf(message.conversationId)}</span>
                    <time dateTime={new Date(message.timestamp).toISOString()}>{formatListTime(message.timestamp)}</time>
                  </span>
                  <span className="search-hit-text">
                    <span className="search-hit-sender">{message.sender === me ? 'You' : message.sender}: </span>
                    <Highlighted text={shown.text} ranges={shown.ranges} />
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
