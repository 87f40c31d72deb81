// Message actions on stored rows — reactions, edits, deletes — whether this user took them (applied at once and
// queued in the outbox, in the conversation's order) or a peer's arrived (applied when the rules allow). The core
// checked what it can without history (an action's time against the relay's, group admins); the checks that need
// the target are here: a target is looked up by conversation, id AND author, so only the author can edit or delete
// a message; edits and deletes only within the window; a deleted message takes no more actions; older changes never
// overwrite newer ones. An edit queues the message for the search indexer, a delete queues its removal from the
// index (search/indexQueue.ts) — search confirms every hit on the live row, so no old word finds it meanwhile. An
// action whose target
// is not here (yet) says so, and storeReceived keeps it for when the target arrives (earlyActions.ts).
import Dexie from 'dexie';
import { ulid } from 'ulid';
import { withinEditWindow } from '../../shared/conversations/messageRules';
import type { ReceivedMessage } from '../../shared/ipc';
import { InputError } from '../errors';
import type { ParleyDatabase } from './database';
import { goneMessageOf, noteFileDeletions } from './fileDeletions';
import { validateBody } from './outgoing';
import { tombstoneMarks, type ActionContent, type MessageRow, type StoredMessage } from './rows';
import { queueForIndexing, queueForRemoval } from './search/indexQueue';

type Received<K extends ActionContent['kind']> = ReceivedMessage & { content: Extract<ActionContent, { kind: K }> };

async function findMessage(db: ParleyDatabase, conversationId: string, messageId: string, author: string): Promise<StoredMessage | undefined> {
  return (await db.messages.where('[conversationId+messageId+sender]').equals([conversationId, messageId, author]).first()) as StoredMessage | undefined;
}

/** The time a message's edit window starts from: what it claimed, but never later than when it arrived here. */
function windowStart(message: MessageRow): number {
  return Math.min(message.timestamp, message.receivedAt ?? message.timestamp);
}

/** Whether a peer's edit or delete made at `at` may change this message of theirs. */
function changeable(message: StoredMessage | undefined, at: number): message is StoredMessage {
  return message !== undefined && !message.deleted && message.direction !== 'system' && withinEditWindow(windowStart(message), at);
}

/** Whether this user may still edit (or delete for everyone) this message now. */
export function canChangeForEveryone(message: MessageRow, me: string, now = Date.now()): boolean {
  return message.direction === 'out' && message.sender === me && !message.deleted && message.notice === undefined && withinEditWindow(windowStart(message), now);
}

