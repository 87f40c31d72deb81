// The new device's side of history transfer: the provisioning message named an archive (blob, one-time key, digest,
// size); this downloads it, verifies every chunk and the digest (a changed, cut or foreign archive is refused and
// nothing of it is used), decodes it, takes the groups into main's store and hands the renderer the chats and
// messages in batches, adopting the files each batch names. The pointer is kept in the vault until the renderer says
// it stored everything, so a restart resumes (the ciphertext on disk is reused; the renderer skips what it has).
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { attachmentCiphertextSize } from '../../../shared/media/attachmentFormat';
import { AppError, type AttachmentView, type HistoryImportBatch, type HistoryImportView, type IpcEvents } from '../../../shared/ipc';
import { BlobId, base64Bytes } from '../../../shared/protocol';
import { fromBase64, toBase64 } from '../../../shared/encoding/base64';
import { utf8Decode, utf8Encode } from '../../../shared/encoding/utf8';
import { MAX_POINTER_CHUNK_BYTES, MIN_POINTER_CHUNK_BYTES, type AttachmentPointerData } from '../media/AttachmentPointer';
import { AttachmentDecryptor } from '../media/cipher/AttachmentDecryptor';
import { isAttachmentError } from '../media/cipher/AttachmentError';
import type { MediaLibrary } from '../media/MediaLibrary';
import type { BlobTokenSource } from '../media/transfer/BlobTokenSource';
import { downloadBlob } from '../media/transfer/rangeDownload';
import type { ProfileCopies } from '../profiles/profileCopies';
import type { Logger } from '../transport';
import type { Vault } from '../vault';
import { decodeArchive, HistoryArchiveError, MAX_HISTORY_ARCHIVE_BYTES, type ArchiveGroup, type ArchiveContact, type ArchiveVerifiedContact, type HistoryArchive } from './archiveCodec';
import { HISTORY_DIR } from './HistoryExports';

const RECORD = 'history-import';

/** Where the archive is and how to open it (an attachment stream's pointer), as the provisioning message says. */
export const ArchivePointer = z.strictObject({
  blob: BlobId,
  key: base64Bytes({ exactBytes: 32 }),
  digest: base64Bytes({ exactBytes: 32 }),
  /** Plaintext bytes (the serialized archive). */
  size: z.number().int().min(1).max(MAX_HISTORY_ARCHIVE_BYTES),
  chunkBytes: z.number().int().min(MIN_POINTER_CHUNK_BYTES).max(MAX_POINTER_CHUNK_BYTES),
});
export type ArchivePointer = z.infer<typeof ArchivePointer>;

export interface HistoryImportOptions {
  dataDir: string;
  vault: Vault;
  library: Pick<MediaLibrary, 'adopt'>;
  endpoint: () => URL;
  tokens: BlobTokenSource;
  /** Takes the archive's groups this device does not know yet. */
  importGroups: (groups: readonly ArchiveGroup[]) => Promise<void>;
  /** Takes the primary's verified contacts (each for the key compared there). */
  importVerifications: (contacts: readonly ArchiveVerifiedContact[]) => Promise<void>;
  /** Takes the primary's contacts and blocked users. */
  importContacts: (contacts: readonly ArchiveContact[]) => Promise<void>;
  /** Takes the primary's profiles this device has none of yet. */
  importProfiles: (profiles: ProfileCopies) => Promise<void>;
  events: IpcEvents;
  logger: Logger;
}

export class HistoryImport {
  private state: HistoryImportView = { state: 'none' };
  private archive: HistoryArchive | undefined;
  private attachments = new Map<string, AttachmentPointerData>();
  private running: Promise<void> | undefined;
  private readonly stop = new AbortController();

  private constructor(private readonly options: HistoryImportOptions) {}

  /** Opens the import, resuming one a restart interrupted. */
  static async open(options: HistoryImportOptions): Promise<HistoryImport> {
    const history = new HistoryImport(options);
    const stored = await options.vault.get('records', RECORD);
    if (stored) {
      const parsed = ArchivePointer.safeParse(JSON.parse(utf8Decode(stored)));
      if (parsed.success) history.fetch(parsed.data);
      else await options.vault.delete('records', RECORD);
    }
    return history;
  }

  view(): HistoryImportView {
    return this.state;
  }

