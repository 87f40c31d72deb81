// Keeps the blind search index current for messages stored without their terms — own messages (queued with the
// message row: outgoing.ts) and imported history (historyImport.ts) — a chunk at a time, after they are stored (never
// on the send path): their texts are read and hashed outside any write, and only the posting rows are written; the
// message rows are not touched. The queue is a meta key per message, so a restart goes on from where it stopped.
// Received messages come with their terms (db/incoming.ts), and edits and deletes change the index in their own
// transaction (db/actions.ts): whoever does either takes the message off the queue, so a chunk whose message changed
// meanwhile leaves it alone (its queue key is gone) rather than index the text it read before.
import Dexie from 'dexie';
import type { ParleyDatabase } from '../database';
import { blindTermsOf, blindTermsOfAll } from './blindTerms';
import { INDEX_QUEUE_PREFIX, queueKey, setIndexedTerms, type IndexedTerms } from './postings';

const CHUNK = 200;

/** Queues messages just stored without their terms for the indexer. Runs in the transaction that stores them (scope: meta). */
export async function queueForIndexing(db: ParleyDatabase, seqs: readonly number[]): Promise<void> {
  if (seqs.length > 0) await db.meta.bulkPut(seqs.map((seq) => ({ key: queueKey(seq) })));
}

/**
 * The terms of texts about to be stored, by text, for rows written with their terms (hashing is asynchronous, so a
 * writer computes them before its transaction opens). The empty text has none.
 */
export async function termsByText(db: ParleyDatabase, texts: readonly string[]): Promise<Map<string, string[]>> {
  const distinct = [...new Set(texts)].filter((text) => text !== '');
  const terms = distinct.length === 0 ? [] : await blindTermsOfAll((await db.historyKeys).terms, distinct);
  return new Map<string, string[]>([['', []], ...distinct.map((text, index): [string, string[]] => [text, terms[index]!])]);
}

/** The terms of one text, hashed inside a transaction (kept alive meanwhile): for the rare writer that learns a text there. */
export async function termsInTransaction(db: ParleyDatabase, text: string): Promise<string[]> {
  return Dexie.waitFor((async () => blindTermsOf((await db.historyKeys).terms, text))());
}

/** Indexes the next chunk of queued messages; returns how many it took off the queue (0: the index is current). */
export async function indexNextChunk(db: ParleyDatabase): Promise<number> {
  const keys = (await db.meta.where('key').startsWith(INDEX_QUEUE_PREFIX).limit(CHUNK).primaryKeys()) as string[];
  if (keys.length === 0) return 0;
  const rows = await db.messages.bulkGet(keys.map((key) => Number(key.slice(INDEX_QUEUE_PREFIX.length))));
  const terms = await blindTermsOfAll(
    (await db.historyKeys).terms,
    rows.map((row) => row?.body ?? ''),
  );
  await db.transaction('rw', db.postings, db.messageTerms, db.meta, async () => {
    const still = new Set(await db.meta.where('key').anyOf(keys).primaryKeys());
    const changes: IndexedTerms[] = [];
    rows.forEach((row, index) => {
      if (row?.seq !== undefined && still.has(keys[index]!)) changes.push({ seq: row.seq, conversationId: row.conversationId, terms: terms[index]! });
    });
    await setIndexedTerms(db, changes);
    // A message deleted since needs nothing (its delete took its key already, unless it was never stored).
    await db.meta.bulkDelete(keys.filter((key, index) => rows[index] === undefined && still.has(key)));
  });
  return keys.length;
}
