// Runs a message search as the user types: a short pause after the last keystroke, and only the newest query's
// answer is kept. null while there is no query (fewer than two characters).
import { useEffect, useState } from 'react';
import { searchMessages, type SearchHit, type SearchOptions } from '../../db/search/searchMessages';
import { screenWork } from '../../db/screenWork';
import { useSession } from '../../store/session';

const PAUSE_MS = 150;
export const MIN_QUERY_CHARS = 2;

export function useMessageSearch(query: string, options: SearchOptions): { query: string; hits: SearchHit[] } | null {
  const db = useSession((state) => state.session?.db);
  const [result, setResult] = useState<{ query: string; hits: SearchHit[] } | null>(null);
  const trimmed = query.trim();
  const { conversationId, limit } = options;

  useEffect(() => {
    if (!db || trimmed.length < MIN_QUERY_CHARS) {
      setResult(null);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      screenWork(
        'search.failed',
        searchMessages(db, trimmed, { conversationId, limit }).then((hits) => current && setResult({ query: trimmed, hits })),
      );
    }, PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [db, trimmed, conversationId, limit]);

  return trimmed.length < MIN_QUERY_CHARS ? null : result;
}
