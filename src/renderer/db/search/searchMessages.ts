// Full-text search over the sealed history: each query word's hash is looked up in the blind index's posting rows
// (postings.ts: per chat and block of seqs), keys first; then blocks newest first (1, 2, 4, … per read), the seqs
// every word has there are opened and confirmed against their text (prefix match of every word, the same folding as
// indexing) until enough are found — so a common word costs the blocks shown, not every match.
import type { ParleyDatabase } from '../database';
import type { StoredMessage } from '../rows';
import { blindQuery } from './blindTerms';
import { postingKeysOf, type PostingKey } from './postings';
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
  const keyLists = await Promise.all(hashes.map((hash) => postingKeysOf(db, hash, options.conversationId)));
  // The word in the fewest posting rows leads; a row of it counts only where every other word has a row too.
  const [lead, ...others] = [...keyLists].sort((a, b) => a.length - b.length);
  const chatBlock = ([conversationId, block]: PostingKey) => `${conversationId}\u0000${block}`;
  const otherKeys = others.map((keys) => new Map(keys.map((key) => [chatBlock(key), key])));
  const byBlock = new Map<number, PostingKey[]>();
  for (const key of lead!) {
    if (!otherKeys.every((keys) => keys.has(chatBlock(key)))) continue;
    const keys = byBlock.get(key[1]);
    if (keys) keys.push(key);
    else byBlock.set(key[1], [key]);
  }
  const hits: SearchHit[] = [];
  const blocks = [...byBlock.keys()].sort((a, b) => b - a);
  // Blocks are read 1, 2, 4, … at a time: a common word is done after the newest, a rare one takes few round trips.
  for (let from = 0, take = 1; from < blocks.length && hits.length < options.limit; from += take, take *= 2) {
    const leadKeys = blocks.slice(from, from + take).flatMap((block) => byBlock.get(block)!);
    const [leadRows, ...otherRows] = await Promise.all([leadKeys, ...otherKeys.map((keys) => leadKeys.map((key) => keys.get(chatBlock(key))!))].map((keys) => db.postingsByChat.bulkGet(keys)));
    const otherSeqs = otherRows.map((rows) => rows.map((row) => new Set(row?.seqs)));
    const candidates = leadRows!
      .flatMap((row, index) => Array.from(row?.seqs ?? []).filter((seq) => otherSeqs.every((sets) => sets[index]!.has(seq))))
      .sort((a, b) => b - a);
    for (let offset = 0; offset < candidates.length && hits.length < options.limit; offset += PAGE) {
      for (const row of await db.messages.bulkGet(candidates.slice(offset, offset + PAGE))) {
        if (!row || (options.conversationId !== undefined && row.conversationId !== options.conversationId)) continue;
        const textWords = wordsOf(row.body);
        if (!matchesAll(textWords, words)) continue;
        hits.push({ message: row as StoredMessage, ranges: highlights(textWords, words) });
        if (hits.length === options.limit) break;
      }
    }
  }
  return hits;
}
