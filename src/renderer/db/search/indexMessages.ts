// Keeps the blind search index current: messages are indexed in order of seq, a chunk at a time, after they are
// stored (never on the send path). The position is kept in `meta`, so a restart goes on from where it stopped.
// An edited message is queued for indexing again (queueReindex, in the edit's own transaction, which also drops
// the row's old terms), so its new words are found and its old words' hashes are gone even across a restart.
import type { ParleyDatabase } from '../database';
import type { StoredMessage } from '../rows';
import { clearFieldsAbove } from '../atRest/clearFields';
import { blindTermsOfAll } from './blindTerms';

export const INDEX_POSITION = 'search.indexedUpTo';
const CHUNK = 200;
/** Meta keys of messages whose text changed after they may have been indexed: `search.reindex:<seq>`. */
export const REINDEX_PREFIX = 'search.reindex:';

/**
 * Drops an edited row's terms and asks for it to be indexed again. Runs inside the transaction that writes the new
 * body (its scope must include `messages` and `meta`).
 */
export async function putReindexed(db: ParleyDatabase, row: StoredMessage): Promise<void> {
  const { terms: _stale, ...rest } = row;
  await db.messages.put(rest);
  await db.meta.put({ key: `${REINDEX_PREFIX}${row.seq}`, value: row.seq });
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

/** Writes the terms of these rows (as read now); a row whose body changed meanwhile is left for its next indexing. */
export async function indexMessages(db: ParleyDatabase, rows: readonly StoredMessage[], position?: number): Promise<void> {
  const terms = rows.length === 0 ? [] : await blindTermsOfAll((await db.historyKeys).terms, rows.map((row) => row.body ?? ''));
  await db.transaction('rw', db.messages, db.meta, async () => {
    const current = await db.messages.bulkGet(rows.map((row) => row.seq));
    const indexed: StoredMessage[] = [];
    current.forEach((row, index) => {
      if (row && row.body === rows[index]?.body) indexed.push({ ...(row as StoredMessage), terms: terms[index] });
    });
    if (indexed.length > 0) await db.messages.bulkPut(indexed);
    await db.meta.bulkDelete(indexed.map((row) => `${REINDEX_PREFIX}${row.seq}`));
    if (position !== undefined) await db.meta.put({ key: INDEX_POSITION, value: position });
  });
}

/** Indexes edited messages again, a chunk at a time; returns how many it took (0: none waiting). */
async function reindexNextChunk(db: ParleyDatabase): Promise<number> {
  const keys = (await db.meta.where('key').startsWith(REINDEX_PREFIX).limit(CHUNK).primaryKeys()) as string[];
  if (keys.length === 0) return 0;
  const rows = await db.messages.bulkGet(keys.map((key) => Number(key.slice(REINDEX_PREFIX.length))));
  const present = rows.filter((row): row is StoredMessage => row !== undefined);
  // A message deleted since needs nothing; one edited again since keeps its key for the next round.
  await db.meta.bulkDelete(keys.filter((_key, index) => rows[index] === undefined));
  await indexMessages(db, present);
  return keys.length;
}

/**
 * Indexes the next chunk of edited messages, else of messages not indexed yet; returns how many it took (0: the
 * index is current).
 */
export async function indexNextChunk(db: ParleyDatabase): Promise<number> {
  const reindexed = await reindexNextChunk(db);
  if (reindexed > 0) return reindexed;
  const position = ((await db.meta.get(INDEX_POSITION))?.value as number | undefined) ?? 0;
  // Received messages come with their terms (db/incoming.ts): only rows without any are opened and indexed here.
  const chunk = await clearFieldsAbove(db, 'messages', ':id', position, CHUNK);
  const last = chunk[chunk.length - 1];
  if (!last) return 0;
  const waiting = chunk.filter((row) => row.terms === undefined).map((row) => row.seq as number);
  const rows = waiting.length === 0 ? [] : (await db.messages.bulkGet(waiting)).filter((row): row is StoredMessage => row !== undefined);
  await indexMessages(db, rows, last.seq as number);
  return chunk.length;
}
