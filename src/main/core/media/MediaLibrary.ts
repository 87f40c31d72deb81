// This device's attachments: staging what the renderer hands over (type sniffed from the content, encrypted into the
// local store while it uploads), the pointer a message carries once the upload is done, adopting received pointers,
// downloads with pause/resume/cancel, resuming unfinished transfers after a restart, and decrypted ranges for the
// media URL. It reports every change as an AttachmentView (no key, digest or blob id ever leaves it).
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { attachmentCiphertextSize, ATTACHMENT_CHUNK_BYTES, MAX_ATTACHMENT_BYTES } from '../../../shared/media/attachmentFormat';
import type { AttachmentMessage, AttachmentView, GoneMessage, SweepFile } from '../../../shared/ipc';
import type { Logger } from '../transport';
import { MAX_THUMBNAIL_BYTES, THUMBNAIL_TYPES, type AttachmentPointerData } from './AttachmentPointer';
import { ATTACHMENT_KEY_BYTES } from './cipher/streamKeys';
import { AttachmentError, isAttachmentError } from './cipher/AttachmentError';
import { peekHead } from './peekHead';
import { AttachmentRecords, LocalAttachmentId, type AttachmentRecord } from './store/AttachmentRecords';
import { FileGrowth } from './store/growingFile';
import { plaintextRange } from './store/plaintextRange';
import { kindOf, sanitizeFileName, SNIFF_BYTES, sniffType } from './store/sniffType';
import { toView } from './attachmentView';
import type { BlobTokenSource } from './transfer/BlobTokenSource';
import { encryptAndUpload } from './transfer/encryptAndUpload';
import { downloadBlob } from './transfer/rangeDownload';
import { uploadBlob } from './transfer/tusUpload';
import type { Vault } from '../vault';

export const ATTACHMENTS_DIR = 'attachments';
const FILE_SUFFIX = '.pat';
const PROGRESS_EVERY_MS = 200;

/** What the renderer says about a file it stages; everything else main finds out itself. */
export interface StageRequest {
  declaredSize: number;
  fileName: string;
  voiceNote?: boolean;
  width?: number;
  height?: number;
  durationMs?: number;
  blurhash?: string;
}

export interface MediaLibraryOptions {
  dataDir: string;
  vault: Vault;
  /** The relay's blob endpoint, as of now (the relay can move). */
  endpoint: () => URL;
  tokens: BlobTokenSource;
  onChanged: (view: AttachmentView) => void;
  logger: Logger;
  now?: () => number;
}

interface Transfer {
  stop: AbortController;
  done: Promise<void>;
  growth?: FileGrowth;
}

export class MediaLibrary {
  private readonly records: AttachmentRecords;
  private readonly transfers = new Map<string, Transfer>();
  private readonly lastReport = new Map<string, number>();
  private readonly dir: string;
  private closing = false;
  /** Records made since the library opened: a sweep never takes them (a file in the tray, a message on its way). */
  private readonly madeHere = new Set<string>();
  /** The sweep's candidates, taken at its first page. */
  private sweepList: SweepFile[] | undefined;
  /** The last change to the list of running transfers (track): the next waits for it. */
  private activeListChanges: Promise<void> = Promise.resolve();

  private constructor(private readonly options: MediaLibraryOptions) {
    this.records = new AttachmentRecords(options.vault);
    this.dir = join(options.dataDir, ATTACHMENTS_DIR);
  }

  /** Opens the library and resumes every transfer that was running when the app last stopped. */
  static async open(options: MediaLibraryOptions): Promise<MediaLibrary> {
    const library = new MediaLibrary(options);
    await mkdir(library.dir, { recursive: true, mode: 0o700 });
    for (const id of await library.records.active()) {
      const record = await library.records.get(id);
      if (record?.state === 'uploading' && record.digest !== null) library.startUpload(record);
      else if (record?.state === 'downloading') library.startDownload(record);
      else if (record?.state === 'encrypting') await library.fail(record, new AttachmentError('unreadable', 'Parley stopped before this file was ready. Add it again.'));
    }
    return library;
  }

  fileOf(id: string): string {
    return join(this.dir, `${id}${FILE_SUFFIX}`);
  }

  async view(id: string): Promise<AttachmentView> {
    return toView(await this.require(id));
  }

