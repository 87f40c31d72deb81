// Full-text search over the sealed history: each query word's hash is looked up in the blind index (keys only);
// the hits of the rarest word are opened newest first, a page at a time, and confirmed against their text (prefix
// match of every word, the same folding as indexing) until enough are found.
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
  // The word with the fewest hits leads: its hits are read newest first, a page at a time (keys only), and each is
  // confirmed on the decrypted text against every word — so a common word costs what is shown, not every match.
  const counts = await Promise.all(hashes.map((hash) => db.messages.where('terms').equals(hash).count()));
  const lead = hashes[counts.indexOf(Math.min(...counts))]!;
  const hits: SearchHit[] = [];
  for (let offset = 0; hits.length < options.limit; offset += PAGE) {
    const seqs = await db.messages.where('terms').equals(lead).reverse().offset(offset).limit(PAGE).primaryKeys();
    const rows = await db.messages.bulkGet(seqs);
    for (const row of rows) {
      if (!row || (options.conversationId !== undefined && row.conversationId !== options.conversationId)) continue;
      const textWords = wordsOf(row.body);
      if (!matchesAll(textWords, words)) continue;
      hits.push({ message: row as StoredMessage, ranges: highlights(textWords, words) });
      if (hits.length === options.limit) break;
    }
    if (seqs.length < PAGE) break;
  }
  return hits;
}
