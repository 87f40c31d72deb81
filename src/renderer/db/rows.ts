// The shapes of what the renderer keeps in IndexedDB, and the order of a sent message's delivery states.
// Rows hold only what the UI displays: never keys, never anything main did not hand over for display.
import type { AttachmentView, GroupUpdate, OutgoingContent, Quote } from '../../shared/ipc';

/**
 * A sent message's progress. `failed` carries a reason and can be retried. `sending`: history from another of this
 * user's devices, still queued there when the history was taken — that device sends it, and its sync transcript (or
 * a recipient's receipt) settles it here; this device never sends or retries it.
 */
export type MessageStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

export type Direction = 'out' | 'in' | 'system';

export interface MessageRow {
  /** Local display order: assigned when the row is stored (auto-increment), never reused. */
  seq?: number;
  conversationId: string;
  /** Made by the sender; travels end to end. Dedup key together with conversation and sender. */
  messageId: string;
  /** Username of the author (this account's username for own messages, the actor for system rows). */
  sender: string;
  direction: Direction;
  /** The text; for a message with files, its caption (may be empty). */
  body: string;
  /** Files sent with the message, as they were when it was stored (live progress comes from main's media events). */
  attachments?: AttachmentView[];
  /** A message with files replying to another (by id only). */
  replyTo?: string;
  /** Forwarded from another chat (by whoever sent it): the bubble says so. */
  forwarded?: true;
  /** The message this one replies to, with the snippet the replier saw (emptied if the original is deleted). */
  quote?: Quote;
  /** `quote.messageId` again, as a top-level field for its index (an indexed field stays in clear at rest; the quote does not). */
  quotedId?: string;
  /** Shown time: when the user pressed Enter (own), when the sender sent it (others). Epoch ms. */
  timestamp: number;
  /** Own messages only. */
  status?: MessageStatus;
  /** When the relay accepted an own message. */
  sentAt?: number;
  /** Why an own message could not be sent (shown with a retry). */
  failure?: { code: string; message: string };
  /** System rows only: the group change they describe. */
  update?: GroupUpdate;
  /** Shown instead of a body: content from a newer Parley, or content that arrived broken. */
  notice?: 'needs_newer_version' | 'unreadable';
  /** For `needs_newer_version`: the end-to-end content as received, for a later version to show. */
  keptContent?: { version: number; wire: string };
  /** Incoming only: when this device received it (its own clock); bounds the edit window (db/actions.ts). */
  receivedAt?: number;
  /** When the newest edit applied was made (the editor's clock): the body is that edit's text. */
  editedAt?: number;
  /** Deleted for everyone: a tombstone whose content is gone. */
  deleted?: true;
  /**
   * 1 on the tombstone of an incoming message (tombstoneMarks): indexed with conversation and seq, so the unread count
   * leaves it out (conversations.ts countUnread). In clear at rest, as every indexed field.
   */
  deletedIncoming?: 1;
  /** One reaction per person, by username; `at` orders a person's changes (the newest wins). */
  reactions?: Record<string, { emoji: string; at: number }>;
  /** The disappearing-message timer it was sent with, in seconds. */
  expireTimerSeconds?: number;
  /** When it disappears (epoch ms): set when sent (own) or when read (others'); indexed for the purge. */
  expiresAt?: number;
  /** System rows only: `sender` linked this device to their account (db/systemNotes.ts). */
  linkedDevice?: number;
  /** System rows only: `sender`, an admin, had let this user in through an invite link, and every member skipped it (db/systemNotes.ts). */
  admissionUndone?: true;
  /** System rows only: the conversation's disappearing-message timer was set to this (0 = off) by `sender`. */
  timer?: { seconds: number };
}

/** What a tombstone (deleted for everyone) carries besides `deleted`, for a message of this direction. */
export function tombstoneMarks(direction: Direction): Pick<MessageRow, 'deleted' | 'deletedIncoming'> {
  return direction === 'in' ? { deleted: true, deletedIncoming: 1 } : { deleted: true };
}

/** A stored message always has its seq. */
export type StoredMessage = MessageRow & { seq: number };

