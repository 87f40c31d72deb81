// Storing what main decrypted, in one transaction per batch, deduplicated by conversation + message id + sender
// so a redelivery (after a crash before commit, or pending + event) never shows twice. Typing notices are
// never stored: they are handed back for the UI's transient state. Reactions, edits and deletes change the rows
// they name (db/actions.ts) — or, when it is not here yet, wait for it (db/earlyActions.ts) and are applied in the
// transaction that stores it; a timer change is a system row and the conversation's new timer. A group message
// mentioning this user moves the conversation's `lastMentionSeq`; a message from someone else unarchives the chat
// unless it is muted.
import { mentionsUser } from '../../shared/conversations/mentions';
import { isMuted } from '../../shared/notifications/notificationPolicy';
import type { ReceivedMessage } from '../../shared/ipc';
import type { ParleyDatabase } from './database';
import { applyReceivedAction, forgetQuotesOfDeleted } from './actions';
import { keepEarlyAction, takeEarlyActions, type EarlyAction, type EarlyUnsent } from './earlyActions';
import { applyReadElsewhere } from './readElsewhere';
import { applyUnsentNotice } from './unsentElsewhere';
import { conversationKind } from './conversations';
import { queueForIndexing } from './search/indexQueue';
import { advanceStatus, type ConversationRow, type MessageRow, type ReceiptRow, type StoredMessage } from './rows';

export interface StoreOutcome {
  /** Incoming messages stored now (not duplicates), to acknowledge with `delivered` receipts. */
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
  return writeReceived(db, await prepareReceived(db, batch, me), titleOf);
}

/** A batch made ready to store: its rows made and sealed. Nothing of it is in IndexedDB. */
export interface PreparedBatch {
  readonly batch: readonly ReceivedMessage[];
  readonly me: string;
  readonly rows: ReadonlyMap<ReceivedMessage, MessageRow>;
}

/**
 * The part of storing that reads nothing stored: it can run for the next batch while this one's transaction commits
 * (sync/ReceiveWorker.ts). A message's row depends on nothing else, so rows are made and sealed before the
 * transaction, which only writes them.
 */
export async function prepareReceived(db: ParleyDatabase, batch: readonly ReceivedMessage[], me: string): Promise<PreparedBatch> {
  const rows = new Map<ReceivedMessage, MessageRow>();
  for (const message of batch) {
    const fields = rowFields(message, me);
    if (fields) rows.set(message, messageRow(message, me, fields));
  }
  await db.sealAhead(db.messages, [...rows.values()]);
  return { batch, me, rows };
}

/** Stores a prepared batch in one transaction; after a failed one it can be written again (nothing of it changes). */
export async function writeReceived(db: ParleyDatabase, prepared: PreparedBatch, titleOf: TitleOf): Promise<StoreOutcome> {
  const { batch, me, rows } = prepared;
  const outcome: StoreOutcome = { stored: [], typing: [], groupsChanged: false };
  // The search index is not among them: what is stored, edited or deleted here is only queued for the indexer
  // (search/indexQueue.ts), one small row per write.
  const tables = [db.messages, db.conversations, db.receipts, db.outbox, db.meta, db.earlyActions, db.fileDeletions, db.indexQueue, db.indexRemovals];
  await db.transaction('rw', tables, async () => {
    const writer = await BatchWriter.open(db, batch, me, titleOf);
    for (const message of batch) {
      switch (message.content.kind) {
        case 'typing':
          outcome.typing.push(message);
          break;
        case 'receipt':
          // It may name rows of this batch: those are written first.
          await writer.flush();
          // This user's own read receipt comes from another of their devices: read there, so read here.
          if (message.sender.user === me) {
            if (message.content.receipt === 'read') await applyReadElsewhere(db, message.conversationId, message.content.messageIds, me);
          } else {
            await applyReceipt(db, message, me);
          }
          break;
        case 'unsent':
          // Own messages another device of this user's will not send (main takes the notice only from those).
          await writer.flush();
          if (message.sender.user === me) await applyUnsentNotice(db, message as EarlyUnsent, me, true);
          break;
        case 'text':
          writer.followTimer(message);
          if (writer.add(message, rows.get(message)!) && message.sender.user !== me) outcome.stored.push(message);
          break;
        case 'reaction':
        case 'edit':
        case 'delete':
          // It may name rows of this batch: those are written first.
          await writer.flush();
          await applyAction(db, writer, message as EarlyAction, true);
          break;
        case 'expiry_timer':
          if (writer.add(message, rows.get(message)!)) {
            writer.setTimer(message.conversationId, message.content.seconds, message.sentAt);
          }
          break;
        case 'media':
          writer.followTimer(message);
          if (writer.add(message, rows.get(message)!) && message.sender.user !== me) outcome.stored.push(message);
          break;
        case 'unsupported':
          // It was delivered (and kept): the sender's tick may say so.
          if (writer.add(message, rows.get(message)!) && message.sender.user !== me) outcome.stored.push(message);
          break;
        case 'unreadable':
          writer.add(message, rows.get(message)!);
          break;
        case 'group_update':
          outcome.groupsChanged = true;
          writer.add(message, rows.get(message)!);
          if (message.content.update.kind === 'created' || message.content.update.kind === 'renamed') {
            writer.retitle(message.conversationId, message.content.update.name);
          }
          break;
      }
    }
    await writer.flush();
    // Actions that came before the messages just stored.
    for (const kept of await takeEarlyActions(db, writer.takeAdded())) {
      if (kept.content.kind === 'unsent') await applyUnsentNotice(db, kept as EarlyUnsent, me, false);
      else if ((await applyAction(db, writer, kept as EarlyAction, false)) && kept.content.kind !== 'reaction') settleNotified(outcome, kept as EarlyAction);
    }
    await writer.flush();
    await forgetQuotesOfDeleted(db, [...rows.values()]);
  });
  return outcome;
}

