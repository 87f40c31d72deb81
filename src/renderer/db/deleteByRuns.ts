// Deleting many rows of a table keyed by seq with one request per run of neighbouring keys: the purge's messages, and
// the search index's messageTerms rows of purged messages, are mostly neighbours (a chat's messages expire in the
// order they were read or sent). A delete request per row costs the page's thread a result to receive and dispatch:
// the purge's message rows were most of a purge batch's main-thread time, and the index took a purged message's
// messageTerms row out with a request of its own (10,000 for a 10,000-message purge).
import type { Table } from 'dexie';

/**
 * Deletes the rows of these keys, and no other. The keys between the first and the last are read (keys only, at most
 * twice as many as given plus one) to find the runs; when the rows are scattered (more runs than half the keys, or
 * too many other keys between them), `deleteEach` deletes them one request each after all.
 */
export async function deleteByRuns<Row>(table: Table<Row, number>, keys: readonly number[], deleteEach: (sorted: number[]) => Promise<unknown>): Promise<void> {
  const wanted = new Set(keys);
  const sorted = [...wanted].sort((a, b) => a - b);
  if (sorted.length === 0) return;
  const between = (await table
    .where(':id')
    .between(sorted[0]!, sorted[sorted.length - 1]!, true, true)
    .limit(sorted.length * 2 + 1)
    .primaryKeys()) as number[];
  let runStart: number | undefined;
  let runEnd = 0;
  const runs: [number, number][] = [];
  for (const key of between) {
    if (wanted.has(key)) {
      runStart ??= key;
      runEnd = key;
    } else if (runStart !== undefined) {
      runs.push([runStart, runEnd]);
      runStart = undefined;
    }
  }
  if (runStart !== undefined) runs.push([runStart, runEnd]);
  if (between.length > sorted.length * 2 || runs.length * 2 > sorted.length) {
    await deleteEach(sorted);
    return;
  }
  for (const [first, last] of runs) await table.where(':id').between(first, last, true, true).delete();
}