export interface ConversationRow {
  /** The contract's ConversationId: `dm:<username>` or `group:<groupId>`. */
  id: string;
  kind: 'dm' | 'group';
  title: string;
  /** Epoch ms of the newest message (or creation); the chat list sorts by it. */
  lastActivityAt: number;
  /** Seq of the newest message the user has seen; unread = incoming messages after it. */
  lastReadSeq: number;
  /** Incoming messages up to this seq have had their read receipts handed to main (db/receiptPositions.ts). */
  readReceiptsSentUpTo?: number;
  /** Incoming messages up to this seq have had their delivered receipts handed to main. */
  deliveredReceiptsSentUpTo?: number;
  /** Muted until this time (epoch ms), or always: no notifications, not counted in the badge (db/mutes.ts). */
  mutedUntil?: number | 'always';
  /** The disappearing-message timer for new messages, in seconds (absent or 0: off). */
  expireTimerSeconds?: number;
  /** When that timer was set (the change's sent time, epoch ms): a message sent before it does not undo it. */
  expireTimerSetAt?: number;
  /** Seq of the newest incoming group message that mentions this user; unread while above `lastReadSeq`. */
  lastMentionSeq?: number;
  /** Pinned to the top of the chat list since then (db/chatOrganisation.ts). */
  pinnedAt?: number;
  /** Moved to the Archived list; a new message from someone else brings it back unless muted. */
  archived?: true;
  createdAt: number;
}

export interface OutboxRow {
  /** Queue order (auto-increment). */
  id?: number;
  conversationId: string;
  messageId: string;
  messageSeq: number;
  attempts: number;
  /** Epoch ms before which the worker does not try again (backoff). */
  nextAttemptAt: number;
  /** Epoch ms of the last retryable failure; a reconnect after it makes the row eligible at once. */
  lastFailedAt?: number;
  lastError?: { code: string; message: string };
  /**
   * A message action (reaction, edit, delete, timer, or the unsent notice to this user's other devices) to send as it is, in the conversation's order; `messageId` is
   * the action's own id. Without it the row sends the text of the message at `messageSeq`.
   */
  action?: ActionContent;
}

/** Content the outbox sends as stored, rather than from a message row. */
export type ActionContent = Extract<OutgoingContent, { kind: 'reaction' | 'edit' | 'delete' | 'expiry_timer' | 'unsent' }>;

/** Who confirmed which own message, and how far (a group message has one row per member). */
export interface ReceiptRow {
  conversationId: string;
  messageId: string;
  user: string;
  kind: 'delivered' | 'read';
  at: number;
}

/** Text the user wrote in a chat and has not sent; kept so a restart does not lose it. */
export interface DraftRow {
  conversationId: string;
  text: string;
}

/** Small state of the database itself, by name (the search indexer's queue, the history import's position). */
export interface MetaRow {
  key: string;
  /** Absent for a key that says everything. */
  value?: unknown;
}

/**
 * The blind search index (db/search/postings.ts): the seqs of one conversation's messages, within one block of
 * POSTING_BLOCK seqs, whose text has the word prefix whose keyed hash is `term`. Kept in clear (docs/security.md §10.2).
 */
export interface PostingRow {
  term: string;
  conversationId: string;
  /** floor(seq / POSTING_BLOCK). */
  block: number;
  /**
   * Ascending. A typed array (since v11): IndexedDB copies it as one buffer, with no JS number to make or collect per
   * seq when the row is read or written. Signed: history brought from another device sits at negative seqs.
   */
  seqs: Int32Array;
}

/** What the blind search index holds for one message: its text's term hashes (so it leaves the index unopened). */
export interface MessageTermsRow {
  seq: number;
  terms: string[];
}

/**
 * Messages whose search index entries are to be brought in line with their rows by the indexer (search/indexQueue.ts):
 * the seqs `first`..`last`, both included (a stored batch, a send, an edit). Kept in clear (docs/security.md §10.2).
 */
export interface IndexQueueRow {
  id?: number;
  first: number;
  last: number;
}

/**
 * Deleted or purged messages of one conversation whose postings the indexer is still to remove (search/indexQueue.ts).
 * Kept in clear.
 */
export interface IndexRemovalRow {
  id?: number;
  conversationId: string;
  seqs: number[];
}

const STATUS_RANK: Record<MessageStatus, number> = { failed: -1, queued: 0, sending: 0, sent: 1, delivered: 2, read: 3 };

/**
 * The status after `next` is reported for a message now in `current`: statuses only move forward
 * (queued → sent → delivered → read). A receipt or a send result proves a failed message got through.
 */
export function advanceStatus(current: MessageStatus | undefined, next: MessageStatus): MessageStatus {
  if (current === undefined) return next;
  if (next === 'failed') return current === 'queued' ? 'failed' : current;
  return STATUS_RANK[next] > STATUS_RANK[current] ? next : current;
}
