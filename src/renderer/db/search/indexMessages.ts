// Keeps the blind search index current: messages are indexed in order of seq, a chunk at a time, after they are
// stored (never on the send path). The position is kept in `meta`, so a restart goes on from where it stopped.
// An edited message is indexed again with indexMessages.
import type { ParleyDatabase } from '../database';
import type { StoredMessage } from '../rows';
import { blindTermsOf } from './blindTerms';

export const INDEX_POSITION = 'search.indexedUpTo';
const CHUNK = 200;

/** Writes the terms of these rows (as read now); a row whose body changed meanwhile is left for its next indexing. */
export async function indexMessages(db: ParleyDatabase, rows: readonly StoredMessage[], position?: number): Promise<void> {
  const key = (await db.historyKeys).terms;
  const terms = await Promise.all(rows.map((row) => (row.body ? blindTermsOf(key, row.body) : Promise.resolve([]))));
  await db.transaction('rw', db.messages, db.meta, async () => {
    const current = await db.messages.bulkGet(rows.map((row) => row.seq));
    const indexed: StoredMessage[] = [];
    current.forEach((row, index) => {
      if (row && row.body === rows[index]?.body) indexed.push({ ...(row as StoredMessage), terms: terms[index] });
    });
    if (indexed.length > 0) await db.messages.bulkPut(indexed);
    if (position !== undefined) await db.meta.put({ key: INDEX_POSITION, value: position });
  });
}

/** Indexes the next chunk of messages not indexed yet; returns how many it took (0: the index is current). */
export async function indexNextChunk(db: ParleyDatabase): Promise<number> {
  const position = ((await db.meta.get(INDEX_POSITION))?.value as number | undefined) ?? 0;
  const rows = (await db.messages.where(':id').above(position).limit(CHUNK).toArray()) as StoredMessage[];
  const last = rows[rows.length - 1];
  if (!last) return 0;
  await indexMessages(db, rows, last.seq);
  return rows.length;
}