/** Applies a received action; keeps it for later when its target is not here yet and `keepEarly`. */
async function applyAction(db: ParleyDatabase, writer: BatchWriter, action: EarlyAction, keepEarly: boolean): Promise<boolean> {
  const result = await applyReceivedAction(db, action);
  if (result === 'no_target' && keepEarly) await keepEarlyAction(db, action);
  if (result !== 'applied') return false;
  if (action.content.kind !== 'reaction') await writer.followMention(action.conversationId, action.content.targetMessageId, action.sender.user);
  return true;
}

/** The fields of the row a message becomes, beyond those every row has; null for kinds that are not stored as rows. */
function rowFields(message: ReceivedMessage, me: string): Partial<MessageRow> | null {
  const { content } = message;
  switch (content.kind) {
    case 'text':
      return {
        body: content.body,
        ...(content.quote ? { quote: content.quote, quotedId: content.quote.messageId } : {}),
        ...(content.forwarded ? { forwarded: content.forwarded } : {}),
        ...timerFields(message, me),
      };
    case 'media':
      return {
        body: content.caption,
        attachments: content.attachments,
        replyTo: content.replyTo,
        ...(content.forwarded ? { forwarded: true } : {}),
        ...timerFields(message, me),
      };
    case 'expiry_timer':
      return { direction: 'system', body: '', timer: { seconds: content.seconds } };
    case 'unsupported':
      // Kept exactly as it came, so a later version can show it; until then the bubble says it needs one.
      return { notice: 'needs_newer_version', keptContent: { version: content.version, wire: content.wire } };
    case 'unreadable':
      return { notice: 'unreadable' };
    case 'group_update':
      return { direction: 'system', body: '', update: content.update };
    default:
      return null;
  }
}

/** The row a message becomes. */
function messageRow(message: ReceivedMessage, me: string, fields: Partial<MessageRow>): MessageRow {
  const own = message.sender.user === me;
  return {
    conversationId: message.conversationId,
    messageId: message.messageId,
    sender: message.sender.user,
    direction: own ? 'out' : 'in',
    body: '',
    timestamp: message.sentAt,
    ...(own ? { status: 'sent' as const, sentAt: message.sentAt } : { receivedAt: message.receivedAt }),
    ...fields,
  };
}

/** A text or media message's timer. Others' messages start disappearing when read (markReadUpTo); own ones (from another device) when sent. */
function timerFields(message: ReceivedMessage, me: string): Partial<MessageRow> {
  const seconds = timerOf(message);
  if (seconds === 0) return {};
  return { expireTimerSeconds: seconds, ...(message.sender.user === me ? { expiresAt: message.sentAt + seconds * 1000 } : {}) };
}

