// Storing what main decrypted, in one transaction per batch, deduplicated by conversation + message id + sender
// so a redelivery (after a crash before commit, or pending + event) never shows twice. Typing notices are
// never stored: they are handed back for the UI's transient state.
import type { ReceivedMessage } from '../../shared/ipc';
import type { ParleyDatabase } from './database';
import { conversationKind } from './conversations';
import { advanceStatus, type MessageRow, type ReceiptRow } from './rows';

export interface StoreOutcome {
  /** Incoming text messages stored now (not duplicates), to acknowledge with `delivered` receipts. */
  stored: ReceivedMessage[];
  typing: ReceivedMessage[];
  /** Some group changed; the groups list should be refreshed. */
  groupsChanged: boolean;
}

/** Titles for conversations first seen in this batch (the username, or the group's name when known). */
export type TitleOf = (conversationId: string) => string;

export async function storeReceived(
  db: ParleyDatabase,
  batch: readonly ReceivedMessage[],
  me: string,
  titleOf: TitleOf,
): Promise<StoreOutcome> {
  const outcome: StoreOutcome = { stored: [], typing: [], groupsChanged: false };
  await db.transaction('rw', [db.messages, db.conversations, db.receipts, db.outbox], async () => {
    for (const message of batch) {
      switch (message.content.kind) {
        case 'typing':
          outcome.typing.push(message);
          break;
        case 'receipt':
          await applyReceipt(db, message, me);
          break;
        case 'text':
          if (await storeRow(db, message, me, titleOf, { body: message.content.body, replyTo: message.content.replyTo })) {
            if (message.sender.user !== me) outcome.stored.push(message);
          }
          break;
        case 'group_update':
          outcome.groupsChanged = true;
          await storeRow(db, message, me, titleOf, { direction: 'system', body: '', update: message.content.update });
          if (message.content.update.kind === 'created' || message.content.update.kind === 'renamed') {
            await db.conversations.update(message.conversationId, { title: message.content.update.name });
          }
          break;
      }
    }
  });
  return outcome;
}

async function isDuplicate(db: ParleyDatabase, message: ReceivedMessage): Promise<boolean> {
  const existing = await db.messages
    .where('[conversationId+messageId+sender]')
    .equals([message.conversationId, message.messageId, message.sender.user])
    .count();
  return existing > 0;
}

/** Adds the row unless it is a duplicate; returns whether it was added. */
async function storeRow(
  db: ParleyDatabase,
  message: ReceivedMessage,
  me: string,
  titleOf: TitleOf,
  fields: Partial<MessageRow>,
): Promise<boolean> {
  if (await isDuplicate(db, message)) return false;
  const own = message.sender.user === me;
  const row: MessageRow = {
    conversationId: message.conversationId,
    messageId: message.messageId,
    sender: message.sender.user,
    direction: own ? 'out' : 'in',
    body: '',
    timestamp: message.sentAt,
    ...(own ? { status: 'sent' as const, sentAt: message.sentAt } : {}),
    ...fields,
  };
  const seq = await db.messages.add(row);
  // What this user wrote on another device, they have read up to there.
  const readUpTo = own ? seq : 0;
  const conversation = await db.conversations.get(message.conversationId);
  if (!conversation) {
    await db.conversations.add({
      id: message.conversationId,
      kind: conversationKind(message.conversationId),
      title: titleOf(message.conversationId),
      lastActivityAt: message.receivedAt,
      lastReadSeq: readUpTo,
      createdAt: message.receivedAt,
    });
  } else if (message.receivedAt > conversation.lastActivityAt || readUpTo > conversation.lastReadSeq) {
    await db.conversations.update(conversation.id, {
      lastActivityAt: Math.max(conversation.lastActivityAt, message.receivedAt),
      lastReadSeq: Math.max(conversation.lastReadSeq, readUpTo),
    });
  }
  return true;
}

/** A receipt moves the named own messages forward (never back) and records who confirmed them. */
async function applyReceipt(db: ParleyDatabase, message: ReceivedMessage, me: string): Promise<void> {
  if (message.content.kind !== 'receipt') return;
  const kind = message.content.receipt;
  for (const messageId of message.content.messageIds) {
    const key: [string, string, string] = [message.conversationId, messageId, message.sender.user];
    const previous = await db.receipts.get(key);
    if (!previous || (previous.kind === 'delivered' && kind === 'read')) {
      const receipt: ReceiptRow = { conversationId: message.conversationId, messageId, user: message.sender.user, kind, at: message.sentAt };
      await db.receipts.put(receipt);
    }
    const own = await db.messages.where('[conversationId+messageId+sender]').equals([message.conversationId, messageId, me]).first();
    if (!own?.seq) continue;
    const status = advanceStatus(own.status, kind);
    if (status !== own.status) await db.messages.update(own.seq, { status, failure: undefined });
    // The recipient has it: a copy still waiting in the outbox (a crash after the relay accepted it) need not go.
    if (own.status === 'queued' || own.status === 'failed') await db.outbox.where('messageId').equals(messageId).delete();
  }
}
