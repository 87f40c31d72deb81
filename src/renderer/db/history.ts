// Paging through one conversation's history by the [conversationId+seq] index. Every function reads a bounded
// number of keys or rows; nothing here ever loads a whole conversation.
import Dexie from 'dexie';
import type { ParleyDatabase } from './database';
import type { StoredMessage } from './rows';

function range(db: ParleyDatabase, conversationId: string, from: unknown, to: unknown, includeFrom: boolean, includeTo: boolean) {
  return db.messages.where('[conversationId+seq]').between([conversationId, from], [conversationId, to], includeFrom, includeTo);
}

/** Seqs of the newest `limit` messages, oldest first. */
export async function newestSeqs(db: ParleyDatabase, conversationId: string, limit: number): Promise<number[]> {
  const seqs = await range(db, conversationId, Dexie.minKey, Dexie.maxKey, true, true).reverse().limit(limit).primaryKeys();
  return seqs.reverse();
}

/** Seqs of up to `limit` messages just before `seq` (exclusive), oldest first. */
export async function seqsBefore(db: ParleyDatabase, conversationId: string, seq: number, limit: number): Promise<number[]> {
  const seqs = await range(db, conversationId, Dexie.minKey, seq, true, false).reverse().limit(limit).primaryKeys();
  return seqs.reverse();
}

/** Seqs of up to `limit` messages just after `seq` (exclusive), oldest first. */
export async function seqsAfter(db: ParleyDatabase, conversationId: string, seq: number, limit: number): Promise<number[]> {
  return range(db, conversationId, seq, Dexie.maxKey, false, true).limit(limit).primaryKeys();
}

/** The rows of a loaded window: from `fromSeq` to `toSeq` inclusive, or to the newest message when `toSeq` is null. */
export async function rowsInWindow(
  db: ParleyDatabase,
  conversationId: string,
  fromSeq: number,
  toSeq: number | null,
): Promise<StoredMessage[]> {
  return (await range(db, conversationId, fromSeq, toSeq ?? Dexie.maxKey, true, true).toArray()) as StoredMessage[];
}
