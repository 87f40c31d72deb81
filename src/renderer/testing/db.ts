// Test helpers for IndexedDB: a fresh database per test, and a counter of the message rows a test causes to be
// read (to prove paging never loads a whole conversation).
import type { DBCore, DBCoreTable } from 'dexie';
import { vi } from 'vitest';
import type { GoneMessage } from '../../shared/ipc';
import { importHistoryKeys, type HistoryKeys } from '../db/atRest/historyKeys';
import { ParleyDatabase } from '../db/database';
import type { MessageRow } from '../db/rows';
import { FAKE_HISTORY_KEY } from './fakeParley';

let counter = 0;
let keys: Promise<HistoryKeys> | null = null;

/** The history keys tests seal their databases with: those of the fake main's key, so every test database opens with them. */
export function testHistoryKeys(): Promise<HistoryKeys> {
  keys ??= importHistoryKeys(Uint8Array.from(atob(FAKE_HISTORY_KEY), (char) => char.charCodeAt(0)));
  return keys;
}

export function freshDatabase(prefix = 'test'): ParleyDatabase {
  counter += 1;
  return new ParleyDatabase(`${prefix}-${counter}-${Math.random().toString(36).slice(2)}`, testHistoryKeys());
}

/** Zeroed counts with a reset, for the counters below. */
function counts<Name extends string>(...names: Name[]): Record<Name, number> & { reset(): void } {
  const zero = () => Object.fromEntries(names.map((name) => [name, 0])) as Record<Name, number>;
  return Object.assign(zero(), {
    reset(this: Record<Name, number>) {
      Object.assign(this, zero());
    },
  });
}

/**
 * Puts a Dexie middleware between the app and IndexedDB's tables (all of them, or only `only`): `wrap` returns what
 * the app talks to instead of each table. `level` places it in Dexie's stack (lower is nearer IndexedDB).
 */
function wrapTables(db: ParleyDatabase, name: string, wrap: (table: DBCoreTable) => DBCoreTable, options: { only?: string; level?: number } = {}): void {
  db.use({
    stack: 'dbcore',
    name,
    level: options.level,
    create(down: DBCore): DBCore {
      return {
        ...down,
        table(tableName: string): DBCoreTable {
          const table = down.table(tableName);
          return options.only === undefined || tableName === options.only ? wrap(table) : table;
        },
      };
    },
  });
}

export interface ReadCounter {
  /** Message rows (values) returned by queries and gets. */
  rows: number;
  /** Keys returned by key-only queries. */
  keys: number;
  /** Cursors opened on the messages table (each could walk without bound). */
  cursors: number;
  reset(): void;
}

/** Counts reads from the messages table. Call before the database is first used. */
export function countMessageReads(db: ParleyDatabase): ReadCounter {
  const reads: ReadCounter = counts('rows', 'keys', 'cursors');
  wrapTables(
    db,
    'messageReadCounter',
    (table) => ({
      ...table,
      async get(request) {
        const value: unknown = await table.get(request);
        if (value !== undefined) reads.rows += 1;
        return value;
      },
      async getMany(request) {
        const values = await table.getMany(request);
        reads.rows += values.filter((value) => value !== undefined).length;
        return values;
      },
      async query(request) {
        const response = await table.query(request);
        if (request.values) reads.rows += response.result.length;
        else reads.keys += response.result.length;
        return response;
      },
      async openCursor(request) {
        reads.cursors += 1;
        return table.openCursor(request);
      },
    }),
    { only: 'messages' },
  );
  return reads;
}

export interface SeedOptions {
  conversationId: string;
  count: number;
  /** Epoch ms of the first message; one minute between messages. */
  start?: number;
  sender?: string;
  direction?: MessageRow['direction'];
}

