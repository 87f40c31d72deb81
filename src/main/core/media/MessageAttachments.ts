// Attachments on the message path. Sending: the pointers a message carries, once each file's upload has finished,
// and grants that let the devices the message goes to (and only those) fetch the blobs. Receiving: the records a
// message's pointers become, under ids derived from the message, so a redelivery after a crash adopts nothing twice,
// each offered to the automatic downloads as it arrives.
import { createHash } from 'node:crypto';
import { AppError, type AttachmentMessage, type AttachmentView, type ReceivedMessage } from '../../../shared/ipc';
import type { Address } from '../../../shared/protocol';
import type { AttachmentPointerData } from './AttachmentPointer';
import type { AutoDownloads } from './AutoDownloads';
import { isAttachmentError } from './cipher/AttachmentError';
import type { MediaLibrary } from './MediaLibrary';

export interface BlobGrants {
  grantBlob(blob: string, to: readonly Address[]): Promise<void>;
}

export class MessageAttachments {
  constructor(
    private readonly library: MediaLibrary,
    private readonly relay: BlobGrants,
    /** Most devices one grant may name (the relay's limit). */
    private readonly maxPerGrant: number,
    private readonly autoDownloads: Pick<AutoDownloads, 'offer'>,
  ) {}

  /**
   * The pointers of staged files, waiting for uploads still running. A paused upload is retryable (the message
   * goes once it is resumed and done); a failed or cancelled one fails the message with the file's reason.
   */
  async pointers(ids: readonly string[], message: AttachmentMessage): Promise<AttachmentPointerData[]> {
    await this.library.placeIn(ids, message);
    const pointers: AttachmentPointerData[] = [];
    for (const id of ids) {
      try {
        pointers.push(await this.library.pointer(id));
      } catch (error) {
        if (!isAttachmentError(error)) throw error;
        const view = error.code === 'unknown_attachment' ? undefined : await this.library.view(id);
        if (view?.state === 'paused') throw new AppError('attachment_paused', { id: 'attachment.paused' }, true);
        throw new AppError('attachment_failed', { id: 'attachment.send_failed', params: { cause: error.code } });
      }
    }
    return pointers;
  }

  /** Lets every device in `to` download each blob (repeats are harmless, so a resend grants again). */
  async grant(pointers: readonly AttachmentPointerData[], to: readonly Address[]): Promise<void> {
    for (const pointer of pointers) {
      for (let start = 0; start < to.length; start += this.maxPerGrant) {
        await this.relay.grantBlob(pointer.blobId, to.slice(start, start + this.maxPerGrant));
      }
    }
  }

  /** The records of a received message's files; those within the automatic download limits are queued. */
  async adopt(pointers: readonly AttachmentPointerData[], inboxId: string, message: AttachmentMessage): Promise<AttachmentView[]> {
    const views = await Promise.all(pointers.map((pointer, index) => this.library.adopt(pointer, receivedAttachmentId(inboxId, index), message)));
    await this.autoDownloads.offer(views);
    return views;
  }
}

/** The local id of the index-th file of a received message: 16 bytes of a hash of the inbox id, base64url. */
export function receivedAttachmentId(inboxId: string, index: number): string {
  return createHash('sha256').update(`parley-attachment\u0000${inboxId}\u0000${index}`).digest().subarray(0, 16).toString('base64url');
}

/** The files that received messages name (those main holds until the renderer has stored them). */
export function attachmentIdsOf(messages: readonly ReceivedMessage[]): Set<string> {
  const ids = new Set<string>();
  for (const message of messages) {
    if (message.content.kind === 'media') for (const attachment of message.content.attachments) ids.add(attachment.id);
  }
  return ids;
}
