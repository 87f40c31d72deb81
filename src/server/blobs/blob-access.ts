// The rules of who may do what with a blob, used by the WebSocket frames of an authenticated device: a token to
// upload a new blob (within the per-blob limit and the account quota), a token to resume one's own upload, grants
// of a blob one uploaded or was granted (a forward) to the devices it is sent to, and a token to download a blob one
// owns or was granted.
// Anything else is `blob_not_found`, so a device learns nothing about blobs that are not its business.
import { CodedError } from '../../shared/base';
import { normalizeUsername, type Address } from '../../shared/protocol';
import type { BlobIndex } from './blob-index';
import { newBlobId, type BlobTokens } from './blob-tokens';

export interface BlobLimits {
  /** Largest blob (ciphertext bytes). */
  maxBytes: number;
  /** Bytes one account (all its devices) may hold on the relay, finished or not. */
  quotaBytes: number;
  /** Lifetime of upload and download tokens. */
  tokenTtlMs: number;
  /** Most devices one grant names. */
  maxGrantRecipients: number;
}

export type BlobErrorCode = 'invalid_size' | 'blob_too_large' | 'quota_exceeded' | 'blob_not_found' | 'too_many_recipients';

export class BlobError extends CodedError<BlobErrorCode> {
  override readonly name = 'BlobError';
}

export interface IssuedToken {
  blobId: string;
  token: string;
  expiresAt: number;
}

export class BlobAccess {
  constructor(
    private readonly index: BlobIndex,
    private readonly tokens: BlobTokens,
    private readonly limits: BlobLimits,
    private readonly now: () => number,
  ) {}

  /** A fresh blob id and the token to upload exactly `size` bytes to it. */
  async uploadToken(device: Address, size: number): Promise<IssuedToken> {
    if (!Number.isSafeInteger(size) || size < 1) throw new BlobError('invalid_size', 'A blob must have a positive whole size.');
    if (size > this.limits.maxBytes) throw new BlobError('blob_too_large', `Blobs can be at most ${this.limits.maxBytes} bytes on this relay.`);
    const used = await this.index.usedBytes(device.user);
    if (used + size > this.limits.quotaBytes) throw new BlobError('quota_exceeded', 'This account has no room left for attachments on the relay.');
    return this.issue('upload', newBlobId(), device, size);
  }

  /** A new token for an upload of one's own that has not finished. */
  async resumeToken(device: Address, blobId: string): Promise<IssuedToken> {
    const record = await this.index.find(blobId);
    if (!record || !sameDevice(record.owner, device) || record.completedAt !== null) throw notFound();
    return this.issue('upload', blobId, device, record.size);
  }

  /**
   * Lets `recipients` download a blob `device` uploaded, or a finished one it was granted (forwarding a file passes
   * it on by its pointer; a primary hands a linked device the files of its history, docs/security.md §18): whoever
   * holds the pointer could download and upload it again anyway. The blob keeps its uploader's expiry and quota.
   */
  async grant(device: Address, blobId: string, recipients: readonly Address[]): Promise<void> {
    if (recipients.length > this.limits.maxGrantRecipients) {
      throw new BlobError('too_many_recipients', `A grant names at most ${this.limits.maxGrantRecipients} devices.`);
    }
    const record = await this.index.find(blobId);
    if (!record || this.isExpired(record.expiresAt)) throw notFound();
    const mayGrant = sameDevice(record.owner, device) || (record.completedAt !== null && (await this.index.isGranted(blobId, device)));
    if (!mayGrant) throw notFound();
    await this.index.grant(blobId, recipients);
  }

  /** A download token, only for a finished, unexpired blob the device uploaded or was granted. */
  async downloadToken(device: Address, blobId: string): Promise<IssuedToken & { size: number }> {
    const record = await this.index.find(blobId);
    if (!record || record.completedAt === null || this.isExpired(record.expiresAt)) throw notFound();
    if (!sameDevice(record.owner, device) && !(await this.index.isGranted(blobId, device))) throw notFound();
    return { ...this.issue('download', blobId, device), size: record.size };
  }

  private issue(kind: 'upload' | 'download', blobId: string, device: Address, size?: number): IssuedToken {
    const expiresAt = this.now() + this.limits.tokenTtlMs;
    const token = this.tokens.sign({
      kind,
      blob: blobId,
      user: normalizeUsername(device.user),
      device: device.device,
      ...(size === undefined ? {} : { size }),
      expiresAt,
    });
    return { blobId, token, expiresAt };
  }

  private isExpired(expiresAt: number | null): boolean {
    return expiresAt !== null && expiresAt <= this.now();
  }
}

function sameDevice(a: Address, b: Address): boolean {
  return normalizeUsername(a.user) === normalizeUsername(b.user) && a.device === b.device;
}

function notFound(): BlobError {
  return new BlobError('blob_not_found', 'No such blob, or it is not yours to fetch.');
}
