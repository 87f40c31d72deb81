// v8 → v9: the blind index's terms leave the message rows for the posting table (postings.ts). Every stored row is
// walked below the at-rest sealing (its terms were a clear field; nothing is decrypted or sealed again): its terms
// become posting and messageTerms rows, and the row is written back without them — the `*terms` index itself is
// dropped by the schema. A row without terms (an own message the indexer had not reached, an edited one waiting to be
// indexed again) is queued for the indexer, which replaces the old position and re-index keys. Atomic, like every
// upgrade: a crash mid-way aborts it and the next start does it again.
import type { Transaction } from 'dexie';
import { eachRawRow } from './eachRawRow';
import type { MessageTermsRow } from '../rows';
import { V9_QUEUE_PREFIX } from './moveQueueKeys';
import { POSTING_BLOCK } from './postings';

/** The v5–v8 indexer's meta keys: its position, and messages to index again. */
const OLD_POSITION = 'search.indexedUpTo';
const OLD_REINDEX_PREFIX = 'search.reindex:';

/** A posting row as v9 and v10 kept it (v11 packs the seqs: packPostingSeqs.ts). */
export interface PostingRowV10 {
  term: string;
  conversationId: string;
  block: number;
  seqs: number[];
}

interface StoredV8 {
  conversationId: string;
  direction: string;
  terms?: string[];
}

export async function moveTermsToPostings(tx: Transaction): Promise<void> {
  const postings = new Map<string, PostingRowV10>();
  const messageTerms: MessageTermsRow[] = [];
  const queued: number[] = [];
  await eachRawRow(tx.idbtrans.objectStore('messages'), (seq, row: StoredV8) => {
    if (!Array.isArray(row.terms)) {
      if (row.direction !== 'system') queued.push(seq);
      return undefined;
    }
    const terms = [...new Set(row.terms)];
    if (terms.length > 0) messageTerms.push({ seq, terms });
    const block = Math.floor(seq / POSTING_BLOCK);
    for (const term of terms) {
      const id = `${term}\u0000${row.conversationId}\u0000${block}`;
      const posting = postings.get(id);
      // The walk is in ascending seq order, so every list stays ascending.
      if (posting) posting.seqs.push(seq);
      else postings.set(id, { term, conversationId: row.conversationId, block, seqs: [seq] });
    }
    const { terms: _moved, ...rest } = row;
    return rest;
  });
  await tx.table('postings').bulkAdd([...postings.values()]);
  await tx.table('messageTerms').bulkAdd(messageTerms);
  const meta = tx.table('meta');
  await meta.delete(OLD_POSITION);
  await meta.where('key').startsWith(OLD_REINDEX_PREFIX).delete();
  // v9's queue (a meta key per message), which the v10 upgrade turns into ranges.
  await meta.bulkPut(queued.map((seq) => ({ key: `${V9_QUEUE_PREFIX}${seq}` })));
}