/** Writes `count` messages into one conversation quickly (bulkAdd in chunks). */
export async function seedMessages(db: ParleyDatabase, options: SeedOptions): Promise<void> {
  const start = options.start ?? Date.UTC(2024, 0, 1);
  const chunk = 5_000;
  for (let offset = 0; offset < options.count; offset += chunk) {
    const rows: MessageRow[] = [];
    for (let i = offset; i < Math.min(options.count, offset + chunk); i += 1) {
      rows.push({
        conversationId: options.conversationId,
        messageId: `seed${i}`,
        sender: options.sender ?? 'bob',
        direction: options.direction ?? 'in',
        body: `message ${i}`,
        timestamp: start + i * 60_000,
      });
    }
    await db.messages.bulkAdd(rows);
  }
}

/** Counts every request the app makes to IndexedDB through Dexie (all tables). Call before first use. */
export function countRequests(db: ParleyDatabase): { requests: number } {
  const counter = { requests: 0 };
  const count =
    <A extends unknown[], R>(call: (...args: A) => R) =>
    (...args: A): R => {
      counter.requests += 1;
      return call(...args);
    };
  wrapTables(db, 'requestCounter', (table) => ({
    ...table,
    get: count(table.get.bind(table)),
    getMany: count(table.getMany.bind(table)),
    query: count(table.query.bind(table)),
    openCursor: count(table.openCursor.bind(table)),
    count: count(table.count.bind(table)),
    mutate: count(table.mutate.bind(table)),
  }));
  return counter;
}

/** The messages noted for main to delete their files (db/fileDeletions.ts), in the order noted. */
export async function notedFileDeletions(db: ParleyDatabase): Promise<GoneMessage[]> {
  return (await db.fileDeletions.toArray()).flatMap((note) => note.messages);
}

/** Counts the delete requests made to one IndexedDB table (messages unless named): one per key deleted, one per range. Call before first use. */
export function countDeleteRequests(db: ParleyDatabase, tableName = 'messages'): { requests: number } {
  const counter = { requests: 0 };
  wrapTables(
    db,
    'deleteCounter',
    (table) => ({
      ...table,
      mutate(request) {
        if (request.type === 'delete') counter.requests += request.keys.length;
        if (request.type === 'deleteRange') counter.requests += 1;
        return table.mutate(request);
      },
    }),
    { only: tableName, level: -20 },
  );
  return counter;
}

/** Counts the IndexedDB transactions opened through Dexie, by mode. Call before first use. */
export function countTransactions(db: ParleyDatabase): { readonly: number; readwrite: number; reset(): void } {
  const counter = counts('readonly', 'readwrite');
  db.use({
    stack: 'dbcore',
    name: 'transactionCounter',
    create(down: DBCore): DBCore {
      return {
        ...down,
        transaction(stores, mode, options) {
          counter[mode] += 1;
          return down.transaction(stores, mode, options);
        },
      };
    },
  });
  return counter;
}

export interface TransactionWork {
  mode: 'readonly' | 'readwrite';
  /** The tables in its scope. */
  tables: string[];
  /** Keys and rows it asked IndexedDB for or wrote, per table (a bulk request counts one per key or row). */
  rows: Record<string, number>;
}

/**
 * Records each IndexedDB transaction opened through Dexie, with what it did to each table: what one transaction
 * holds the tables of its scope for. Counted right above IndexedDB, below the at-rest sealing. Call before first use.
 */
export function recordTransactions(db: ParleyDatabase): TransactionWork[] {
  const opened: TransactionWork[] = [];
  const work = new WeakMap<object, TransactionWork>();
  const add = (trans: object, table: string, n: number) => {
    const entry = work.get(trans);
    if (entry) entry.rows[table] = (entry.rows[table] ?? 0) + n;
  };
  db.use({
    stack: 'dbcore',
    name: 'transactionRecorder',
    level: -20,
    create(down: DBCore): DBCore {
      return {
        ...down,
        transaction(stores, mode, options) {
          const trans = down.transaction(stores, mode, options);
          const entry: TransactionWork = { mode, tables: [...stores], rows: {} };
          opened.push(entry);
          work.set(trans, entry);
          return trans;
        },
        table(tableName: string): DBCoreTable {
          const table = down.table(tableName);
          return {
            ...table,
            get(request) {
              add(request.trans, tableName, 1);
              return table.get(request);
            },
            getMany(request) {
              add(request.trans, tableName, request.keys.length);
              return table.getMany(request);
            },
            async query(request) {
              const response = await table.query(request);
              add(request.trans, tableName, Math.max(1, response.result.length));
              return response;
            },
            mutate(request) {
              add(request.trans, tableName, 'keys' in request && request.keys ? request.keys.length : 'values' in request ? request.values.length : 1);
              return table.mutate(request);
            },
          };
        },
      };
    },
  });
  return opened;
}

