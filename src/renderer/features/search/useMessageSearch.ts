// Runs a message search as the user types: a short pause after the last keystroke, and only the newest query's
// answer is kept. null while there is no query (fewer than two characters). `indexing`: messages stored, sent or
// edited are not all in the search index yet (the indexer works through them in the background: db/search/
// indexQueue.ts), so the answer may miss them; the search runs again once the index has caught up.
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useState } from 'react';
import { indexBehind } from '../../db/search/indexQueue';
import { searchMessages, type SearchHit, type SearchOptions } from '../../db/search/searchMessages';
import { screenWork } from '../../db/screenWork';
import { useSession } from '../../store/session';

const PAUSE_MS = 150;
export const MIN_QUERY_CHARS = 2;

export interface MessageSearchResult {
  query: string;
  hits: SearchHit[];
  /** The index is behind: recent messages may be missing from `hits`. */
  indexing: boolean;
}

export function useMessageSearch(query: string, options: SearchOptions): MessageSearchResult | null {
  const db = useSession((state) => state.session?.db);
  const [result, setResult] = useState<{ query: string; hits: SearchHit[] } | null>(null);
  const trimmed = query.trim();
  const { conversationId, limit } = options;
  const searching = db !== undefined && trimmed.length >= MIN_QUERY_CHARS;
  // Followed only while there is a query; a change (caught up, or behind again) runs the search again.
  const behind = useLiveQuery(() => (db && searching ? indexBehind(db) : false), [db, searching]) ?? false;

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
  }, [db, trimmed, conversationId, limit, behind]);

  // The same object while nothing changed: screens run effects on a new answer (the in-chat bar jumps to its newest hit).
  const answer = useMemo(() => (result ? { ...result, indexing: behind } : null), [result, behind]);
  return trimmed.length < MIN_QUERY_CHARS ? null : answer;
}