  /** Every upload and download that has not finished, paused ones included, oldest first (the transfers list). */
  async listTransfers(): Promise<AttachmentView[]> {
    const records = await Promise.all((await this.records.active()).map((id) => this.records.get(id)));
    // A transfer that has just finished is marked done before it leaves the active list: it is not listed.
    return records
      .filter((record): record is AttachmentRecord => record !== undefined)
      .map(toView)
      .filter((view) => view.state !== 'downloaded' && view.state !== 'uploaded');
  }

  /** Takes a file from the renderer: refuses what is too large or empty before a byte is uploaded, then encrypts and uploads. */
  async stage(body: Readable, request: StageRequest): Promise<AttachmentView> {
    if (!Number.isSafeInteger(request.declaredSize) || request.declaredSize < 1) throw new AttachmentError('unreadable', 'The file is empty or could not be read.');
    if (request.declaredSize > MAX_ATTACHMENT_BYTES) throw new AttachmentError('too_large', 'Files can be at most 2 GiB.');
    const { head, stream } = await peekHead(body, SNIFF_BYTES);
    if (head.length === 0) throw new AttachmentError('unreadable', 'The file is empty or could not be read.');
    const sniffed = await sniffType(head, { voiceNote: request.voiceNote ?? false });
    const key = randomBytes(ATTACHMENT_KEY_BYTES);
    const record: AttachmentRecord = {
      id: this.newId(),
      direction: 'outgoing',
      kind: sniffed.kind,
      contentType: sniffed.contentType,
      fileName: sanitizeFileName(request.fileName),
      size: request.declaredSize,
      ciphertextSize: attachmentCiphertextSize(request.declaredSize),
      chunkBytes: ATTACHMENT_CHUNK_BYTES,
      key: key.toString('base64'),
      digest: null,
      blobId: null,
      voiceNote: sniffed.kind === 'audio' && (request.voiceNote ?? false),
      width: request.width ?? null,
      height: request.height ?? null,
      durationMs: request.durationMs ?? null,
      blurhash: request.blurhash ?? null,
      thumbnail: null,
      state: 'encrypting',
      transferred: 0,
      error: null,
      createdAt: (this.options.now ?? Date.now)(),
    };
    await this.records.put(record);
    await this.track(record.id, true);
    const stop = new AbortController();
    const done = encryptAndUpload({
      source: stream,
      plaintextSize: record.size,
      key,
      file: this.fileOf(record.id),
      endpoint: this.options.endpoint(),
      tokens: this.options.tokens,
      signal: stop.signal,
      onBlobId: async (blobId) => void (await this.update(record.id, { blobId, state: 'uploading' })),
      onProgress: (sent) => this.progress(record.id, sent),
    }).then(
      async ({ attachment }) => {
        await this.update(record.id, { digest: Buffer.from(attachment.digest).toString('base64'), state: 'uploaded', transferred: record.ciphertextSize });
        await this.track(record.id, false);
      },
      (error: unknown) => this.settleFailure(record.id, error),
    );
    this.transfers.set(record.id, { stop, done: done.finally(() => this.transfers.delete(record.id)) });
    return toView(record);
  }

  /** The preview the renderer made (it decodes images, main never does): a small JPEG, PNG or WebP. */
  async setThumbnail(id: string, thumbnail: { data: Uint8Array; width: number; height: number }): Promise<AttachmentView> {
    const record = await this.require(id);
    const type = await sniffType(thumbnail.data);
    if (!THUMBNAIL_TYPES.has(type.contentType) || thumbnail.data.length > MAX_THUMBNAIL_BYTES) {
      throw new AttachmentError('unreadable', 'A preview must be a JPEG, PNG or WebP of at most 16 KiB.');
    }
    const updated = await this.update(record.id, {
      thumbnail: { data: Buffer.from(thumbnail.data).toString('base64'), contentType: type.contentType, width: thumbnail.width, height: thumbnail.height },
    });
    return toView(updated);
  }

  /** The pointer for a message, once the upload has finished (waits for it). */
  async pointer(id: string): Promise<AttachmentPointerData> {
    await this.transfers.get(id)?.done;
    const record = await this.require(id);
    if ((record.direction === 'outgoing' && record.state !== 'uploaded') || record.blobId === null || record.digest === null) {
      throw record.error ? new AttachmentError(record.error.code as never, record.error.message) : new AttachmentError('transfer_failed', 'The attachment has not been uploaded.');
    }
    return pointerOf(record, record.blobId, record.digest);
  }

