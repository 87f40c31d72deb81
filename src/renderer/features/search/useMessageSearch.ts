// Runs a message search as the user types: a short pause after the last keystroke, and only the newest query's
// answer is kept. null while there is no query (fewer than two characters). `indexing`: messages stored, sent or
// edited are not all in the search index yet (the indexer works through them in the background: db/search/
// indexQueue.ts), so the answer may miss them; an answer given meanwhile is asked again once the index has caught up.
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useRef, useState } from 'react';
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
  /** A newer answer has been asked for (the pause after a keystroke, or the search itself) and is not in yet. */
  searching: boolean;
}

export function useMessageSearch(query: string, options: SearchOptions): MessageSearchResult | null {
  const db = useSession((state) => state.session?.db);
  const [result, setResult] = useState<{ query: string; hits: SearchHit[] } | null>(null);
  const [asking, setAsking] = useState(false);
  const trimmed = query.trim();
  const { conversationId, limit } = options;
  const searching = db !== undefined && trimmed.length >= MIN_QUERY_CHARS;
  // Followed only while there is a query.
  const behind = useLiveQuery(() => (db && searching ? indexBehind(db) : false), [db, searching]) ?? false;
  // An answer given while the index was behind may miss messages: it is asked again once the index has caught up
  // (once; an answer given while current is kept as it is, so new messages never move a search the user is reading).
  const behindNow = useRef(behind);
  behindNow.current = behind;
  const answeredBehind = useRef(false);
  const [caughtUp, setCaughtUp] = useState(0);
  useEffect(() => {
    if (!behind && answeredBehind.current) setCaughtUp((n) => n + 1);
  }, [behind]);

  useEffect(() => {
    if (!db || trimmed.length < MIN_QUERY_CHARS) {
      setResult(null);
      setAsking(false);
      return;
    }
    let current = true;
    setAsking(true);
    const timer = setTimeout(() => {
      const whileBehind = behindNow.current;
      screenWork(
        'search.failed',
        searchMessages(db, trimmed, { conversationId, limit })
          .then((hits) => {
            if (!current) return;
            answeredBehind.current = whileBehind;
            setResult({ query: trimmed, hits });
          })
          .finally(() => {
            if (current) setAsking(false);
          }),
      );
    }, PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [db, trimmed, conversationId, limit, caughtUp]);

  // The same object while nothing changed: screens run effects on a new answer.
  const answer = useMemo(() => (result ? { ...result, indexing: behind, searching: asking } : null), [result, behind, asking]);
  return trimmed.length < MIN_QUERY_CHARS ? null : answer;
}