/** The timer a text or media message was sent with (0: off). */
function timerOf(message: ReceivedMessage): number {
  return message.content.kind === 'text' || message.content.kind === 'media' ? (message.content.expireTimerSeconds ?? 0) : 0;
}

/**
 * A message stored in this batch was edited or deleted by an action that came before it: what is handed on for
 * notifications says what the message says now (a deleted one is not announced at all).
 */
function settleNotified(outcome: StoreOutcome, action: EarlyAction): void {
  const index = outcome.stored.findIndex(
    (message) => message.conversationId === action.conversationId && message.messageId === action.content.targetMessageId && message.sender.user === action.sender.user,
  );
  const message = outcome.stored[index];
  if (!message) return;
  if (action.content.kind === 'delete') outcome.stored.splice(index, 1);
  else if (action.content.kind === 'edit' && message.content.kind === 'text') outcome.stored[index] = { ...message, content: { ...message.content, body: action.content.body } };
  else if (action.content.kind === 'edit' && message.content.kind === 'media') outcome.stored[index] = { ...message, content: { ...message.content, caption: action.content.body } };
}

/** How far back an edit that removed a mention looks for an earlier unread one to keep the '@' mark on. */
const MENTION_LOOKBACK = 200;

/** Content kinds that become rows (receipts change rows, typing notices are never stored). */
const STORED_KINDS = new Set<ReceivedMessage['content']['kind']>(['text', 'media', 'group_update', 'unsupported', 'unreadable', 'expiry_timer']);

const dedupKey = (conversationId: string, messageId: string, sender: string) => `${conversationId}\u0000${messageId}\u0000${sender}`;

/**
 * Writes a batch's rows with a fixed number of requests, whatever its size: one lookup of the duplicates, one of
 * the conversations, one bulk add, one bulk put (a catch-up stores thousands of messages; per-message round trips
 * to IndexedDB made it slow). Runs inside storeReceived's transaction.
 */
class BatchWriter {
  private readonly rows: MessageRow[] = [];
  /** Conversations as they will be after this batch; `changed` ones are written by flush(). */
  private readonly changed = new Set<string>();
  /** Messages stored by this batch (for the actions that came before them). */
  private readonly added: ReceivedMessage[] = [];
  /** Own messages already here, sent by another of this user's devices (its sync transcript): see settleSending. */
  private readonly transcribed: ReceivedMessage[] = [];

  private constructor(
    private readonly db: ParleyDatabase,
    private readonly me: string,
    private readonly titleOf: TitleOf,
    private readonly seen: Set<string>,
    private readonly conversations: Map<string, ConversationRow>,
  ) {}

  static async open(db: ParleyDatabase, batch: readonly ReceivedMessage[], me: string, titleOf: TitleOf): Promise<BatchWriter> {
    const stored = batch.filter((message) => STORED_KINDS.has(message.content.kind));
    const keys = stored.map((message) => [message.conversationId, message.messageId, message.sender.user]);
    const existing = keys.length === 0 ? [] : ((await db.messages.where('[conversationId+messageId+sender]').anyOf(keys).keys()) as unknown as [string, string, string][]);
    const ids = [...new Set(stored.map((message) => message.conversationId))];
    const rows = ids.length === 0 ? [] : await db.conversations.bulkGet(ids);
    const conversations = new Map<string, ConversationRow>();
    for (const row of rows) if (row) conversations.set(row.id, row);
    return new BatchWriter(db, me, titleOf, new Set(existing.map((key) => dedupKey(...key))), conversations);
  }

  /** Queues the message's row unless it is a duplicate (stored before, or earlier in this batch); returns whether it was new. */
  add(message: ReceivedMessage, row: MessageRow): boolean {
    const key = dedupKey(message.conversationId, message.messageId, message.sender.user);
    const own = message.sender.user === this.me;
    if (this.seen.has(key)) {
      if (own) this.transcribed.push(message);
      return false;
    }
    this.seen.add(key);
    this.added.push(message);
    this.rows.push(row);
    const conversation = this.conversations.get(message.conversationId);
    if (!conversation) {
      this.conversations.set(message.conversationId, {
        id: message.conversationId,
        kind: conversationKind(message.conversationId),
        title: this.titleOf(message.conversationId),
        lastActivityAt: message.receivedAt,
        lastReadSeq: 0,
        createdAt: message.receivedAt,
      });
      this.changed.add(message.conversationId);
    } else {
      if (message.receivedAt > conversation.lastActivityAt) {
        conversation.lastActivityAt = message.receivedAt;
        this.changed.add(message.conversationId);
      }
      // Someone else wrote: an archived chat comes back to the list, unless it is muted.
      if (conversation.archived && !own && !isMuted(conversation.mutedUntil, message.receivedAt)) {
        delete conversation.archived;
        this.changed.add(message.conversationId);
      }
    }
    return true;
  }

