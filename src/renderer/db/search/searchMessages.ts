// Full-text search over the sealed history: each query word's hash is looked up in the blind index (keys only),
// the hits of all words are intersected, and candidates are opened newest first and confirmed against their text
// (prefix match of every word, the same folding as indexing) until enough are found.
import type { ParleyDatabase } from '../database';
import type { StoredMessage } from '../rows';
import { blindQuery } from './blindTerms';
import { highlights, matchesAll, wordsOf } from './words';

export interface SearchHit {
  message: StoredMessage;
  /** Ranges of the body to highlight (UTF-16 offsets). */
  ranges: { start: number; end: number }[];
}

export interface SearchOptions {
  /** Only this chat's messages. */
  conversationId?: string;
  /** Most hits returned, newest first. */
  limit: number;
}

const PAGE = 100;

export async function searchMessages(db: ParleyDatabase, query: string, options: SearchOptions): Promise<SearchHit[]> {
  const { words, hashes } = await blindQuery((await db.historyKeys).terms, query);
  if (words.length === 0) return [];
  const lists = await Promise.all(hashes.map((hash) => db.messages.where('terms').equals(hash).primaryKeys()));
  lists.sort((a, b) => a.length - b.length);
  let candidates = lists[0] ?? [];
  for (const other of lists.slice(1)) {
    const keep = new Set(other);
    candidates = candidates.filter((seq) => keep.has(seq));
  }
  candidates = [...candidates].sort((a, b) => b - a);

  const hits: SearchHit[] = [];
  for (let offset = 0; offset < candidates.length && hits.length < options.limit; offset += PAGE) {
    const rows = await db.messages.bulkGet(candidates.slice(offset, offset + PAGE));
    for (const row of rows) {
      if (!row || (options.conversationId !== undefined && row.conversationId !== options.conversationId)) continue;
      const textWords = wordsOf(row.body);
      if (!matchesAll(textWords, words)) continue;
      hits.push({ message: row as StoredMessage, ranges: highlights(textWords, words) });
      if (hits.length === options.limit) break;
    }
  }
  return hits;
}
