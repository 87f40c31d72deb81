// Full-text search over the sealed history: each query word's hash is looked up in the blind index's posting rows
// (postings.ts: seqs only, in one chat or all); the seqs every word has are opened newest first, a page at a time,
// and confirmed against their text (prefix match of every word, the same folding as indexing) until enough are found.
import type { ParleyDatabase } from '../database';
import type { StoredMessage } from '../rows';
import { blindQuery } from './blindTerms';
import { postedSeqs } from './postings';
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
  // Each word's seqs come from its posting rows (no message opened); the word with the fewest leads, and only seqs
  // every word has are opened — so a common word costs what is shown, not every match.
  const lists = await Promise.all(hashes.map((hash) => postedSeqs(db, hash, options.conversationId)));
  const [lead, ...others] = [...lists].sort((a, b) => a.length - b.length);
  const otherSets = others.map((seqs) => new Set(seqs));
  const candidates = lead!.filter((seq) => otherSets.every((set) => set.has(seq))).sort((a, b) => b - a);
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