  /**
   * An edit or delete changed a group message: the chat's '@' mark follows whether it still names this user — set
   * when an unread message now does, moved back to the newest unread one that still does (looking back at most
   * MENTION_LOOKBACK messages) when the marked one no longer does.
   */
  async followMention(conversationId: string, messageId: string, author: string): Promise<void> {
    const conversation = this.conversations.get(conversationId) ?? (await this.db.conversations.get(conversationId));
    if (!conversation || conversation.kind !== 'group') return;
    this.conversations.set(conversationId, conversation);
    const row = (await this.db.messages.where('[conversationId+messageId+sender]').equals([conversationId, messageId, author]).first()) as StoredMessage | undefined;
    if (!row || row.direction !== 'in' || row.seq <= conversation.lastReadSeq) return;
    const names = !row.deleted && mentionsUser(row.body, this.me);
    const mark = conversation.lastMentionSeq ?? -Infinity;
    if (names && row.seq > mark) conversation.lastMentionSeq = row.seq;
    else if (!names && row.seq === mark) conversation.lastMentionSeq = await this.newestUnreadMention(conversation, row.seq);
    else return;
    this.changed.add(conversationId);
  }

  private async newestUnreadMention(conversation: ConversationRow, beforeSeq: number): Promise<number> {
    const candidates = (await this.db.messages
      .where('[conversationId+direction+seq]')
      .between([conversation.id, 'in', conversation.lastReadSeq], [conversation.id, 'in', beforeSeq], false, false)
      .reverse()
      .limit(MENTION_LOOKBACK)
      .toArray()) as StoredMessage[];
    return candidates.find((row) => !row.deleted && mentionsUser(row.body, this.me))?.seq ?? conversation.lastReadSeq;
  }

  /** The messages this batch stored so far, once. */
  takeAdded(): ReceivedMessage[] {
    return this.added.splice(0);
  }

  /** The conversation's disappearing-message timer for what is sent from now on, set by a change sent at `at`. */
  setTimer(conversationId: string, seconds: number, at: number): void {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return;
    conversation.expireTimerSeconds = seconds;
    conversation.expireTimerSetAt = Math.max(conversation.expireTimerSetAt ?? 0, at);
    this.changed.add(conversationId);
  }

  /**
   * A new 1:1 message sent under another timer than the chat's: the chat takes its timer, with the system line, as
   * Signal does (the change was missed here, or made by the other person meanwhile) — unless the chat's timer was set
   * after the message was sent. A group's timer is changed only by its admins' expiry_timer.
   */
  followTimer(message: ReceivedMessage): void {
    if (conversationKind(message.conversationId) !== 'dm' || this.seen.has(dedupKey(message.conversationId, message.messageId, message.sender.user))) return;
    const seconds = timerOf(message);
    const conversation = this.conversations.get(message.conversationId);
    if ((conversation?.expireTimerSeconds ?? 0) === seconds || message.sentAt <= (conversation?.expireTimerSetAt ?? 0)) return;
    const notice = { ...message, messageId: `timer-${message.messageId}` };
    if (this.add(notice, messageRow(notice, this.me, { direction: 'system', body: '', timer: { seconds } }))) {
      this.setTimer(message.conversationId, seconds, message.sentAt);
    }
  }

  retitle(conversationId: string, title: string): void {
    const conversation = this.conversations.get(conversationId);
    if (!conversation || conversation.title === title) return;
    conversation.title = title;
    this.changed.add(conversationId);
  }

