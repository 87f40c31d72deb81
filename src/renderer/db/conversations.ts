// Conversations in IndexedDB: creating them on first contact, activity order, read position and unread counts.
// Unread counts are counted through an index from the read position, never kept as an in-memory guess.
import Dexie from 'dexie';
import { pinnedFirst } from './chatOrganisation';
import type { ParleyDatabase } from './database';
import type { ConversationRow, StoredMessage } from './rows';

export function conversationKind(conversationId: string): ConversationRow['kind'] {
  return conversationId.startsWith('group:') ? 'group' : 'dm';
}

export function dmConversationId(username: string): string {
  return `dm:${username.toLowerCase()}`;
}

export function groupConversationId(groupId: string): string {
  return `group:${groupId}`;
}

/** The username of a one-to-one chat, or null for a group. */
export function dmPeer(conversationId: string): string | null {
  return conversationId.startsWith('dm:') ? conversationId.slice(3) : null;
}

export function groupIdOf(conversationId: string): string | null {
  return conversationId.startsWith('group:') ? conversationId.slice(6) : null;
}

/** Creates the conversation if it does not exist; keeps an existing one as it is (except an empty title). */
export async function ensureConversation(db: ParleyDatabase, id: string, title: string, now: number): Promise<ConversationRow> {
  // One transaction: the receive pipeline may be adding the same conversation right now.
  return db.transaction('rw', db.conversations, async () => {
    const existing = await db.conversations.get(id);
    if (existing) return existing;
    const row: ConversationRow = { id, kind: conversationKind(id), title, lastActivityAt: now, lastReadSeq: 0, createdAt: now };
    await db.conversations.add(row);
    return row;
  });
}

export async function setConversationTitle(db: ParleyDatabase, id: string, title: string): Promise<void> {
  await db.conversations.update(id, { title });
}

/**
 * Incoming messages after the read position, but those deleted for everyone (their tombstones stay incoming rows):
 * two index counts.
 */
export async function countUnread(db: ParleyDatabase, conversationId: string, lastReadSeq: number): Promise<number> {
  const [incoming, deleted] = await Promise.all([
    db.messages.where('[conversationId+direction+seq]').between([conversationId, 'in', lastReadSeq], [conversationId, 'in', Dexie.maxKey], false, true).count(),
    db.messages.where('[conversationId+deletedIncoming+seq]').between([conversationId, 1, lastReadSeq], [conversationId, 1, Dexie.maxKey], false, true).count(),
  ]);
  return incoming - deleted;
}

/**
 * Moves the read position forward to `upToSeq` and returns the incoming messages that became read (for read
 * receipts). Never moves it back. Disappearing messages among them start their timer now.
 */
export async function markReadUpTo(db: ParleyDatabase, conversationId: string, upToSeq: number, now = Date.now()): Promise<StoredMessage[]> {
  return db.transaction('rw', db.conversations, db.messages, async () => {
    const conversation = await db.conversations.get(conversationId);
    if (!conversation || upToSeq <= conversation.lastReadSeq) return [];
    const newlyRead = (await db.messages
      .where('[conversationId+direction+seq]')
      .between([conversationId, 'in', conversation.lastReadSeq], [conversationId, 'in', upToSeq], false, true)
      .toArray()) as StoredMessage[];
    await db.conversations.update(conversationId, { lastReadSeq: upToSeq });
    const timed = newlyRead.filter((message) => message.expireTimerSeconds && message.expiresAt === undefined);
    if (timed.length > 0) await db.messages.bulkPut(timed.map((message) => ({ ...message, expiresAt: now + (message.expireTimerSeconds ?? 0) * 1000 })));
    return newlyRead;
  });
}

export interface ChatSummary {
  conversation: ConversationRow;
  lastMessage: StoredMessage | null;
  unread: number;
  /** An unread message in it mentions this user. */
  mentioned: boolean;
}

/**
 * The chat list: every conversation, pinned ones first, each part by activity (newest first), each with its newest
 * message, unread count and whether an unread message mentions this user. Archived ones are included (marked).
 *
 * One read transaction, whatever the number of chats (it reruns on every stored receive batch): the newest rows are
 * found by key and read together, so they are opened in one go. Being one transaction, no write that was not already
 * waiting when it began can come between its steps; such a write makes a live query drop its answer and ask again, and
 * with one transaction per step a catch-up's batches could keep the list empty until the end.
 */
export async function listChatSummaries(db: ParleyDatabase): Promise<ChatSummary[]> {
  const summaries = await db.transaction('r', db.conversations, db.messages, async () => {
    const conversations = await db.conversations.orderBy('lastActivityAt').reverse().toArray();
    const [newestSeqs, unread] = await Promise.all([
      Promise.all(conversations.map((conversation) => newestSeq(db, conversation.id))),
      Promise.all(conversations.map((conversation) => countUnread(db, conversation.id, conversation.lastReadSeq))),
    ]);
    const present = newestSeqs.filter((seq): seq is number => seq !== undefined);
    const newest = new Map(((await db.messages.bulkGet(present)) as (StoredMessage | undefined)[]).map((row, index) => [present[index]!, row]));
    return conversations.map((conversation, index) => {
      const seq = newestSeqs[index];
      return {
        conversation,
        lastMessage: (seq === undefined ? undefined : newest.get(seq)) ?? null,
        unread: unread[index]!,
        // History brought along sits at negative seqs: no mark at all is not "a mark at 0".
        mentioned: conversation.lastMentionSeq !== undefined && conversation.lastMentionSeq > conversation.lastReadSeq,
      };
    });
  });
  return pinnedFirst(summaries);
}

/** The seq of a conversation's newest row (by key: nothing is opened). */
async function newestSeq(db: ParleyDatabase, conversationId: string): Promise<number | undefined> {
  const [seq] = (await db.messages
    .where('[conversationId+seq]')
    .between([conversationId, Dexie.minKey], [conversationId, Dexie.maxKey])
    .reverse()
    .limit(1)
    .primaryKeys()) as number[];
  return seq;
}
