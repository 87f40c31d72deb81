// Message history is written to disk before its transaction completes. Chromium commits a read-write transaction
// with "relaxed" durability unless told otherwise (the default since Chrome 121): `complete` fires once the OS has
// the write, which reaches the disk seconds later. Received messages are committed to main right after their
// transaction completes, and main then deletes its own copy and acks the relay, which deletes the envelope
// (docs/security.md §11): with relaxed durability a power loss or OS crash in those seconds would lose messages
// nobody holds any more. So every read-write transaction over `messages` asks for "strict" durability: stores,
// sends, edits, deletes, imports. Transactions that write no message (drafts, the search index, read positions)
// keep the browser's default; losing their last seconds loses nothing that is not made again.
import type { DBCore, Middleware } from 'dexie';

/** The table whose read-write transactions are committed with strict durability. */
export const DURABLE_TABLE = 'messages';

export function durableHistory(): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'durableHistory',
    create(down: DBCore): DBCore {
      return {
        ...down,
        transaction(stores, mode, options) {
          const durable = mode === 'readwrite' && stores.includes(DURABLE_TABLE);
          return down.transaction(stores, mode, durable ? { ...options, durability: 'strict' } : options);
        },
      };
    },
  };
}
