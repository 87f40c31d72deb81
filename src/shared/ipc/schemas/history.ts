// History transfer to a newly linked device (docs/protocol.md "History archive"): the chats and messages the
// renderer hands main on the primary to build the archive, and what main on the new device hands back in batches.
// Only what a chat shows crosses: no keys (attachments are named by their local id; main keeps their pointers).
import { z } from 'zod';
import { MessageId, Username } from '../../protocol/fields';
import { ConversationId } from './conversation';
import { ErrorTextValue } from './errorText';
import { GroupUpdate } from './groups';
import { AttachmentId, AttachmentView, MAX_ATTACHMENTS_PER_MESSAGE } from './media';
import { ExpiryTimerSeconds, MAX_BODY_CHARS, Quote } from './messages';

const EpochMs = z.number().int().nonnegative();

/** Most chats or messages one batch carries either way. */
export const MAX_HISTORY_BATCH = 1000;
/** Most messages one archive holds (a bigger history is cut to its newest this many). */
export const MAX_HISTORY_MESSAGES = 1_000_000;

/** An export being gathered in main (random, base64url). */
export const HistoryExportId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not an export id');

export const HistoryConversation = z.strictObject({
  id: ConversationId,
  title: z.string().max(200),
  createdAt: EpochMs,
  lastActivityAt: EpochMs,
  mutedUntil: z.union([EpochMs, z.literal('always')]).optional(),
  expireTimerSeconds: ExpiryTimerSeconds.optional(),
  pinnedAt: EpochMs.optional(),
  archived: z.literal(true).optional(),
});
export type HistoryConversation = z.infer<typeof HistoryConversation>;

export const HistoryReaction = z.strictObject({ user: Username, emoji: z.string().min(1).max(64), at: EpochMs });

/** One message row as a chat shows it. */
export const HistoryMessage = z.strictObject({
  conversationId: ConversationId,
  messageId: MessageId,
  sender: Username,
  direction: z.enum(['out', 'in', 'system']),
  body: z.string().max(MAX_BODY_CHARS),
  timestamp: EpochMs,
  /**
   * Own messages: how far they got. `sending`: still queued on the device that wrote it, which sends it; its sync
   * transcript (or a recipient's receipt) settles it on the new device, which never sends it itself.
   */
  status: z.enum(['sending', 'sent', 'delivered', 'read', 'failed']).optional(),
  sentAt: EpochMs.optional(),
  attachments: z.array(AttachmentId).max(MAX_ATTACHMENTS_PER_MESSAGE).optional(),
  quote: Quote.optional(),
  editedAt: EpochMs.optional(),
  deleted: z.literal(true).optional(),
  reactions: z.array(HistoryReaction).max(1000).optional(),
  expireTimerSeconds: ExpiryTimerSeconds.optional(),
  expiresAt: EpochMs.optional(),
  update: GroupUpdate.optional(),
  timer: z.strictObject({ seconds: ExpiryTimerSeconds }).optional(),
  linkedDevice: z.number().int().min(1).max(1_000_000).optional(),
  /** Incoming, not read yet on the primary: unread on the new device too. */
  unread: z.literal(true).optional(),
});
export type HistoryMessage = z.infer<typeof HistoryMessage>;

export const HistoryChoice = z.strictObject({
  /** Messages from this time on; null: everything. */
  since: EpochMs.nullable(),
});

export const AddToHistoryExport = z.strictObject({
  exportId: HistoryExportId,
  conversations: z.array(HistoryConversation).max(MAX_HISTORY_BATCH),
  messages: z.array(HistoryMessage).max(MAX_HISTORY_BATCH),
});

/** The new device's import: nothing to do, the archive coming, ready to be read in batches, or failed. */
export const HistoryImportView = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('none') }),
  z.strictObject({ state: z.literal('downloading') }),
  z.strictObject({ state: z.literal('ready'), conversations: z.number().int().nonnegative(), messages: z.number().int().nonnegative() }),
  z.strictObject({ state: z.literal('failed'), message: z.string().max(500), text: ErrorTextValue }),
]);
export type HistoryImportView = z.infer<typeof HistoryImportView>;

export const HistoryImportBatchRequest = z.strictObject({
  /** Index of the first message wanted. */
  offset: z.number().int().min(0).max(MAX_HISTORY_MESSAGES),
  limit: z.number().int().min(1).max(MAX_HISTORY_BATCH),
});

export const HistoryImportBatch = z.strictObject({
  /** Every chat of the archive, in the batch at offset 0 only. */
  conversations: z.array(HistoryConversation),
  messages: z.array(HistoryMessage).max(MAX_HISTORY_BATCH),
  /** The files the batch's messages name. */
  attachments: z.array(AttachmentView),
});
export type HistoryImportBatch = z.infer<typeof HistoryImportBatch>;
