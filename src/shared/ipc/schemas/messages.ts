// Messages across the IPC boundary: what the renderer asks main to encrypt and send, and what main hands
// over after decrypting. Receipts and typing notices travel as encrypted messages too.
import { z } from 'zod';
import { MAX_EXPIRY_TIMER_SECONDS, QUOTE_SNIPPET_CHARS, isSingleEmoji } from '../../conversations/messageRules';
import { Address, MessageId, Username, base64Bytes } from '../../protocol/fields';
import { ConversationId } from './conversation';
import { GroupUpdate } from './groups';
import { AttachmentId, AttachmentView, MAX_ATTACHMENTS_PER_MESSAGE } from './media';

export { ConversationId } from './conversation';

export const MAX_BODY_CHARS = 16_000;
export const MessageBody = z
  .string()
  .max(MAX_BODY_CHARS, `Messages are at most ${MAX_BODY_CHARS} characters`)
  .refine((body) => body.trim().length > 0, 'Message is empty');

/** The message a reply answers: its id and author, and a snippet of its text as the replier saw it. */
export const Quote = z.strictObject({
  messageId: MessageId,
  author: Username,
  text: z.string().max(QUOTE_SNIPPET_CHARS),
});
export type Quote = z.infer<typeof Quote>;

/** A disappearing-message timer in seconds; 0 = off. */
export const ExpiryTimerSeconds = z.number().int().min(0).max(MAX_EXPIRY_TIMER_SECONDS);

export const TextContent = z.strictObject({
  kind: z.literal('text'),
  body: MessageBody,
  quote: Quote.optional(),
  /** The conversation's timer when it was sent: it disappears this long after it was sent (or read, by others). */
  expireTimerSeconds: ExpiryTimerSeconds.optional(),
  /** Forwarded from another chat (shown as "Forwarded"). */
  forwarded: z.literal(true).optional(),
});

/** A reaction to a message (one per person per message: a new one replaces theirs), or its removal. */
export const ReactionContent = z.strictObject({
  kind: z.literal('reaction'),
  targetMessageId: MessageId,
  targetAuthor: Username,
  emoji: z.string().refine(isSingleEmoji, 'a reaction is one emoji'),
  remove: z.boolean(),
});

/** New text for the sender's own earlier message (within the edit window). */
export const EditContent = z.strictObject({
  kind: z.literal('edit'),
  targetMessageId: MessageId,
  body: MessageBody,
});

/** Deletes the sender's own earlier message for everyone (within the edit window). */
export const DeleteContent = z.strictObject({
  kind: z.literal('delete'),
  targetMessageId: MessageId,
});

/** Sets the conversation's disappearing-message timer. */
export const ExpiryTimerContent = z.strictObject({
  kind: z.literal('expiry_timer'),
  seconds: ExpiryTimerSeconds,
});

export const ReceiptContent = z.strictObject({
  kind: z.literal('receipt'),
  receipt: z.enum(['delivered', 'read']),
  messageIds: z.array(MessageId).min(1).max(500),
});

/**
 * Own messages this device will not send after all (failed for good, or deleted before they went out). Main tells
 * only this user's other devices (SyncMessage.Unsent), which may show them as being sent from here; it never goes to
 * the conversation. Received, it comes from another of this user's devices.
 */
export const UnsentContent = z.strictObject({
  kind: z.literal('unsent'),
  messageIds: z.array(MessageId).min(1).max(500),
  reason: z.enum(['failed', 'deleted']),
});

/** Typing notices are never stored by anyone. */
export const TypingContent = z.strictObject({
  kind: z.literal('typing'),
  typing: z.boolean(),
});

const Caption = z.string().max(MAX_BODY_CHARS, `Captions are at most ${MAX_BODY_CHARS} characters`);

/**
 * One or more files with an optional caption, as one message. The renderer names files it staged through the media
 * URL by their local ids; main sends each one's pointer (key, digest, blob id) once its upload has finished.
 */
