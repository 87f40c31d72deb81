// What this device knows about each attachment, kept in the encrypted vault (never beside the files): the key,
// digest and blob id, what the user sees (name, type, size, preview), and where its transfer stands. The files in
// <dataDir>/attachments hold only ciphertext; without the vault they are noise. A list of unfinished transfers is
// kept as its own record so they resume after a restart, and for each message the ids of its files, so deleting a
// message (or its expiry) deletes them.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AttachmentMessage } from '../../../../shared/ipc';
import type { Vault } from '../../vault';
import { jsonRecord } from '../../vault/jsonRecord';

export const LocalAttachmentId = z.string().regex(/^[A-Za-z0-9_-]{22}$/);
const Base64 = z.string().max(64 * 1024);

export const TransferState = z.enum(['encrypting', 'uploading', 'uploaded', 'pending', 'downloading', 'paused', 'downloaded', 'failed']);
export type TransferState = z.infer<typeof TransferState>;

export const AttachmentRecord = z.strictObject({
  id: LocalAttachmentId,
  direction: z.enum(['outgoing', 'incoming']),
  kind: z.enum(['image', 'video', 'audio', 'file']),
  contentType: z.string().max(255),
  fileName: z.string().max(255),
  /** Plaintext bytes. */
  size: z.number().int().nonnegative(),
  ciphertextSize: z.number().int().positive(),
  chunkBytes: z.number().int().positive(),
  /** Base64 of the attachment key (32 bytes). */
  key: Base64,
  /** Base64 SHA-256 of the ciphertext; null while an outgoing attachment is still being encrypted. */
  digest: Base64.nullable(),
  blobId: z.string().max(64).nullable(),
  voiceNote: z.boolean(),
  width: z.number().int().nonnegative().nullable(),
  height: z.number().int().nonnegative().nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  blurhash: z.string().max(128).nullable(),
  thumbnail: z.strictObject({ data: Base64, contentType: z.string().max(64), width: z.number().int(), height: z.number().int() }).nullable(),
  state: TransferState,
  /** Ciphertext bytes moved so far. */
  transferred: z.number().int().nonnegative(),
  error: z.strictObject({ code: z.string().max(64), message: z.string().max(500) }).nullable(),
  createdAt: z.number().int().nonnegative(),
  /** The message it came or goes with (none while an outgoing file waits in the tray; none in older records). */
  message: AttachmentMessage.optional(),
});
export type AttachmentRecord = z.infer<typeof AttachmentRecord>;

const recordCodec = jsonRecord(AttachmentRecord, 'attachment');
const activeCodec = jsonRecord(z.array(LocalAttachmentId).max(100_000), 'attachment transfer list');
const ACTIVE = 'media/active';
const ATTACHMENT_PREFIX = 'media/attachment/';
const nameOf = (id: string) => `${ATTACHMENT_PREFIX}${id}`;
const messageCodec = jsonRecord(z.array(LocalAttachmentId).max(10_000), 'attachments of a message');
/** A message's record is named by a hash of who sent which message where (the vault's names are not secret-free). */
const messageNameOf = (message: AttachmentMessage) =>
  `media/message/${createHash('sha256').update(`${message.conversationId}\u0000${message.messageId}\u0000${message.sender.toLowerCase()}`).digest('base64url')}`;

export class AttachmentRecords {
  private readonly cache = new Map<string, AttachmentRecord>();

  constructor(private readonly vault: Vault) {}

  async get(id: string): Promise<AttachmentRecord | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const bytes = await this.vault.get('records', nameOf(id));
    if (!bytes) return undefined;
    const record = recordCodec.decode(bytes);
    this.cache.set(id, record);
    return record;
  }

  /** The in-memory copy, for frequent progress updates that need no write. */
  cached(id: string): AttachmentRecord | undefined {
    return this.cache.get(id);
  }

  async put(record: AttachmentRecord): Promise<void> {
    this.cache.set(record.id, record);
    await this.vault.put('records', nameOf(record.id), recordCodec.encode(record));
  }

  async delete(id: string): Promise<void> {
    this.cache.delete(id);
    await this.vault.delete('records', nameOf(id));
  }

  /** The ids of the files that came or went with a message; undefined when it has no record (no files here). */
  async ofMessage(message: AttachmentMessage): Promise<string[] | undefined> {
    const bytes = await this.vault.get('records', messageNameOf(message));
    return bytes ? messageCodec.decode(bytes) : undefined;
  }

  async addToMessage(message: AttachmentMessage, id: string): Promise<void> {
    const ids = (await this.ofMessage(message)) ?? [];
    if (!ids.includes(id)) await this.vault.put('records', messageNameOf(message), messageCodec.encode([...ids, id]));
  }

  async forgetMessage(message: AttachmentMessage): Promise<void> {
    await this.vault.delete('records', messageNameOf(message));
  }

  async removeFromMessage(message: AttachmentMessage, id: string): Promise<void> {
    const ids = await this.ofMessage(message);
    if (!ids?.includes(id)) return;
    const rest = ids.filter((other) => other !== id);
    if (rest.length === 0) await this.forgetMessage(message);
    else await this.vault.put('records', messageNameOf(message), messageCodec.encode(rest));
  }

  /** Every attachment record in the vault that reads (one pass over all its records: for the one-time sweep only). */
  async all(): Promise<AttachmentRecord[]> {
    const records: AttachmentRecord[] = [];
    for (const { name, payload } of (await this.vault.list('records')).records) {
      if (!name.startsWith(ATTACHMENT_PREFIX)) continue;
      try {
        records.push(recordCodec.decode(payload));
      } catch {
        // Left as it is: what cannot be read cannot be named either.
      }
    }
    return records;
  }

  /** Ids of transfers that were not finished, in the order they were started. */
  async active(): Promise<string[]> {
    const bytes = await this.vault.get('records', ACTIVE);
    return bytes ? activeCodec.decode(bytes) : [];
  }

  async setActive(ids: readonly string[]): Promise<void> {
    await this.vault.put('records', ACTIVE, activeCodec.encode([...ids]));
  }
}
