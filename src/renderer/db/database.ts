// The renderer's IndexedDB (Dexie): one database per account, versioned, with migrations that run before the
// app reads anything. History lives here, not in memory; every query goes through an index range.
import Dexie, { type DBCore, type Table, type Transaction } from 'dexie';
import type { HistoryKeys } from './atRest/historyKeys';
import { sealAtRest, sealRowsAhead, type ClearFields } from './atRest/sealAtRest';
import { sealLegacyRows } from './atRest/sealLegacyRows';
import { durableHistory } from './durableHistory';
import type { EarlyActionRow } from './earlyActions';
import type { FileDeletionRow } from './fileDeletions';
import { markUnreadTombstones } from './markUnreadTombstones';
import { moveQueueKeys } from './search/moveQueueKeys';
import { movePostingsToChatOrder } from './search/movePostingsToChatOrder';
import { moveTermsToPostings } from './search/moveTermsToPostings';
import { packPostingSeqs } from './search/packPostingSeqs';
import type { PostingKey } from './search/postings';
import type { ConversationRow, DraftRow, IndexQueueRow, IndexRemovalRow, MessageRow, MessageTermsRow, MetaRow, OutboxRow, PostingRow, ReceiptRow } from './rows';

/**
 * Schema history. Keep every version: Dexie upgrades a database from whatever version it finds.
 * v1: conversations kept an `unreadCount` counter and messages a `fromMe` flag.
 * v2: unread counts come from an index ([conversationId+direction+seq] after `lastReadSeq`), messages get a
 *     `direction` (system rows for group changes), and receipts per member are kept.
 * v3: unsent drafts per conversation survive restarts.
 * v4: receipts are kept as positions per conversation (how far read and delivered receipts were handed to main),
 *     so receipts made offline are sent later; existing conversations start with everything already sent.
 * v5: history sealed at rest (atRest/sealAtRest.ts): every existing row is rewritten sealed; messages get the blind
 *     search index (`*terms`, keyed hashes of word prefixes) and a `meta` table keeps the indexer's position.
 * v6: message actions and disappearing messages: messages are indexed by when they disappear (`expiresAt`, for the
 *     purge) and by the id of the message they quote (`quotedId`, so deleting a message empties the snippets that
 *     quote it). Both stay in clear at rest (an index needs them): a time and a message id, never content.
 *     Reactions, edits and tombstones are sealed fields of the message row.
 * v7: reactions, edits and deletes that arrive before the message they name wait in `earlyActions` (earlyActions.ts),
 *     found by conversation + target id, expired by arrival time; the action itself is sealed.
 * v8: files of deleted and expired messages wait in `fileDeletions` until main has deleted them (fileDeletions.ts):
 *     written in the transaction that deletes the rows, so a crash before main is told never leaves files behind.
 * v9: the blind search index leaves the message rows (whose `*terms` multiEntry index cost one IndexedDB entry per
 *     word prefix of every message, and a rewrite of the row to index it) for `postings` — per term hash,
 *     conversation and block of seqs, the seqs whose text has it — and `messageTerms` (each indexed message's hashes,
 *     so deleting it needs no decryption). The upgrade moves every row's terms there and strips them from the rows
 *     (search/moveTermsToPostings.ts); what still waited for indexing is queued.
 * v10: the search index is kept current by the indexer alone (search/indexQueue.ts), never in the transactions that
 *     store, edit, delete or purge messages: `indexQueue` holds ranges of seqs whose index entries are to be brought in
 *     line with their rows (one row per stored batch, send or edit), `indexRemovals` the seqs of deleted and purged
 *     messages whose postings are to go. Both are indexed by a field of their rows (`first`, `conversationId`) only so
 *     that live queries see rows added (indexQueue.ts). The v9 queue's meta keys become ranges (search/moveQueueKeys.ts).
 * v11: a posting row's seqs are one Int32Array instead of an array of numbers (search/packPostingSeqs.ts), so reading
 *     and writing a row copies one buffer: no index changes.
 * v12: tombstones of incoming messages are indexed (`[conversationId+deletedIncoming+seq]`), so the unread count
 *     leaves messages deleted for everyone out; the upgrade marks the unread ones there are (markUnreadTombstones.ts).
 *     In clear, as every indexed field: which incoming messages were deleted for everyone.
 * v13: posting rows move to `postingsByChat`, keyed by conversation, block and term (IndexedDB cannot change a table's
 *     key), so one chat's block of seqs is one key range: the indexer deletes a block's rows with one request once
 *     none of the chat's messages in it is left (a purge), instead of a read and a write per row. Search finds a
 *     term's rows by the index [term+conversationId+block], as it found them by the key before. The upgrade copies
 *     the rows as they are (search/movePostingsToChatOrder.ts); what they hold is unchanged.
 */