  /**
   * The pointer of a file whose blob is on the relay — received, or sent and uploaded — without waiting; undefined
   * for a file still being sent or unknown (a history archive names files by pointer, docs/protocol.md).
   */
  async storedPointer(id: string): Promise<AttachmentPointerData | undefined> {
    const record = await this.records.get(id);
    if (!record || record.blobId === null || record.digest === null) return undefined;
    if (record.direction === 'outgoing' && record.state !== 'uploaded') return undefined;
    return pointerOf(record, record.blobId, record.digest);
  }

  /** Notes the message staged or forwarded files go with, as it is sent (the transfers list leads there). */
  async placeIn(ids: readonly string[], message: AttachmentMessage): Promise<void> {
    for (const id of ids) {
      const record = await this.records.get(id);
      if (record && record.message === undefined) {
        await this.update(id, { message });
        await this.records.addToMessage(message, id);
      }
    }
  }

  /**
   * Deletes the files of these messages — deleted for this user or for everyone, or expired: transfers stopped, the
   * encrypted files removed from disk, the records (key, digest, blob id) removed from the vault. A message's files
   * are those noted with it, and of the ids its row names those that belong to it (noted before per-message lists
   * existed) or to no message yet (it was deleted before it was sent). Messages without files here are skipped, and
   * naming one again does nothing (the renderer repeats a call it has not seen succeed). A forwarded copy is its own
   * record (and its own name for a linked file): it stays. Most messages named have no files (the purge of expired
   * messages names every one: db/expiry.ts): for those, one vault read that finds nothing, and no write.
   */
  async forgetMessages(messages: readonly GoneMessage[]): Promise<void> {
    for (const { files = [], ...message } of messages) {
      const listed = await this.records.ofMessage(message);
      const ids = new Set(listed);
      for (const id of files) {
        const record = await this.records.get(id);
        if (record && (record.message === undefined || sameMessage(record.message, message))) ids.add(id);
      }
      for (const id of ids) await this.remove(id);
      if (listed) await this.records.forgetMessage(message);
    }
  }

  /**
   * Copies of files for a forwarded message: new records with the same blob, key and digest, so the message carries
   * the original pointers and nothing is uploaded again (the relay lets a device pass on a blob it was granted). A
   * file that is here whole is linked, not copied (its encrypted bytes stay one file on disk until one message is
   * deleted); a received file not downloaded yet stays to be downloaded. Each message owns its records, so deleting
   * one never takes another's file. A file still being sent cannot be forwarded yet.
   */
  async forward(ids: readonly string[]): Promise<AttachmentView[]> {
    const views: AttachmentView[] = [];
    for (const id of ids) {
      const source = await this.require(id);
      if (source.blobId === null || source.digest === null || (source.direction === 'outgoing' && source.state !== 'uploaded')) {
        throw new AttachmentError('transfer_failed', 'This file has not been sent yet; forward it once it has.');
      }
      const whole = source.state === 'uploaded' || source.state === 'downloaded';
      const { message: _message, ...rest } = source;
      const copy: AttachmentRecord = {
        ...rest,
        id: this.newId(),
        ...(whole ? {} : { state: 'pending' as const, transferred: 0, error: null }),
        createdAt: (this.options.now ?? Date.now)(),
      };
      if (whole) await linkOrCopy(this.fileOf(source.id), this.fileOf(copy.id));
      await this.records.put(copy);
      views.push(toView(copy));
    }
    return views;
  }

