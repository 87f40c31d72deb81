// The history at rest (docs/security.md §10): a Dexie middleware at the bottom of the stack, so every row of every
// table is sealed on its way into IndexedDB and opened on its way out, whatever code wrote or reads it. A row keeps
// in clear only the fields an index needs (its primary key and indexed fields: conversation id, sequence, time,
// message ids); everything else, including fields added later, goes into `sealed` — but for the fields a table
// declares clear (ClearFields: the blind search index's hashes and seqs, docs/security.md §10.2). A row with nothing
// left to seal is written as it is.
// Rows written before this existed (plaintext) still read as they are until the v5 upgrade seals them.
// Decryption is WebCrypto, asynchronous: it runs inside the caller's transaction (inTransaction.ts), and a cursor
// hands each row to its reader only once it is open. Rows opened or sealed lately open at once from rowCipher's
// cache, with no request to keep the transaction alive. Plain ranges (toArray, primaryKeys) stay the fast path.
import type { DBCore, DBCoreCursor, DBCoreTable, DBCoreTableSchema, DBCoreTransaction, Middleware } from 'dexie';
import type { HistoryKeys } from './historyKeys';
import { awaitInTransaction } from './inTransaction';
import { openCachedFields, openFields, sealFields } from './rowCipher';

export const SEALED_FIELD = 'sealed';

type Row = Record<string, unknown>;

/** Fields kept in clear beyond the keys and indexed fields, by table (ParleyDatabase names them, with the reason). */
export type ClearFields = Readonly<Record<string, readonly string[]>>;

/** Top-level fields that the table's primary key and indexes read, and those `declared` clear for it. */
export function clearFieldsOf(schema: DBCoreTableSchema, declared: ClearFields = {}): Set<string> {
  const fields = new Set<string>(declared[schema.name] ?? []);
  for (const index of [schema.primaryKey, ...schema.indexes]) {
    const keyPath = index.keyPath;
    for (const path of keyPath === null ? [] : Array.isArray(keyPath) ? keyPath : [keyPath]) fields.add(path.split('.')[0]!);
  }
  return fields;
}

export function isSealed(row: unknown): boolean {
  return typeof row === 'object' && row !== null && (row as Row)[SEALED_FIELD] instanceof Uint8Array;
}

/**
 * Rows sealed before the transaction that writes them (sealRowsAhead), by the row object: the middleware writes that
 * form as it is, so a transaction that writes only such rows never waits for WebCrypto inside it. Kept beside the row,
 * never on it, and only for the table it was sealed for.
 */
const sealedAhead = new WeakMap<object, { table: string; row: Row }>();

/** Whether some field of the row is not clear (a row of only clear fields is written as it is). */
function hasHidden(clear: ReadonlySet<string>, row: Row): boolean {
  for (const [field, value] of Object.entries(row)) if (value !== undefined && !clear.has(field)) return true;
  return false;
}

/** Splits a row into its clear fields and the sealed rest (format: rowCipher.ts). */
async function sealRow(key: CryptoKey, table: string, clear: ReadonlySet<string>, row: Row): Promise<Row> {
  const kept: Row = {};
  const hidden: Row = {};
  for (const [field, value] of Object.entries(row)) {
    if (value === undefined) continue;
    if (clear.has(field)) kept[field] = value;
    else hidden[field] = value;
  }
  kept[SEALED_FIELD] = await sealFields(key, table, hidden);
  return kept;
}

/**
 * Seals rows about to be written to `schema`'s table before their transaction opens, and freezes them: what is
 * written is what was sealed (a later change to the row throws instead of being lost).
 */
export async function sealRowsAhead(keys: Promise<HistoryKeys>, schema: DBCoreTableSchema, declared: ClearFields, rows: readonly Row[]): Promise<void> {
  const { rows: key } = await keys;
  const clear = clearFieldsOf(schema, declared);
  const sealed = await Promise.all(rows.map((row) => sealRow(key, schema.name, clear, row)));
  rows.forEach((row, index) => sealedAhead.set(Object.freeze(row), { table: schema.name, row: sealed[index]! }));
}

/**
 * `declared`: fields kept in clear beyond keys and indexed fields, by table. `below`: handed IndexedDB's own core, for
 * reads of the clear fields only (atRest/clearFields.ts).
 */
export function sealAtRest(keys: Promise<HistoryKeys>, declared: ClearFields, below?: (core: DBCore) => void): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'sealAtRest',
    // Below Dexie's own middlewares (hooks, caches, observability see plain rows): right above IndexedDB.
    level: -10,
    create(down: DBCore): DBCore {
      below?.(down);
      const cipher: RowKey = { key: undefined, ready: keys.then(({ rows }) => (cipher.key = rows)) };
      return { ...down, table: (name: string) => sealedTable(down.table(name), cipher, declared) };
    },
  };
}

/** The rows key, and once it is there, the key itself (to open cached rows without awaiting anything). */
interface RowKey {
  key: CryptoKey | undefined;
  readonly ready: Promise<CryptoKey>;
}