export const SCHEMA_V1 = {
  conversations: 'id, lastActivityAt',
  messages: '++seq, [conversationId+seq], [conversationId+messageId+sender]',
  outbox: '++id, [conversationId+id], messageId',
};

export const SCHEMA_V2 = {
  ...SCHEMA_V1,
  messages: '++seq, [conversationId+seq], [conversationId+messageId+sender], [conversationId+direction+seq]',
  receipts: '[conversationId+messageId+user], [conversationId+messageId]',
};

export const SCHEMA_V3 = {
  ...SCHEMA_V2,
  drafts: 'conversationId',
};

export const SCHEMA_V4 = SCHEMA_V3;

export const SCHEMA_V5 = {
  ...SCHEMA_V4,
  messages: `${SCHEMA_V4.messages}, *terms`,
  meta: 'key',
};

export const SCHEMA_V6 = {
  ...SCHEMA_V5,
  messages: `${SCHEMA_V5.messages}, expiresAt, quotedId`,
};

export const SCHEMA_V7 = {
  ...SCHEMA_V6,
  earlyActions: '++id, [conversationId+targetMessageId], receivedAt',
};

export const SCHEMA_V8 = {
  ...SCHEMA_V7,
  fileDeletions: '++id',
};

export const SCHEMA_V9 = {
  ...SCHEMA_V8,
  messages: '++seq, [conversationId+seq], [conversationId+messageId+sender], [conversationId+direction+seq], expiresAt, quotedId',
  postings: '[term+conversationId+block]',
  messageTerms: 'seq',
};

/**
 * Fields kept in clear although no index reads them: the blind search index's seq lists and term lists — keyed
 * hashes and local seqs, which the `*terms` index before v9 kept in clear as well; sealing them would cost a
 * decryption and an encryption per posting row written — and the indexer's queues, local seqs only, written by the
 * transactions that store and delete messages, which then wait for no encryption (docs/security.md §10.2).
 */
export const CLEAR_FIELDS: ClearFields = { postings: ['seqs'], postingsByChat: ['seqs'], messageTerms: ['terms'], indexQueue: ['last'], indexRemovals: ['seqs'] };

export const SCHEMA_V10 = {
  ...SCHEMA_V9,
  indexQueue: '++id, first',
  indexRemovals: '++id, conversationId',
};

export const SCHEMA_V11 = SCHEMA_V10;

export const SCHEMA_V12 = {
  ...SCHEMA_V11,
  messages: `${SCHEMA_V11.messages}, [conversationId+deletedIncoming+seq]`,
};

export const SCHEMA_V13 = {
  ...SCHEMA_V12,
  postings: null,
  postingsByChat: '[conversationId+block+term], [term+conversationId+block]',
};

export const CURRENT_VERSION = 13;

export class ParleyDatabase extends Dexie {
  conversations!: Table<ConversationRow, string>;
  messages!: Table<MessageRow, number>;
  outbox!: Table<OutboxRow, number>;
  receipts!: Table<ReceiptRow, [string, string, string]>;
  drafts!: Table<DraftRow, string>;
  meta!: Table<MetaRow, string>;
  earlyActions!: Table<EarlyActionRow, number>;
  fileDeletions!: Table<FileDeletionRow, number>;
  postingsByChat!: Table<PostingRow, PostingKey>;
  messageTerms!: Table<MessageTermsRow, number>;
  indexQueue!: Table<IndexQueueRow, number>;
  indexRemovals!: Table<IndexRemovalRow, number>;
  /** IndexedDB below the at-rest sealing: rows as stored (atRest/clearFields.ts reads their clear fields). */
  unsealedCore: DBCore | undefined;

