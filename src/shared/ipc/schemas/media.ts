// Attachments as the renderer sees them: what to show (kind, type, name, size, preview facts) and where the
// transfer stands. Never a key, digest or blob id: the renderer names an attachment by its local id and fetches its
// bytes through the media URL main serves (docs/security.md §17).
import { z } from 'zod';
import { MessageId, Username } from '../../protocol/fields';
import { ConversationId } from './conversation';

export const AttachmentId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not an attachment id');

/** The message a file came or goes with: where "Show in chat" leads (the renderer finds it by these three). */
export const AttachmentMessage = z.strictObject({ conversationId: ConversationId, messageId: MessageId, sender: Username });
export type AttachmentMessage = z.infer<typeof AttachmentMessage>;
/** Files sent in one message (docs/protocol.md, "Attachment pointer"). */
export const MAX_ATTACHMENTS_PER_MESSAGE = 32;
/**
 * A message deleted or expired here, whose files main deletes (media.forgetMessages): the files main knows came or
 * went with it, and of `files` (the ids its row names) those that belong to it or to no message yet — the files of a
 * message deleted before it was sent.
 */
export const GoneMessage = AttachmentMessage.extend({ files: z.array(AttachmentId).min(1).max(MAX_ATTACHMENTS_PER_MESSAGE).optional() });
export type GoneMessage = z.infer<typeof GoneMessage>;
/** Most messages one media.forgetMessages names. */
export const MAX_FORGET_MESSAGES = 500;
/** A file main has, for the one-time sweep (media.sweepList): the message it belongs to, or none yet. */
export const SweepFile = z.strictObject({ id: AttachmentId, message: AttachmentMessage.nullable() });
export type SweepFile = z.infer<typeof SweepFile>;
/** Most files one page of the sweep lists, and one media.sweep deletes. */
export const MAX_SWEEP_PAGE = 500;

export const AttachmentView = z.strictObject({
  id: AttachmentId,
  direction: z.enum(['outgoing', 'incoming']),
  kind: z.enum(['image', 'video', 'audio', 'file']),
  contentType: z.string().max(255),
  fileName: z.string().max(255),
  size: z.number().int().nonnegative(),
  voiceNote: z.boolean(),
  width: z.number().int().nonnegative().nullable(),
  height: z.number().int().nonnegative().nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  blurhash: z.string().max(128).nullable(),
  hasThumbnail: z.boolean(),
  /** True when opening it could run code (a program or script): "open" must warn first. */
  executable: z.boolean(),
  state: z.enum(['encrypting', 'uploading', 'uploaded', 'pending', 'downloading', 'paused', 'downloaded', 'failed']),
  /** Bytes moved of `total` (ciphertext, padding included), for progress bars. */
  transferred: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** Why it failed: an AttachmentError code, which the renderer's string table says ('attachment.failed'). */
  error: z.strictObject({ code: z.string().max(64) }).nullable(),
  /** Absent while a file waits in the tray (it has no message yet). */
  message: AttachmentMessage.optional(),
});
export type AttachmentView = z.infer<typeof AttachmentView>;