  /** The provisioning message named an archive: keep its pointer, then fetch and open it. */
  async begin(pointer: ArchivePointer): Promise<void> {
    await this.options.vault.put('records', RECORD, utf8Encode(JSON.stringify(pointer)));
    this.fetch(pointer);
  }

  /** Resolves once the archive is ready or failed. */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  async batch(offset: number, limit: number): Promise<HistoryImportBatch> {
    const archive = this.archive;
    if (!archive) throw new AppError('no_history', { id: 'history.none' });
    const messages = archive.messages.slice(offset, offset + limit);
    const attachments: AttachmentView[] = [];
    for (const message of messages) {
      for (const id of message.attachments ?? []) {
        const pointer = this.attachments.get(id)!;
        attachments.push(await this.options.library.adopt(pointer, id, { conversationId: message.conversationId, messageId: message.messageId, sender: message.sender }));
      }
    }
    return { conversations: offset === 0 ? archive.conversations : [], messages, attachments };
  }

  /** The renderer stored every batch: forget the archive. */
  async finish(): Promise<void> {
    this.archive = undefined;
    this.attachments.clear();
    await this.discard();
    this.report({ state: 'none' });
  }

  close(): Promise<void> {
    this.stop.abort();
    return this.settled().catch(() => undefined);
  }

  private fetch(pointer: ArchivePointer): void {
    this.report({ state: 'downloading' });
    this.running = this.download(pointer).then(
      async (archive) => {
        await this.options.importGroups(archive.groups);
        await this.options.importContacts(archive.contacts);
        await this.options.importVerifications(archive.verifiedContacts);
        await this.options.importProfiles(archive.profiles);
        this.archive = archive;
        this.attachments = new Map(archive.attachments.map((a) => [a.id, a.pointer]));
        this.options.logger.info('history.import_ready', { messages: archive.messages.length, files: archive.attachments.length });
        this.report({ state: 'ready', conversations: archive.conversations.length, messages: archive.messages.length });
      },
      async (error: unknown) => {
        if (this.stop.signal.aborted) return;
        const refused = error instanceof HistoryArchiveError || isAttachmentError(error);
        if (!refused) throw error;
        this.options.logger.warn('history.import_refused', { code: error.code });
        await this.discard();
        this.report({ state: 'failed', message: error.code, text: { id: 'history.unusable', params: { cause: error.code } } });
      },
    );
  }

  private async download(pointer: ArchivePointer): Promise<HistoryArchive> {
    const dir = join(this.options.dataDir, HISTORY_DIR);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = this.file(pointer.blob);
    const key = fromBase64(pointer.key);
    const digest = fromBase64(pointer.digest);
    // A restart after the download finished reads the file again (the decryption below verifies all of it anew).
    const have = await stat(file).then((info) => info.size, () => 0);
    if (have !== attachmentCiphertextSize(pointer.size, pointer.chunkBytes)) {
      await downloadBlob({
        endpoint: this.options.endpoint(),
        blobId: pointer.blob,
        file,
        tokens: this.options.tokens,
        key,
        digest,
        size: pointer.size,
        chunkBytes: pointer.chunkBytes,
        signal: this.stop.signal,
      });
    }
    const parts: Buffer[] = [];
    await pipeline(
      createReadStream(file),
      new AttachmentDecryptor({ key, size: pointer.size, chunkBytes: pointer.chunkBytes, digest }),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          parts.push(chunk);
          callback();
        },
      }),
    );
    return decodeArchive(Buffer.concat(parts));
  }

  private async discard(): Promise<void> {
    const stored = await this.options.vault.get('records', RECORD);
    await this.options.vault.delete('records', RECORD);
    if (!stored) return;
    const parsed = ArchivePointer.safeParse(JSON.parse(utf8Decode(stored)));
    if (parsed.success) await rm(this.file(parsed.data.blob), { force: true });
  }

  private file(blob: string): string {
    return join(this.options.dataDir, HISTORY_DIR, `${blob}.in`);
  }

  private report(view: HistoryImportView): void {
    this.state = view;
    this.options.events.emit('history.importChanged', view);
  }
}

/** The pointer as the provisioning message carries it (base64 fields). */
export function archivePointerOf(sealed: { blob: string; key: Uint8Array; digest: Uint8Array; size: number; chunkBytes: number }): ArchivePointer {
  return { blob: sealed.blob, key: toBase64(sealed.key), digest: toBase64(sealed.digest), size: sealed.size, chunkBytes: sealed.chunkBytes };
}