export interface TaskWork {
  /** The most rows (values) IndexedDB answered with within one task. */
  rows: number;
  /** The most keys IndexedDB answered with within one task (key-only reads). */
  keys: number;
  /** The most requests made to IndexedDB within one task (a bulk request counts one per key or row). */
  requests: number;
  /** Tasks that touched IndexedDB. */
  tasks: number;
  /** Which task is running now (a number that changes from one task to the next). */
  current(): number;
  reset(): void;
  /** Puts the task counting back (call when done). */
  restore(): void;
}

/**
 * The IndexedDB work each task does, at most: fake-indexeddb answers every request in a task of its own, run through
 * setImmediate, so counting those calls tells the tasks apart (what runs in one is the work between two frames in a
 * browser). Counted right above IndexedDB, below the at-rest sealing. Call before the database is first used.
 */
export function measureWorkPerTask(db: ParleyDatabase): TaskWork {
  let task = 0;
  let counted = -1;
  let now = { rows: 0, keys: 0, requests: 0 };
  const original = globalThis.setImmediate;
  globalThis.setImmediate = ((callback: (...args: unknown[]) => void, ...args: unknown[]) =>
    original(() => {
      task += 1;
      callback(...args);
    })) as typeof setImmediate;
  const work: TaskWork = Object.assign(counts('rows', 'keys', 'requests', 'tasks'), {
    current: () => task,
    restore() {
      globalThis.setImmediate = original;
    },
  });
  const add = (field: 'rows' | 'keys' | 'requests', n: number) => {
    if (counted !== task) {
      counted = task;
      now = { rows: 0, keys: 0, requests: 0 };
      work.tasks += 1;
    }
    now[field] += n;
    work[field] = Math.max(work[field], now[field]);
  };
  wrapTables(
    db,
    'taskWork',
    (table) => ({
      ...table,
      async get(request) {
        add('requests', 1);
        const value: unknown = await table.get(request);
        add('rows', value === undefined ? 0 : 1);
        return value;
      },
      async getMany(request) {
        add('requests', request.keys.length);
        const values = await table.getMany(request);
        add('rows', values.length);
        return values;
      },
      async query(request) {
        add('requests', 1);
        const response = await table.query(request);
        add(request.values ? 'rows' : 'keys', response.result.length);
        return response;
      },
      openCursor(request) {
        add('requests', 1);
        return table.openCursor(request);
      },
      count(request) {
        add('requests', 1);
        return table.count(request);
      },
      mutate(request) {
        add('requests', request.type === 'deleteRange' ? 1 : request.type === 'delete' ? request.keys.length : request.values.length);
        return table.mutate(request);
      },
    }),
    { level: -20 },
  );
  return work;
}

export interface IndexedDbTransaction {
  stores: string[];
  mode: IDBTransactionMode;
  durability: IDBTransactionDurability;
}

/**
 * The transactions opened on IndexedDB itself, below every Dexie middleware, as IndexedDB made them (scope, mode,
 * durability). Call before the database opens (Dexie binds the connection's `transaction` then); undo with
 * `vi.restoreAllMocks()`.
 */
export function recordIndexedDbTransactions(): IndexedDbTransaction[] {
  const opened: IndexedDbTransaction[] = [];
  const original = IDBDatabase.prototype.transaction;
  vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, stores, mode, options) {
    const transaction = original.call(this, stores, mode, options);
    opened.push({ stores: typeof stores === 'string' ? [stores] : [...stores], mode: transaction.mode, durability: transaction.durability });
    return transaction;
  });
  return opened;
}
