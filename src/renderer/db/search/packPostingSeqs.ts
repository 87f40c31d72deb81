// v10 → v11: the seqs of every posting row become one Int32Array (PostingRow, postings.ts), as the indexer now writes
// them: IndexedDB then copies a row's seqs as one buffer instead of a JS number each, which the purge's removal slices
// (every posting row of a common word read and written back) made the cost of their frames. Posting rows are all in
// clear (keyed hashes and local seqs), so nothing is opened or sealed. Atomic, like every upgrade.
import type { Transaction } from 'dexie';
import type { PostingRow } from '../rows';
import type { PostingRowV10 } from './moveTermsToPostings';

export async function packPostingSeqs(tx: Transaction): Promise<void> {
  await tx
    .table('postings')
    .toCollection()
    .modify((row: PostingRowV10 | PostingRow) => {
      if (Array.isArray(row.seqs)) (row as PostingRow).seqs = Int32Array.from(row.seqs);
    });
}
