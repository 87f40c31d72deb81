// The primary's side of history transfer: gathers what the renderer reads from its history (chats and messages, in
// batches), adds what main keeps (the files' pointers, the groups' state), and seals it into one archive — encrypted
// as an attachment stream under a fresh one-time key and uploaded as a blob — for the device being linked
// (docs/protocol.md "History archive"). Exports live in memory: one not used by a link is dropped with the app.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AppError, MAX_HISTORY_MESSAGES, type HistoryConversation, type HistoryMessage } from '../../../shared/ipc';
import { toSnapshot, type GroupState } from '../groups/group';
import type { AttachmentPointerData } from '../media/AttachmentPointer';
import type { BlobTokenSource } from '../media/transfer/BlobTokenSource';
import { encryptAndUpload } from '../media/transfer/encryptAndUpload';
import type { ProfileCopies } from '../profiles/profileCopies';
import type { Logger } from '../transport';
import { encodeArchive, MAX_HISTORY_ARCHIVE_BYTES, type ArchiveAttachment, type ArchiveContact, type ArchiveVerifiedContact } from './archiveCodec';

export const HISTORY_DIR = 'history';
/** Exports kept at once (a new one drops the oldest). */
const MAX_EXPORTS = 2;

/** The uploaded archive: what the provisioning message tells the new device, and the files it may fetch. */
export interface SealedArchive {
  blob: string;
  key: Uint8Array;
  digest: Uint8Array;
  size: number;
  chunkBytes: number;
  /** The blobs the new device is granted after linking: the files the archive names and the own profile's copy. */
  fileBlobs: string[];
}

export interface HistoryExportsOptions {
  dataDir: string;
  /** The pointer of a local file whose blob is on the relay, if it is. */
  storedPointer: (id: string) => Promise<AttachmentPointerData | undefined>;
  groups: () => readonly GroupState[];
  /** The contacts the user verified, with the key compared. */
  verifiedContacts: () => ArchiveVerifiedContact[];
  /** The user's contacts and the users they blocked. */
  contacts: () => ArchiveContact[];
  /** The user's own profile and the ones shared with them. */
  profiles: () => ProfileCopies;
  endpoint: () => URL;
  tokens: BlobTokenSource;
  logger: Logger;
  now: () => number;
}

interface Gathering {
  since: number | null;
  conversations: Map<string, HistoryConversation>;
  messages: HistoryMessage[];
  sealed?: Promise<SealedArchive>;
}

export class HistoryExports {
  private readonly exports = new Map<string, Gathering>();

  constructor(private readonly options: HistoryExportsOptions) {}

  start(since: number | null): string {
    const id = randomBytes(16).toString('base64url');
    this.exports.set(id, { since, conversations: new Map(), messages: [] });
    while (this.exports.size > MAX_EXPORTS) this.exports.delete(this.exports.keys().next().value!);
    return id;
  }

  add(id: string, conversations: readonly HistoryConversation[], messages: readonly HistoryMessage[]): void {
    const gathering = this.require(id);
    if (gathering.sealed) throw new AppError('invalid_request', { id: 'history.already_sealed' });
    if (gathering.messages.length + messages.length > MAX_HISTORY_MESSAGES) {
      throw new AppError('invalid_request', { id: 'history.too_many_messages', params: { max: MAX_HISTORY_MESSAGES } });
    }
    for (const conversation of conversations) gathering.conversations.set(conversation.id, conversation);
    gathering.messages.push(...messages);
  }

  /** Builds, encrypts and uploads the archive once; a second link with the same export reuses it. */
  seal(id: string): Promise<SealedArchive> {
    const gathering = this.require(id);
    gathering.sealed ??= this.build(id, gathering).catch((error: unknown) => {
      delete gathering.sealed;
      throw error;
    });
    return gathering.sealed;
  }

  forget(id: string): void {
    this.exports.delete(id);
  }

  private async build(id: string, gathering: Gathering): Promise<SealedArchive> {
    const attachments = new Map<string, ArchiveAttachment>();
    const messages: HistoryMessage[] = [];
    for (const message of gathering.messages) {
      if (!gathering.conversations.has(message.conversationId)) continue;
      const files: string[] = [];
      for (const fileId of message.attachments ?? []) {
        const pointer = attachments.get(fileId)?.pointer ?? (await this.options.storedPointer(fileId));
        if (pointer === undefined) continue;
        attachments.set(fileId, { id: fileId, pointer });
        files.push(fileId);
      }
      const { attachments: _named, ...rest } = message;
      messages.push(files.length > 0 ? { ...rest, attachments: files } : rest);
    }
    const groups = this.options.groups()
      .filter((group) => group.members.length > 0)
      .map((group) => ({ groupId: group.groupId, snapshot: toSnapshot(group), active: group.active }));
    const profiles = this.options.profiles();
    const bytes = encodeArchive({
      createdAt: this.options.now(),
      since: gathering.since,
      conversations: [...gathering.conversations.values()],
      messages,
      attachments: [...attachments.values()],
      groups,
      verifiedContacts: this.options.verifiedContacts(),
      contacts: this.options.contacts(),
      profiles,
    });
    if (bytes.length > MAX_HISTORY_ARCHIVE_BYTES) throw new AppError('invalid_request', { id: 'history.too_large' });
    const dir = join(this.options.dataDir, HISTORY_DIR);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `${id}.out`);
    try {
      const { attachment, blobId } = await encryptAndUpload({
        source: Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)]),
        plaintextSize: bytes.length,
        file,
        endpoint: this.options.endpoint(),
        tokens: this.options.tokens,
      });
      this.options.logger.info('history.exported', { messages: messages.length, files: attachments.size, bytes: attachment.ciphertextSize });
      const fileBlobs = [...new Set([...[...attachments.values()].map((a) => a.pointer.blobId), ...(profiles.own ? [profiles.own.pointer.blobId] : [])])];
      return { blob: blobId, key: attachment.key, digest: attachment.digest, size: attachment.size, chunkBytes: attachment.chunkBytes, fileBlobs };
    } finally {
      await rm(file, { force: true });
    }
  }

  private require(id: string): Gathering {
    const gathering = this.exports.get(id);
    if (!gathering) throw new AppError('unknown_export', { id: 'history.export_gone' });
    return gathering;
  }
}