  /**
   * Records a pointer received in a message (validated by the wire decoder); nothing is downloaded yet. With an id
   * (derived from the message, so a redelivery after a crash finds the same record) it is adopted at most once.
   */
  async adopt(pointer: AttachmentPointerData, id?: string, message?: AttachmentMessage): Promise<AttachmentView> {
    if (id !== undefined) {
      const existing = await this.records.get(id);
      if (existing) return toView(existing);
    }
    if (id !== undefined) this.madeHere.add(id);
    const record: AttachmentRecord = {
      id: id ?? this.newId(),
      direction: 'incoming',
      kind: kindOf(pointer.contentType),
      contentType: pointer.contentType,
      fileName: sanitizeFileName(pointer.fileName),
      size: pointer.size,
      ciphertextSize: attachmentCiphertextSize(pointer.size, pointer.chunkBytes),
      chunkBytes: pointer.chunkBytes,
      key: Buffer.from(pointer.key).toString('base64'),
      digest: Buffer.from(pointer.digest).toString('base64'),
      blobId: pointer.blobId,
      voiceNote: pointer.voiceNote && kindOf(pointer.contentType) === 'audio',
      width: pointer.width,
      height: pointer.height,
      durationMs: pointer.durationMs,
      blurhash: pointer.blurhash,
      thumbnail: pointer.thumbnail ? { ...pointer.thumbnail, data: Buffer.from(pointer.thumbnail.data).toString('base64') } : null,
      state: 'pending',
      transferred: 0,
      error: null,
      createdAt: (this.options.now ?? Date.now)(),
      ...(message ? { message } : {}),
    };
    await this.records.put(record);
    if (message) await this.records.addToMessage(message, record.id);
    return toView(record);
  }

  /** Starts or resumes a download (idempotent while one runs). */
  async download(id: string): Promise<AttachmentView> {
    const record = await this.require(id);
    if (record.direction !== 'incoming' || record.state === 'downloaded' || this.transfers.has(id)) return toView(record);
    const started = await this.update(id, { state: 'downloading', error: null });
    await this.track(id, true);
    this.startDownload(started);
    return toView(started);
  }

  /** Resolves when the transfer of `id` running now (if any) has stopped, however it ended. */
  async settled(id: string): Promise<void> {
    await this.transfers.get(id)?.done.catch(() => undefined);
  }

  /** Pauses a download or an upload; the bytes so far stay, resume continues from them. */
  async pause(id: string): Promise<AttachmentView> {
    const transfer = this.transfers.get(id);
    transfer?.stop.abort();
    await transfer?.done;
    return toView(await this.require(id));
  }

  /** Resumes a paused upload or download. */
  async resume(id: string): Promise<AttachmentView> {
    const record = await this.require(id);
    if (this.transfers.has(id) || record.state !== 'paused') return toView(record);
    if (record.direction === 'incoming') return this.download(id);
    if (record.digest === null) throw new AttachmentError('unreadable', 'This file was not fully read before it was paused. Add it again.');
    const resumed = await this.update(id, { state: 'uploading', error: null });
    await this.track(id, true);
    this.startUpload(resumed);
    return toView(resumed);
  }

  /** Stops a transfer for good and deletes the local copy (a received attachment can be downloaded again later). */
  async cancel(id: string): Promise<AttachmentView> {
    const transfer = this.transfers.get(id);
    transfer?.stop.abort();
    await transfer?.done;
    await rm(this.fileOf(id), { force: true });
    await this.track(id, false);
    const record = await this.require(id);
    const next = record.direction === 'incoming' ? { state: 'pending' as const, transferred: 0, error: null } : { state: 'failed' as const, error: { code: 'cancelled', message: 'Cancelled.' } };
    return toView(await this.update(id, next));
  }

  /** Decrypted bytes start…end for the media URL; a received attachment starts downloading if it is not yet. */
  async openRange(id: string, start: number, end: number): Promise<Readable> {
    let record = await this.require(id);
    if (record.direction === 'incoming' && record.state !== 'downloaded') {
      if (!this.transfers.has(id)) await this.download(id);
      record = await this.require(id);
    }
    const growth = this.transfers.get(id)?.growth;
    return plaintextRange({ file: this.fileOf(id), key: Buffer.from(record.key, 'base64'), size: record.size, chunkBytes: record.chunkBytes, start, end, ...(growth ? { growth } : {}) });
  }

  /**
   * Writes the decrypted file to `path`, a place the user chose (never a temporary file): every chunk is
   * authenticated before it is written, and a file that fails part-way is removed again.
   */
  async saveTo(id: string, path: string): Promise<void> {
    const record = await this.requireHere(id);
    const source = plaintextRange({ file: this.fileOf(id), key: Buffer.from(record.key, 'base64'), size: record.size, chunkBytes: record.chunkBytes, start: 0, end: record.size - 1 });
    try {
      await pipeline(source, createWriteStream(path, { mode: 0o600 }));
    } catch (error) {
      await rm(path, { force: true });
      throw isAttachmentError(error) ? error : new AttachmentError('unreadable', 'Parley could not write the file there.');
    }
  }

