// What the composer does with a message: validate it, then write the message row and its outbox row in one
// transaction, before anything else happens (docs/architecture.md, "How data flows": Send). Sending is the outbox worker's job.
import { ulid } from 'ulid';
import { quoteSnippet } from '../../shared/conversations/messageRules';
import { MAX_ATTACHMENTS_PER_MESSAGE, MAX_BODY_CHARS, type AttachmentView, type Quote } from '../../shared/ipc';
import { InputError } from '../errors';
import type { ParleyDatabase } from './database';
import { queueForIndexing } from './search/indexQueue';
import { conversationKind } from './conversations';
import type { MessageRow, StoredMessage } from './rows';
import { isFailedElsewhere } from './unsentElsewhere';

/** Checks a draft the way main will; throws InputError with a hint the composer shows. */
export function validateBody(body: string): string {
  if (body.trim().length === 0) throw new InputError('empty_message', 'Type a message first — empty messages are not sent.');
  if (body.length > MAX_BODY_CHARS) {
    throw new InputError('message_too_long', `Messages are at most ${MAX_BODY_CHARS.toLocaleString('en')} characters (this one has ${body.length.toLocaleString('en')}).`);
  }
  return body;
}

export interface QueueTextOptions {
  conversationId: string;
  body: string;
  /** The message this one replies to. */
  replyTo?: StoredMessage;
  /** It is a forward of a message from another chat. */
  forwarded?: true;
  /** This account's username. */
  me: string;
  now?: number;
  messageId?: string;
}

export async function queueTextMessage(db: ParleyDatabase, options: QueueTextOptions): Promise<StoredMessage> {
  return queueMessage(db, options, { body: validateBody(options.body) });
}

export interface QueueMediaOptions extends Omit<QueueTextOptions, 'body'> {
  /** The message's text; may be empty. */
  caption: string;
  /** Files staged with main (their uploads may still be running: the message goes once they are done). */
  attachments: AttachmentView[];
}

/** One message with one or more files and an optional caption. */
export async function queueMediaMessage(db: ParleyDatabase, options: QueueMediaOptions): Promise<StoredMessage> {
  if (options.attachments.length === 0) throw new InputError('no_files', 'Add a file first.');
  if (options.attachments.length > MAX_ATTACHMENTS_PER_MESSAGE) {
    throw new InputError('too_many_files', `A message holds at most ${MAX_ATTACHMENTS_PER_MESSAGE} files (this one has ${options.attachments.length}).`);
  }
  if (options.caption.length > MAX_BODY_CHARS) {
    throw new InputError('message_too_long', `Captions are at most ${MAX_BODY_CHARS.toLocaleString('en')} characters (this one has ${options.caption.length.toLocaleString('en')}).`);
  }
  return queueMessage(db, options, { body: options.caption, attachments: options.attachments });
}

/**
 * Writes the message row and its outbox row in one transaction (and creates the conversation if it is new), and
 * queues a text for the search indexer, which indexes it after the send (search/indexQueue.ts).
 */
async function queueMessage(db: ParleyDatabase, options: Omit<QueueTextOptions, 'body'>, content: Pick<MessageRow, 'body' | 'attachments'>): Promise<StoredMessage> {
  const now = options.now ?? Date.now();
  const messageId = options.messageId ?? ulid(now);
  const replyTo = options.replyTo;
  return db.transaction('rw', [db.messages, db.outbox, db.conversations, db.indexQueue], async () => {
    const quote = replyTo ? await quoteOf(db, replyTo) : undefined;
    const conversation = await db.conversations.get(options.conversationId);
    const timer = conversation?.expireTimerSeconds ?? 0;
    const row: MessageRow = {
      conversationId: options.conversationId,
      messageId,
      sender: options.me,
      direction: 'out' as const,
      ...content,
      timestamp: now,
      status: 'queued' as const,
      ...(quote ? { quote, quotedId: quote.messageId } : {}),
      ...(options.forwarded ? { forwarded: true as const } : {}),
      ...(timer > 0 ? { expireTimerSeconds: timer, expiresAt: now + timer * 1000 } : {}),
    };
    const seq = await db.messages.add(row);
    await db.outbox.add({ conversationId: options.conversationId, messageId, messageSeq: seq, attempts: 0, nextAttemptAt: now });
    if (row.body) await queueForIndexing(db, [seq]);
    if (conversation) {
      if (now > conversation.lastActivityAt) await db.conversations.update(conversation.id, { lastActivityAt: now });
    } else {
      const title = options.conversationId.replace(/^(dm|group):/, '');
      await db.conversations.add({ id: options.conversationId, kind: conversationKind(options.conversationId), title, lastActivityAt: now, lastReadSeq: 0, createdAt: now });
    }
    return { ...row, seq };
  });
}

/**
 * The quote of a reply, from the original as it is stored now: it may have been edited, or deleted for everyone,
 * since the reply was begun. A deleted (or no longer stored) original leaves who was answered, not what they said.
 */
async function quoteOf(db: ParleyDatabase, replyTo: StoredMessage): Promise<Quote | undefined> {
  if (replyTo.deleted) return undefined;
  const original = await db.messages.get(replyTo.seq);
  const text = original && !original.deleted && original.messageId === replyTo.messageId ? quoteSnippet(original.body) : '';
  return { messageId: replyTo.messageId, author: replyTo.sender, text };
}

/** Puts a failed message back at the end of its conversation's queue, with the same message id. */
export async function requeueMessage(db: ParleyDatabase, seq: number, now = Date.now()): Promise<boolean> {
  return db.transaction('rw', db.messages, db.outbox, async () => {
    const message = await db.messages.get(seq);
    if (!message || message.direction !== 'out' || message.status !== 'failed' || isFailedElsewhere(message)) return false;
    await db.messages.update(seq, { status: 'queued', failure: undefined });
    await db.outbox.add({ conversationId: message.conversationId, messageId: message.messageId, messageSeq: seq, attempts: 0, nextAttemptAt: now });
    return true;
  });
}
