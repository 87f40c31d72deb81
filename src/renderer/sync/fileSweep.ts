// The one-time sweep of files kept from before deleted and expired messages took their files (docs/security.md §17):
// main lists the files it has, page by page, each with the message it belongs to (media.sweepList; never files made
// since main started, nor those of messages main still holds for this side); this side names those no stored message
// has (media.sweep), and main deletes them. A file stays if its message is here and not deleted for everyone, or —
// a file not in a message yet — if one of this user's messages names it (queued, or failed before it was sent).
// Done once per account: a mark in `meta` says so; an interrupted sweep starts over at the next start.
import Dexie from 'dexie';
import { MAX_SWEEP_PAGE, type AttachmentMessage, type SweepFile } from '../../shared/ipc';
import type { ParleyDatabase } from '../db/database';
import type { MessageRow } from '../db/rows';

export const FILES_SWEPT = 'filesSwept';

export interface FileSweepIpc {
  list(offset: number, limit: number): Promise<{ files: SweepFile[]; more: boolean }>;
  sweep(ids: string[]): Promise<void>;
}

/** Runs the sweep unless it ran before; returns how many files were deleted. `pause` runs between pages. */
export async function sweepFiles(db: ParleyDatabase, ipc: FileSweepIpc, pause: () => Promise<void> = () => Promise.resolve()): Promise<number> {
  if ((await db.meta.get(FILES_SWEPT)) !== undefined) return 0;
  let ownFiles: Set<string> | undefined;
  let deleted = 0;
  for (let offset = 0; ; ) {
    const page = await ipc.list(offset, MAX_SWEEP_PAGE);
    const unused: string[] = [];
    for (const file of page.files) {
      if (file.message) {
        if (!(await isStored(db, file.message))) unused.push(file.id);
      } else {
        ownFiles ??= await filesOfOwnMessages(db);
        if (!ownFiles.has(file.id)) unused.push(file.id);
      }
    }
    if (unused.length > 0) await ipc.sweep(unused);
    deleted += unused.length;
    offset += page.files.length;
    if (!page.more || page.files.length === 0) break;
    await pause();
  }
  await db.meta.put({ key: FILES_SWEPT, value: Date.now() });
  return deleted;
}

async function isStored(db: ParleyDatabase, message: AttachmentMessage): Promise<boolean> {
  const row = await db.messages.where('[conversationId+messageId+sender]').equals([message.conversationId, message.messageId, message.sender]).first();
  return row !== undefined && !row.deleted;
}

/**
 * Files named by this user's own messages. Main puts every file it receives in its message at once, so a file in no
 * message yet can only be one this user sent or is sending (or forwarded): own messages are enough.
 */
async function filesOfOwnMessages(db: ParleyDatabase): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const conversationId of (await db.conversations.toCollection().primaryKeys()) as string[]) {
    await db.messages
      .where('[conversationId+direction+seq]')
      .between([conversationId, 'out', Dexie.minKey], [conversationId, 'out', Dexie.maxKey])
      .each((row: MessageRow) => {
        if (!row.deleted) for (const attachment of row.attachments ?? []) ids.add(attachment.id);
      });
  }
  return ids;
}
