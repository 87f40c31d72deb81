// Receipts are state, not events: each conversation remembers how far its `read` and `delivered` receipts have
// been handed to main, and what is owed is computed from there — the read position (lastReadSeq) and the newest
// incoming message. Nothing is lost while the relay is down or the app restarts, and many reads while offline
// coalesce into receipts for the latest read position.
import Dexie from 'dexie';
import type { ParleyDatabase } from './database';
import { clearFieldsBetween } from './atRest/clearFields';
import type { ConversationRow, StoredMessage } from './rows';

/** The index of a conversation's incoming messages by seq. */
const INCOMING_BY_SEQ = ['conversationId', 'direction', 'seq'];

export type ReceiptKind = 'delivered' | 'read';

/** The next receipt a conversation owes: these incoming messages, up to and including `upToSeq`. */
export interface OwedReceipt {
  conversationId: string;
  kind: ReceiptKind;
  messageIds: string[];
  upToSeq: number;
}

function sentUpTo(conversation: ConversationRow, kind: ReceiptKind): number {
  const read = conversation.readReceiptsSentUpTo ?? 0;
  // A read receipt also says "delivered": nothing before the read receipts needs a delivered one.
  return kind === 'read' ? read : Math.max(conversation.deliveredReceiptsSentUpTo ?? 0, read);
}

async function newestIncomingSeq(db: ParleyDatabase, conversationId: string): Promise<number> {
  const keys = (await db.messages
    .where('[conversationId+direction+seq]')
    .between([conversationId, 'in', Dexie.minKey], [conversationId, 'in', Dexie.maxKey])
    .reverse()
    .limit(1)
    .keys()) as unknown as [string, string, number][];
  return keys[0]?.[2] ?? 0;
}

/** The next receipt owed in this conversation (read first), at most `limit` message ids; null when none. */
export async function nextOwedReceipt(db: ParleyDatabase, conversationId: string, limit: number): Promise<OwedReceipt | null> {
  const owed = await db.transaction('r', db.conversations, db.messages, async () => {
    const conversation = await db.conversations.get(conversationId);
    if (!conversation) return null;
    const targets: [ReceiptKind, number][] = [
      ['read', conversation.lastReadSeq],
      ['delivered', await newestIncomingSeq(db, conversationId)],
    ];
    for (const [kind, target] of targets) {
      const from = sentUpTo(conversation, kind);
      if (target > from) return { kind, from, target };
    }
    return null;
  });
  if (!owed) return null;
  const { kind, from, target } = owed;
  // Ids and seqs are clear fields: read without opening the rows (a catch-up owes a receipt for thousands of them).
  // Rows come only with higher seqs, so what lies up to `target` is what the positions above saw.
  const rows = (await clearFieldsBetween(db, 'messages', INCOMING_BY_SEQ, [conversationId, 'in', from], [conversationId, 'in', target], limit)) as Pick<
    StoredMessage,
    'messageId' | 'seq'
  >[];
  const upToSeq = rows.length === limit ? (rows[rows.length - 1]?.seq ?? target) : target;
  return { conversationId, kind, messageIds: rows.map((row) => row.messageId), upToSeq };
}

/** Main has taken this receipt: the conversation's position moves forward (never back). */
export async function recordReceiptHandedOver(db: ParleyDatabase, receipt: Pick<OwedReceipt, 'conversationId' | 'kind' | 'upToSeq'>): Promise<void> {
  const field = receipt.kind === 'read' ? 'readReceiptsSentUpTo' : 'deliveredReceiptsSentUpTo';
  await db.conversations
    .where('id')
    .equals(receipt.conversationId)
    .modify((row) => {
      if (receipt.upToSeq > (row[field] ?? 0)) row[field] = receipt.upToSeq;
    });
}

/** Conversations that owe a receipt now (one indexed read per conversation: run at start and on reconnect). */
export async function conversationsOwingReceipts(db: ParleyDatabase): Promise<string[]> {
  const owing: string[] = [];
  for (const conversation of await db.conversations.toArray()) {
    if (conversation.lastReadSeq > sentUpTo(conversation, 'read')) owing.push(conversation.id);
    else if ((await newestIncomingSeq(db, conversation.id)) > sentUpTo(conversation, 'delivered')) owing.push(conversation.id);
  }
  return owing;
}