  /** `keys`: the history keys (main hands them over at unlock); nothing is read or written before they are there. */
  constructor(
    name: string,
    readonly historyKeys: Promise<HistoryKeys>,
  ) {
    super(name);
    const keys = historyKeys;
    this.use(sealAtRest(keys, CLEAR_FIELDS, (core) => (this.unsealedCore = core)));
    this.use(durableHistory());
    this.on('ready', () => keys.then(() => undefined));
    this.version(1).stores(SCHEMA_V1);
    this.version(2).stores(SCHEMA_V2).upgrade(upgradeToV2);
    this.version(3).stores(SCHEMA_V3);
    this.version(4).stores(SCHEMA_V4).upgrade(upgradeToV4);
    this.version(5).stores(SCHEMA_V5).upgrade((tx) => sealLegacyRows(tx, Object.keys(SCHEMA_V5)));
    this.version(6).stores(SCHEMA_V6);
    this.version(7).stores(SCHEMA_V7);
    this.version(8).stores(SCHEMA_V8);
    this.version(9).stores(SCHEMA_V9).upgrade(moveTermsToPostings);
    this.version(10).stores(SCHEMA_V10).upgrade(moveQueueKeys);
    this.version(11).stores(SCHEMA_V11).upgrade(packPostingSeqs);
    this.version(12).stores(SCHEMA_V12).upgrade(markUnreadTombstones);
    this.version(13).stores(SCHEMA_V13).upgrade(movePostingsToChatOrder);
  }

  /**
   * Seals rows for `table` before the transaction that writes them, which then waits for no encryption (the rows are
   * frozen: atRest/sealAtRest.ts).
   */
  async sealAhead(table: Table, rows: readonly object[]): Promise<void> {
    if (!this.isOpen()) await this.open();
    const core = this.unsealedCore;
    if (!core) throw new Error('the database has no core below the at-rest sealing');
    await sealRowsAhead(this.historyKeys, core.table(table.name).schema, CLEAR_FIELDS, rows as Record<string, unknown>[]);
  }
}

interface MessageV1 {
  fromMe?: boolean;
  direction?: string;
}
interface ConversationV1 {
  id: string;
  unreadCount?: number;
  lastReadSeq?: number;
}

/** v1 → v2: `fromMe` becomes `direction`; the unread counter becomes a read position before the last N incoming. */
async function upgradeToV2(tx: Transaction): Promise<void> {
  const messages = tx.table('messages');
  await messages.toCollection().modify((message: MessageV1) => {
    message.direction = message.fromMe ? 'out' : 'in';
    delete message.fromMe;
  });
  const conversations = (await tx.table('conversations').toArray()) as ConversationV1[];
  for (const conversation of conversations) {
    const unread = conversation.unreadCount ?? 0;
    const unreadSeqs = (await messages
      .where('[conversationId+direction+seq]')
      .between([conversation.id, 'in', Dexie.minKey], [conversation.id, 'in', Dexie.maxKey])
      .reverse()
      .limit(Math.max(unread, 0))
      .primaryKeys()) as number[];
    const oldestUnread = unreadSeqs[unreadSeqs.length - 1];
    const newest = (await messages
      .where('[conversationId+seq]')
      .between([conversation.id, Dexie.minKey], [conversation.id, Dexie.maxKey])
      .reverse()
      .limit(1)
      .primaryKeys()) as number[];
    const lastReadSeq = unread > 0 && oldestUnread !== undefined ? oldestUnread - 1 : (newest[0] ?? 0);
    await tx
      .table('conversations')
      .where('id')
      .equals(conversation.id)
      .modify((row: ConversationV1) => {
        row.lastReadSeq = lastReadSeq;
        delete row.unreadCount;
      });
  }
}

/** v3 → v4: receipts before the upgrade were sent as events; nothing older is owed. */
async function upgradeToV4(tx: Transaction): Promise<void> {
  const conversations = tx.table('conversations');
  for (const conversation of (await conversations.toArray()) as ConversationRow[]) {
    // The newest message bounds what was delivered (one indexed read per conversation).
    const newest = (await tx
      .table('messages')
      .where('[conversationId+seq]')
      .between([conversation.id, Dexie.minKey], [conversation.id, Dexie.maxKey])
      .reverse()
      .limit(1)
      .primaryKeys()) as number[];
    await conversations.update(conversation.id, { readReceiptsSentUpTo: conversation.lastReadSeq, deliveredReceiptsSentUpTo: newest[0] ?? 0 });
  }
}

/** One database per account, so two accounts on one machine never share history. */
export function databaseName(username: string): string {
  return `parley-${username.toLowerCase()}`;
}

export function openParleyDatabase(username: string, keys: Promise<HistoryKeys>): ParleyDatabase {
  return new ParleyDatabase(databaseName(username), keys);
}
