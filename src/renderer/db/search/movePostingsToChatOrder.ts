// v12 → v13: the posting rows move from `postings` (keyed term, conversation, block) to `postingsByChat` (keyed
// conversation, block, term: postings.ts), since IndexedDB cannot change a table's key. Every row is copied as
// IndexedDB holds it, below the at-rest sealing: posting rows are all in clear (keyed hashes and local seqs), so
// nothing is opened or sealed, and the copy holds exactly what the original did. The schema drops `postings` after
// the copy. Atomic, like every upgrade: a crash mid-way aborts it and the next start does it again.
import type { Transaction } from 'dexie';
import { eachRawRow } from './eachRawRow';

export function movePostingsToChatOrder(tx: Transaction): Promise<void> {
  const to = tx.idbtrans.objectStore('postingsByChat');
  return eachRawRow<object, IDBValidKey>(tx.idbtrans.objectStore('postings'), (_key, row) => {
    to.add(row);
    return undefined;
  });
}