  /**
   * History brought own messages that were still queued on the device that wrote them (`sending`), or that failed
   * there (`failed`, maybe retried there since): that device's transcript of one says it went out, so it shows as sent
   * here. Rows further on are left as they are.
   */
  private async settleSending(): Promise<void> {
    const transcripts = this.transcribed.splice(0);
    const sentAt = new Map(transcripts.map((message) => [dedupKey(message.conversationId, message.messageId, message.sender.user), message.sentAt]));
    const seqs = await this.db.messages
      .where('[conversationId+messageId+sender]')
      .anyOf(transcripts.map((message) => [message.conversationId, message.messageId, message.sender.user]))
      .primaryKeys();
    const settled = (await this.db.messages.bulkGet(seqs))
      .filter((row): row is StoredMessage => row?.status === 'sending' || row?.status === 'failed')
      .map((row) => ({ ...row, status: 'sent' as const, failure: undefined, sentAt: sentAt.get(dedupKey(row.conversationId, row.messageId, row.sender)) ?? row.timestamp }));
    if (settled.length > 0) await this.db.messages.bulkPut(settled);
  }

  /** Writes the queued rows (those with text queued for the search indexer), then the conversations they changed. */
  async flush(): Promise<void> {
    // Only when there is something to settle: an await with no IndexedDB request in flight lets the transaction commit.
    if (this.transcribed.length > 0) await this.settleSending();
    const rows = this.rows.splice(0);
    if (rows.length > 0) {
      const seqs = await this.db.messages.bulkAdd(rows, { allKeys: true });
      await queueForIndexing(
        this.db,
        seqs.filter((_, index) => Boolean(rows[index]!.body)),
      );
      rows.forEach((row, index) => {
        const conversation = this.conversations.get(row.conversationId);
        const seq = seqs[index];
        if (!conversation || seq === undefined) return;
        // A group message naming this user: the chat list marks the chat until it is read past it.
        if (row.direction === 'in' && conversation.kind === 'group' && mentionsUser(row.body, this.me)) {
          conversation.lastMentionSeq = Math.max(conversation.lastMentionSeq ?? 0, seq);
          this.changed.add(row.conversationId);
        }
        // What this user wrote on another device, they have read up to there.
        if (row.sender !== this.me || seq <= conversation.lastReadSeq) return;
        conversation.lastReadSeq = seq;
        this.changed.add(row.conversationId);
      });
    }
    if (this.changed.size === 0) return;
    const changed = [...this.changed].map((id) => this.conversations.get(id)!);
    this.changed.clear();
    await this.db.conversations.bulkPut(changed);
  }
}

/**
 * A receipt moves the named own messages forward (never back) and records who confirmed them. A receipt names up to
 * 500 messages: they are read and written in bulk (a few requests per receipt, not a few per message).
 */
async function applyReceipt(db: ParleyDatabase, message: ReceivedMessage, me: string): Promise<void> {
  if (message.content.kind !== 'receipt') return;
  const kind = message.content.receipt;
  const { conversationId } = message;
  const ids = [...new Set(message.content.messageIds)];
  const user = message.sender.user;
  const previous = await db.receipts.bulkGet(ids.map((messageId): [string, string, string] => [conversationId, messageId, user]));
  const receipts = ids
    .filter((_, index) => {
      const before = previous[index];
      return !before || (before.kind === 'delivered' && kind === 'read');
    })
    .map((messageId): ReceiptRow => ({ conversationId, messageId, user, kind, at: message.sentAt }));
  if (receipts.length > 0) await db.receipts.bulkPut(receipts);

  // Keys first, then the rows in one bulk read: rows are sealed at rest, and a cursor would open them one by one.
  const seqs = await db.messages
    .where('[conversationId+messageId+sender]')
    .anyOf(ids.map((messageId) => [conversationId, messageId, me]))
    .primaryKeys();
  const own = (await db.messages.bulkGet(seqs)).filter((row): row is StoredMessage => row !== undefined);
  const moved: StoredMessage[] = [];
  const unqueue: string[] = [];
  for (const row of own) {
    const status = advanceStatus(row.status, kind);
    if (status !== row.status) moved.push({ ...row, status, failure: undefined });
    // The recipient has it: a copy still waiting in the outbox (a crash after the relay accepted it) need not go.
    if (row.status === 'queued' || row.status === 'failed') unqueue.push(row.messageId);
  }
  if (moved.length > 0) await db.messages.bulkPut(moved);
  if (unqueue.length > 0) await db.outbox.where('messageId').anyOf(unqueue).delete();
}
