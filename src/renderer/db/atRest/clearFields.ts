// Reading what a sealed row keeps in clear — its primary key and indexed fields (sealAtRest.ts) — without opening
// it: for work that needs only those, such as the purge of expired messages (ids and times, no content), where
// opening every row would cost a decryption each for nothing. The read is a read-only IndexedDB transaction of its
// own below the sealing; a caller that then writes does so in a transaction of its own (rows found stay valid:
// primary keys are never reused) — or reads inside its own transaction (clearFieldsUpToHere), and sees its writes.
import Dexie, { type DBCoreKeyRange, type DBCoreRangeType, type DBCoreTransaction } from 'dexie';
import type { ParleyDatabase } from '../database';
import { SEALED_FIELD } from './sealAtRest';

const RANGE = 2 as DBCoreRangeType.Range;

/** The clear fields of the first `limit` rows of `tableName` whose `index` is at most `upper`, in index order. */
export function clearFieldsUpTo(db: ParleyDatabase, tableName: string, index: string, upper: number, limit: number): Promise<Record<string, unknown>[]> {
  return clearFieldsIn(db, tableName, index, { type: RANGE, lower: -Infinity, lowerOpen: false, upper, upperOpen: false }, limit);
}

/**
 * As clearFieldsUpTo, inside the Dexie transaction this runs in (whose scope includes `tableName`): rows it deleted
 * are not found again.
 */
export function clearFieldsUpToHere(db: ParleyDatabase, tableName: string, index: string, upper: number, limit: number): Promise<Record<string, unknown>[]> {
  const trans = Dexie.currentTransaction?.idbtrans as DBCoreTransaction | undefined;
  if (!trans) throw new Error('clearFieldsUpToHere runs inside a transaction');
  return clearFieldsIn(db, tableName, index, { type: RANGE, lower: -Infinity, lowerOpen: false, upper, upperOpen: false }, limit, trans);
}

/** The clear fields of the first `limit` rows of `tableName` whose `index` is above `lower`, in index order. */
export function clearFieldsAbove(db: ParleyDatabase, tableName: string, index: string, lower: number, limit: number): Promise<Record<string, unknown>[]> {
  return clearFieldsIn(db, tableName, index, { type: RANGE, lower, lowerOpen: true, upper: undefined, upperOpen: false }, limit);
}

/**
 * The clear fields of the first `limit` rows of `tableName` whose `index` key is above `lower` and at most `upper`,
 * in index order (`index`: a key path, an array for a compound index).
 */
export function clearFieldsBetween(db: ParleyDatabase, tableName: string, index: string | string[], lower: unknown, upper: unknown, limit: number): Promise<Record<string, unknown>[]> {
  return clearFieldsIn(db, tableName, index, { type: RANGE, lower, lowerOpen: true, upper, upperOpen: false }, limit);
}

async function clearFieldsIn(
  db: ParleyDatabase,
  tableName: string,
  index: string | string[],
  range: DBCoreKeyRange,
  limit: number,
  within?: DBCoreTransaction,
): Promise<Record<string, unknown>[]> {
  if (!db.isOpen()) await db.open();
  const core = db.unsealedCore;
  if (!core) throw new Error('the database has no core below the at-rest sealing');
  const table = core.table(tableName);
  const source = table.schema.getIndexByKeyPath(index);
  if (!source) throw new Error(`no index ${index} on ${tableName}`);
  const trans: DBCoreTransaction = within ?? core.transaction([tableName], 'readonly');
  const { result } = await table.query({ trans, values: true, limit, query: { index: source, range } });
  return (result as Record<string, unknown>[]).map(({ [SEALED_FIELD]: _sealed, ...clear }) => clear);
}