/** A row with its content gone: what "deleted for everyone" keeps (who, when, where, and that it was deleted). */
function tombstone(message: StoredMessage): StoredMessage {
  const { seq, conversationId, messageId, sender, direction, timestamp, sentAt, receivedAt, expiresAt } = message;
  return {
    seq,
    conversationId,
    messageId,
    sender,
    direction,
    body: '',
    timestamp,
    ...tombstoneMarks(direction),
    ...(sentAt === undefined ? {} : { sentAt }),
    ...(receivedAt === undefined ? {} : { receivedAt }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

/** Replies keep who they answered, not what was said: the snippets quoting these messages are emptied. */
export async function forgetQuotesOf(db: ParleyDatabase, conversationId: string, messageIds: readonly string[]): Promise<void> {
  if (messageIds.length === 0) return;
  await db.messages
    .where('quotedId')
    .anyOf([...messageIds])
    .modify((row: MessageRow) => {
      if (row.conversationId === conversationId && row.quote) row.quote = { ...row.quote, text: '' };
    });
}

/**
 * Replies stored after the message they quote was deleted for everyone here (sent before the delete reached their
 * writer) keep no snippet of it either. Scope: messages.
 */
export async function forgetQuotesOfDeleted(db: ParleyDatabase, replies: readonly MessageRow[]): Promise<void> {
  for (const reply of replies) {
    if (!reply.quote?.text) continue;
    const original = await findMessage(db, reply.conversationId, reply.quote.messageId, reply.quote.author);
    if (original?.deleted) await forgetQuotesOf(db, reply.conversationId, [reply.quote.messageId]);
  }
}

function withReaction(message: StoredMessage, user: string, emoji: string, remove: boolean, at: number): StoredMessage | undefined {
  const current = message.reactions?.[user];
  if (current && current.at > at) return undefined;
  const reactions = { ...message.reactions };
  if (remove) {
    if (!current || current.emoji !== emoji) return undefined;
    delete reactions[user];
  } else {
    reactions[user] = { emoji, at };
  }
  return { ...message, reactions };
}

/** Writes an edited row, queued for the search indexer to index its new text instead of the old. Scope: messages, indexQueue. */
async function putEdited(db: ParleyDatabase, row: StoredMessage): Promise<void> {
  await db.messages.put(row);
  await queueForIndexing(db, [row.seq]);
}

/** A deleted message's words are queued to leave the search index. Scope: indexRemovals. */
async function forgetTermsOf(db: ParleyDatabase, message: StoredMessage): Promise<void> {
  await queueForRemoval(db, [message]);
}

/** A deleted message's files are noted for main to delete (fileDeletions.ts), in the deleting transaction. */
async function forgetFilesOf(db: ParleyDatabase, message: StoredMessage): Promise<void> {
  const gone = goneMessageOf(message);
  if (gone) await noteFileDeletions(db, [gone]);
}

// ── from peers ───────────────────────────────────────────────────────────────

/** What a received action did: changed its target, was refused by the rules, or found no target (yet). */
export type ActionOutcome = 'applied' | 'refused' | 'no_target';

/**
 * Applies a received reaction, edit or delete. Runs in storeReceived's transaction (which includes `indexQueue` and
 * `indexRemovals`, for the search index, and `fileDeletions`, for a deleted message's files).
 */
export async function applyReceivedAction(db: ParleyDatabase, message: ReceivedMessage): Promise<ActionOutcome> {
  switch (message.content.kind) {
    case 'reaction':
      return applyReaction(db, message as Received<'reaction'>);
    case 'edit':
      return applyEdit(db, message as Received<'edit'>);
    case 'delete':
      return applyDelete(db, message as Received<'delete'>);
    default:
      return 'refused';
  }
}

async function applyReaction(db: ParleyDatabase, message: Received<'reaction'>): Promise<ActionOutcome> {
  const { targetMessageId, targetAuthor, emoji, remove } = message.content;
  const target = await findMessage(db, message.conversationId, targetMessageId, targetAuthor);
  if (!target) return 'no_target';
  if (target.deleted || target.direction === 'system') return 'refused';
  const next = withReaction(target, message.sender.user, emoji, remove, message.sentAt);
  if (!next) return 'refused';
  await db.messages.put(next);
  return 'applied';
}

async function applyEdit(db: ParleyDatabase, message: Received<'edit'>): Promise<ActionOutcome> {
  const target = await findMessage(db, message.conversationId, message.content.targetMessageId, message.sender.user);
  if (!target) return 'no_target';
  if (!changeable(target, message.sentAt) || target.notice !== undefined) return 'refused';
  if (target.editedAt !== undefined && target.editedAt >= message.sentAt) return 'refused';
  await putEdited(db, { ...target, body: message.content.body, editedAt: message.sentAt });
  return 'applied';
}

async function applyDelete(db: ParleyDatabase, message: Received<'delete'>): Promise<ActionOutcome> {
  const target = await findMessage(db, message.conversationId, message.content.targetMessageId, message.sender.user);
  if (!target) return 'no_target';
  if (!changeable(target, message.sentAt)) return 'refused';
  await db.messages.put(tombstone(target));
  await forgetTermsOf(db, target);
  await forgetQuotesOf(db, message.conversationId, [target.messageId]);
  await forgetFilesOf(db, target);
  return 'applied';
}

// ── this user's own ──────────────────────────────────────────────────────────

async function queueAction(db: ParleyDatabase, target: StoredMessage, action: ActionContent, now: number): Promise<void> {
  await db.outbox.add({ conversationId: target.conversationId, messageId: ulid(now), messageSeq: target.seq, attempts: 0, nextAttemptAt: now, action });
}

/** Reacts with `emoji`, or takes this user's reaction back when it is the same emoji (a toggle). */
export async function toggleReaction(db: ParleyDatabase, me: string, target: StoredMessage, emoji: string, now = Date.now()): Promise<void> {
  await db.transaction('rw', db.messages, db.outbox, async () => {
    const current = await db.messages.get(target.seq);
    if (!current || current.deleted || current.direction === 'system') return;
    const remove = current.reactions?.[me]?.emoji === emoji;
    const next = withReaction(current as StoredMessage, me, emoji, remove, now);
    if (!next) return;
    await db.messages.put(next);
    await queueAction(db, next, { kind: 'reaction', targetMessageId: current.messageId, targetAuthor: current.sender, emoji, remove }, now);
  });
}

/** Replaces the text of this user's own message everywhere (here at once, elsewhere through the outbox). */
export async function editMessage(db: ParleyDatabase, me: string, target: StoredMessage, body: string, now = Date.now()): Promise<void> {
  validateBody(body);
  await db.transaction('rw', [db.messages, db.outbox, db.indexQueue], async () => {
    const current = (await db.messages.get(target.seq)) as StoredMessage | undefined;
    if (!current || !canChangeForEveryone(current, me, now)) throw new InputError('not_editable', 'This message can no longer be edited.');
    if (current.body === body) return;
    // Not sent yet: the outbox sends the new text in the original itself, no edit needed.
    if (current.status === 'queued') {
      await putEdited(db, { ...current, body });
      return;
    }
    await putEdited(db, { ...current, body, editedAt: now });
    await queueAction(db, current, { kind: 'edit', targetMessageId: current.messageId, body }, now);
  });
}

/**
 * Deletes a message. For this user only: the row is gone from this device. For everyone (own messages, within the
 * window): the row becomes a tombstone here and a delete goes to the others; a message never sent is just dropped
 * from the outbox. Either way its files are noted for main to delete (sent or not).
 */
export async function deleteMessage(db: ParleyDatabase, me: string, target: StoredMessage, forEveryone: boolean, now = Date.now()): Promise<void> {
  await db.transaction('rw', [db.messages, db.outbox, db.fileDeletions, db.indexRemovals], async () => {
    const current = (await db.messages.get(target.seq)) as StoredMessage | undefined;
    if (!current) return;
    const unsent = await db.outbox.where('messageId').equals(current.messageId).filter((row) => row.action === undefined).primaryKeys();
    await db.outbox.bulkDelete(unsent);
    // Given up before it went out: this user's other devices may show it as being sent from here (their history).
    if (current.direction === 'out' && current.status === 'queued') {
      await queueAction(db, current, { kind: 'unsent', messageIds: [current.messageId], reason: 'deleted' }, now);
    }
    if (!forEveryone) {
      await db.messages.delete(current.seq);
      await forgetTermsOf(db, current);
      await forgetQuotesOf(db, current.conversationId, [current.messageId]);
      await forgetFilesOf(db, current);
      return;
    }
    if (!canChangeForEveryone(current, me, now)) throw new InputError('not_deletable', 'This message can no longer be deleted for everyone.');
    await db.messages.put(tombstone(current));
    await forgetTermsOf(db, current);
    await forgetQuotesOf(db, current.conversationId, [current.messageId]);
    await forgetFilesOf(db, current);
    if (current.status !== 'queued' && current.status !== 'failed') {
      await queueAction(db, current, { kind: 'delete', targetMessageId: current.messageId }, now);
    }
  });
}

/** The newest own message of a conversation that can still be edited (Up-arrow in an empty composer). */
export async function lastEditableMessage(db: ParleyDatabase, conversationId: string, me: string, now = Date.now()): Promise<StoredMessage | undefined> {
  const recent = (await db.messages
    .where('[conversationId+direction+seq]')
    .between([conversationId, 'out', Dexie.minKey], [conversationId, 'out', Dexie.maxKey])
    .reverse()
    .limit(20)
    .toArray()) as StoredMessage[];
  return recent.find((message) => canChangeForEveryone(message, me, now));
}