export const MediaContent = z.strictObject({
  kind: z.literal('media'),
  caption: Caption,
  attachmentIds: z.array(AttachmentId).min(1).max(MAX_ATTACHMENTS_PER_MESSAGE),
  replyTo: MessageId.optional(),
  forwarded: z.literal(true).optional(),
  /** As for text: the conversation's timer when it was sent. */
  expireTimerSeconds: ExpiryTimerSeconds.optional(),
});

/** A message with files as the renderer receives it: each file as this device now knows it (never its key). */
export const ReceivedMediaContent = z.strictObject({
  kind: z.literal('media'),
  caption: Caption,
  attachments: z.array(AttachmentView).min(1).max(MAX_ATTACHMENTS_PER_MESSAGE),
  replyTo: MessageId.optional(),
  forwarded: z.literal(true).optional(),
  expireTimerSeconds: ExpiryTimerSeconds.optional(),
});

export const OutgoingContent = z.discriminatedUnion('kind', [
  TextContent,
  MediaContent,
  ReceiptContent,
  TypingContent,
  ReactionContent,
  EditContent,
  DeleteContent,
  ExpiryTimerContent,
  UnsentContent,
]);
export type OutgoingContent = z.infer<typeof OutgoingContent>;

export const GroupUpdateContent = z.strictObject({ kind: z.literal('group_update'), update: GroupUpdate });

/** Largest end-to-end content kept for a later version (the core's MAX_CONTENT_BYTES). */
export const MAX_UNSUPPORTED_CONTENT_BYTES = 192 * 1024;

/**
 * A message from a newer Parley that this version cannot show: shown as "needs a newer version", and stored with
 * the content exactly as received so a later version can render it (docs/protocol.md, "End-to-end content").
 */
export const UnsupportedContent = z.strictObject({
  kind: z.literal('unsupported'),
  /** The end-to-end content format version of `wire` (2: content.proto bytes; newer: the whole decrypted frame). */
  version: z.number().int().min(2).max(255),
  wire: base64Bytes({ maxBytes: MAX_UNSUPPORTED_CONTENT_BYTES }),
});

/** A message that decrypted but whose content is broken (not merely newer): shown so that nothing vanishes unseen. */
export const UnreadableContent = z.strictObject({
  kind: z.literal('unreadable'),
  reason: z.enum(['malformed']),
});

export const IncomingContent = z.discriminatedUnion('kind', [
  TextContent,
  ReceivedMediaContent,
  ReceiptContent,
  TypingContent,
  ReactionContent,
  EditContent,
  DeleteContent,
  ExpiryTimerContent,
  GroupUpdateContent,
  UnsupportedContent,
  UnreadableContent,
  UnsentContent,
]);
export type IncomingContent = z.infer<typeof IncomingContent>;

export const SendMessageRequest = z.strictObject({
  conversationId: ConversationId,
  /** Made by the renderer when the user pressed Enter; resending the same id never duplicates. */
  messageId: MessageId,
  content: OutgoingContent,
});

export const SendMessageResult = z.strictObject({
  messageId: MessageId,
  /** When the relay durably accepted the message (epoch ms). */
  sentAt: z.number().int(),
});

/** A decrypted message main holds until the renderer commits it (then main acks the relay). */
export const ReceivedMessage = z.strictObject({
  /** Handle for messages.commit. */
  inboxId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  conversationId: ConversationId,
  messageId: MessageId,
  sender: Address,
  sentAt: z.number().int(),
  receivedAt: z.number().int(),
  content: IncomingContent,
});
export type ReceivedMessage = z.infer<typeof ReceivedMessage>;

/** The most messages one `messages.received` event carries (main splits a larger batch). */
export const MAX_RECEIVED_PER_EVENT = 256;

/** What main decrypted in one receive batch, in the order it was received: one event for all of them. */
export const ReceivedMessages = z.array(ReceivedMessage).min(1).max(MAX_RECEIVED_PER_EVENT);

export const CommitRequest = z.strictObject({
  inboxIds: z.array(ReceivedMessage.shape.inboxId).min(1).max(1000),
});