  async thumbnail(id: string): Promise<{ data: Buffer; contentType: string } | undefined> {
    const record = await this.require(id);
    return record.thumbnail ? { data: Buffer.from(record.thumbnail.data, 'base64'), contentType: record.thumbnail.contentType } : undefined;
  }

  async record(id: string): Promise<AttachmentRecord> {
    return this.require(id);
  }

  /** The record of a file whose whole encrypted copy is on this computer (downloaded, or sent and uploaded). */
  async requireHere(id: string): Promise<AttachmentRecord> {
    const record = await this.require(id);
    if (record.state !== 'downloaded' && record.state !== 'uploaded') {
      throw new AttachmentError('unreadable', 'This file is not on this computer yet; download it first.');
    }
    return record;
  }

  /** Stops transfers (they resume at the next open) and waits for them to settle. */
  async close(): Promise<void> {
    this.closing = true;
    const running = [...this.transfers.values()];
    for (const transfer of running) transfer.stop.abort();
    await Promise.allSettled(running.map((t) => t.done));
  }

  /**
   * One page of the files the one-time sweep asks about: every record in the vault except those made since the library
   * opened and those `held` names (files of messages main holds for the renderer, not stored there yet), each with
   * the message it belongs to. The list is taken at offset 0 and paged from then on; taking it also deletes
   * encrypted files that have no record (no key: a step a crash interrupted), except those made since the opening.
   */
  async sweepPage(offset: number, limit: number, held: () => ReadonlySet<string>): Promise<{ files: SweepFile[]; more: boolean }> {
    if (offset === 0 || !this.sweepList) {
      const records = await this.records.all();
      const kept = held();
      this.sweepList = records
        .filter((record) => !this.madeHere.has(record.id) && !kept.has(record.id))
        .map((record) => ({ id: record.id, message: record.message ?? null }))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const known = new Set(records.map((record) => record.id));
      for (const name of await readdir(this.dir)) {
        const id = name.endsWith(FILE_SUFFIX) ? name.slice(0, -FILE_SUFFIX.length) : '';
        if (LocalAttachmentId.safeParse(id).success && !known.has(id) && !this.madeHere.has(id)) await rm(this.fileOf(id), { force: true });
      }
    }
    const files = this.sweepList.slice(offset, offset + limit);
    return { files, more: offset + files.length < this.sweepList.length };
  }

  /**
   * Deletes files the sweep found no message for, as remove() does. Only ids the sweep listed (never a record made
   * since the library opened, nor one main holds for the renderer, nor anything outside the attachment store).
   */
  async sweep(ids: readonly string[]): Promise<void> {
    const listed = new Set((this.sweepList ?? []).map((file) => file.id));
    for (const id of ids) {
      if (!listed.has(id) || this.madeHere.has(id)) continue;
      const record = await this.records.get(id);
      if (!record) continue;
      await this.remove(id);
      if (record.message) await this.records.removeFromMessage(record.message, id);
    }
  }

  private newId(): string {
    const id = randomBytes(16).toString('base64url');
    this.madeHere.add(id);
    return id;
  }

  private async remove(id: string): Promise<void> {
    const transfer = this.transfers.get(id);
    transfer?.stop.abort();
    await transfer?.done.catch(() => undefined);
    await rm(this.fileOf(id), { force: true });
    await this.track(id, false);
    await this.records.delete(id);
    this.lastReport.delete(id);
  }

  private startUpload(record: AttachmentRecord): void {
    const stop = new AbortController();
    const done = uploadBlob({
      endpoint: this.options.endpoint(),
      file: this.fileOf(record.id),
      size: record.ciphertextSize,
      tokens: this.options.tokens,
      signal: stop.signal,
      ...(record.blobId ? { blobId: record.blobId } : {}),
      onBlobId: async (blobId) => void (await this.update(record.id, { blobId })),
      onProgress: (sent) => this.progress(record.id, sent),
    }).then(
      async () => {
        await this.update(record.id, { state: 'uploaded', transferred: record.ciphertextSize });
        await this.track(record.id, false);
      },
      (error: unknown) => this.settleFailure(record.id, error),
    );
    this.transfers.set(record.id, { stop, done: done.finally(() => this.transfers.delete(record.id)) });
  }

