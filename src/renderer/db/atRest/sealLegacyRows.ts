// v4 → v5: the history was plaintext; every row of every table is read and written back, in chunks, inside the
// upgrade's transaction, so it passes through sealAtRest on the way back in. Atomic: a crash mid-way aborts the
// upgrade and the next start does it again. (IndexedDB's files may keep the old plaintext in free space until the
// storage engine compacts them: docs/security.md §10.)
import type { Transaction } from 'dexie';

const CHUNK = 500;

/** `tables`: the tables of the v5 schema (an upgrade to a later version lists tables not created yet). */
export async function sealLegacyRows(tx: Transaction, tables: readonly string[]): Promise<void> {
  for (const name of tables) {
    const table = tx.table(name);
    const keys = await table.toCollection().primaryKeys();
    for (let offset = 0; offset < keys.length; offset += CHUNK) {
      const rows = await table.bulkGet(keys.slice(offset, offset + CHUNK));
      await table.bulkPut(rows.filter((row) => row !== undefined));
    }
  }
}