/** A read's rows, opened: at once when none needs a decryption, else as a promise to await in its transaction. */
type Opened<T> = { now: T } | { later: Promise<T> };

function sealedTable(table: DBCoreTable, cipher: RowKey, declared: ClearFields): DBCoreTable {
  const name = table.name;
  const clear = clearFieldsOf(table.schema, declared);

  const seal = async (row: Row): Promise<Row> => sealRow(await cipher.ready, name, clear, row);
  const ahead = (row: Row): Row | undefined => {
    const entry = sealedAhead.get(row);
    return entry?.table === name ? entry.row : undefined;
  };
  /** The row opened from the cache (or as it is, when not sealed); undefined when it needs a decryption. */
  const openNow = (row: unknown): { row: unknown } | undefined => {
    if (!isSealed(row)) return { row };
    const { [SEALED_FIELD]: sealed, ...kept } = row as Row;
    const fields = cipher.key && openCachedFields(cipher.key, name, sealed as Uint8Array);
    return fields ? { row: { ...kept, ...fields } } : undefined;
  };
  /** A sealed row that openNow could not open: decrypted. */
  const decrypt = async (row: unknown): Promise<unknown> => {
    const { [SEALED_FIELD]: sealed, ...kept } = row as Row;
    return { ...kept, ...(await openFields(await cipher.ready, name, sealed as Uint8Array<ArrayBuffer>)) };
  };
  /** Opens a read's rows (undefined for a missing one): at once when all are cached. */
  const openAll = (values: readonly unknown[]): Opened<unknown[]> => {
    const now = values.map((value) => (value === undefined ? { row: value } : openNow(value)));
    if (now.every((entry) => entry !== undefined)) return { now: now.map((entry) => entry!.row) };
    return { later: Promise.all(values.map((value, index) => (now[index] ? now[index].row : decrypt(value)))) };
  };
  /** Crypto inside the caller's transaction, which must not commit meanwhile. */
  const awaitCrypto = <T>(trans: DBCoreTransaction, work: Promise<T>): Promise<T> => awaitInTransaction(trans as IDBTransaction, name, work);
  const within = <T>(trans: DBCoreTransaction, opened: Opened<T>): Promise<T> => ('now' in opened ? Promise.resolve(opened.now) : awaitCrypto(trans, opened.later));

  return {
    ...table,
    async mutate(request) {
      if (request.type !== 'add' && request.type !== 'put') return table.mutate(request);
      const sealed = (request.values as Row[]).map((row) => ahead(row) ?? (hasHidden(clear, row) ? undefined : row));
      const values = sealed.every((row) => row !== undefined)
        ? sealed
        : await awaitCrypto(request.trans, Promise.all((request.values as Row[]).map((value, index) => sealed[index] ?? seal(value))));
      return table.mutate({ ...request, values });
    },
    async get(request) {
      const value: unknown = await table.get(request);
      return value === undefined ? value : (await within(request.trans, openAll([value])))[0];
    },
    async getMany(request) {
      return within(request.trans, openAll(await table.getMany(request)));
    },
    async query(request) {
      const response = await table.query(request);
      if (!request.values) return response;
      return { ...response, result: await within(request.trans, openAll(response.result)) };
    },
    async openCursor(request) {
      const cursor = await table.openCursor(request);
      if (!cursor || request.values === false) return cursor;
      return openingCursor(cursor, (value) => {
        const now = openNow(value);
        return now ?? awaitCrypto(cursor.trans, decrypt(value)).then((row) => ({ row }));
      });
    },
  };
}

/**
 * A cursor whose reader sees each row opened: a step whose row needs a decryption waits for it, then calls the reader
 * from inside the transaction (continue / stop work as on the cursor below); a cached row goes to the reader at once.
 * Key getters are forwarded explicitly: IndexedDB's own getters refuse to run on another object.
 */
function openingCursor(cursor: DBCoreCursor, open: (value: unknown) => { row: unknown } | Promise<{ row: unknown }>): DBCoreCursor {
  let value: unknown;
  const next = (onNext: () => void, opened: { row: unknown }) => {
    value = opened.row;
    try {
      onNext();
    } catch (error) {
      cursor.fail(error as Error);
    }
  };
  return Object.create(cursor, {
    key: { get: () => cursor.key },
    primaryKey: { get: () => cursor.primaryKey },
    value: { get: () => value },
    start: {
      value: (onNext: () => void) =>
        cursor.start(() => {
          let opened: { row: unknown } | Promise<{ row: unknown }>;
          try {
            opened = open(cursor.value);
          } catch (error) {
            cursor.fail(error as Error);
            return;
          }
          if (!(opened instanceof Promise)) next(onNext, opened);
          else opened.then((row) => next(onNext, row), (error: unknown) => cursor.fail(error as Error));
        }),
    },
  }) as DBCoreCursor;
}