  private startDownload(record: AttachmentRecord): void {
    const stop = new AbortController();
    const growth = new FileGrowth();
    const done = downloadBlob({
      endpoint: this.options.endpoint(),
      blobId: record.blobId!,
      file: this.fileOf(record.id),
      tokens: this.options.tokens,
      key: Buffer.from(record.key, 'base64'),
      digest: Buffer.from(record.digest!, 'base64'),
      size: record.size,
      chunkBytes: record.chunkBytes,
      signal: stop.signal,
      growth,
      onProgress: (received) => this.progress(record.id, received),
    }).then(
      async () => {
        await this.update(record.id, { state: 'downloaded', transferred: record.ciphertextSize });
        await this.track(record.id, false);
      },
      (error: unknown) => this.settleFailure(record.id, error),
    );
    this.transfers.set(record.id, { stop, growth, done: done.finally(() => this.transfers.delete(record.id)) });
  }

  /** A pause keeps the transfer resumable; anything else is a failure the user sees (with a retry). */
  private async settleFailure(id: string, error: unknown): Promise<void> {
    if (isAttachmentError(error, 'cancelled')) {
      // Stopped by close(): the state stays 'uploading'/'downloading' so the next open resumes it.
      if (!this.closing) await this.update(id, { state: 'paused' });
      return;
    }
    const record = await this.records.get(id);
    if (record) await this.fail(record, error);
  }

  private async fail(record: AttachmentRecord, error: unknown): Promise<void> {
    const known = isAttachmentError(error);
    if (!known) this.options.logger.error('media.transfer_failed', { error: (error as Error)?.name ?? 'unknown' });
    await this.update(record.id, {
      state: 'failed',
      error: known ? { code: error.code, message: error.message } : { code: 'transfer_failed', message: 'The transfer failed. Try again.' },
    });
    await this.track(record.id, false);
  }

  private progress(id: string, transferred: number): void {
    // Progress is frequent: it updates the cached record in place and is persisted with the next state change.
    const record = this.records.cached(id);
    if (!record) return;
    record.transferred = transferred;
    const now = Date.now();
    if (now - (this.lastReport.get(id) ?? 0) < PROGRESS_EVERY_MS) return;
    this.lastReport.set(id, now);
    this.options.onChanged(toView(record));
  }

  private async update(id: string, patch: Partial<AttachmentRecord>): Promise<AttachmentRecord> {
    const record = { ...(await this.require(id)), ...patch };
    await this.records.put(record);
    this.options.onChanged(toView(record));
    return record;
  }

  /**
   * Adds an id to the list of running transfers or takes it out. Changes go one after another: each reads the list
   * and writes it back, so two at once (downloads started together, one finishing while another is cancelled) would
   * otherwise lose one — a transfer missing from the list is not resumed after a restart, a stale one stays listed.
   */
  private track(id: string, active: boolean): Promise<void> {
    const change = this.activeListChanges.then(async () => {
      const ids = new Set(await this.records.active());
      if (active === ids.has(id)) return;
      if (active) ids.add(id);
      else ids.delete(id);
      await this.records.setActive([...ids]);
    });
    this.activeListChanges = change.catch(() => undefined);
    return change;
  }

  private async require(id: string): Promise<AttachmentRecord> {
    const record = await this.records.get(id);
    if (!record) throw new AttachmentError('unknown_attachment', 'This attachment is not on this device.');
    return record;
  }
}

function pointerOf(record: AttachmentRecord, blobId: string, digest: string): AttachmentPointerData {
  return {
    blobId,
    key: Buffer.from(record.key, 'base64'),
    digest: Buffer.from(digest, 'base64'),
    size: record.size,
    contentType: record.contentType,
    chunkBytes: record.chunkBytes,
    fileName: record.fileName,
    voiceNote: record.voiceNote,
    width: record.width,
    height: record.height,
    durationMs: record.durationMs,
    blurhash: record.blurhash,
    thumbnail: record.thumbnail ? { ...record.thumbnail, data: Buffer.from(record.thumbnail.data, 'base64') } : null,
  };
}

function sameMessage(a: AttachmentMessage, b: AttachmentMessage): boolean {
  return a.conversationId === b.conversationId && a.messageId === b.messageId && a.sender.toLowerCase() === b.sender.toLowerCase();
}

/** A second name for an encrypted file (a copy where the file system cannot link). */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}
