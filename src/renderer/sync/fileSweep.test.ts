// The one-time sweep: of the files main lists, only those no stored message has are named for deletion — never a
// file of a message still here, nor one an own unsent message names — and it runs once per account.
import { describe, expect, it } from 'vitest';
import { MAX_SWEEP_PAGE, type SweepFile } from '../../shared/ipc';
import { deleteMessage } from '../db/actions';
import { storeReceived } from '../db/incoming';
import { queueMediaMessage } from '../db/outgoing';
import type { StoredMessage } from '../db/rows';
import { freshDatabase } from '../testing/db';
import { attachmentView, mediaFrom } from '../testing/messages';
import { FILES_SWEPT, sweepFiles, type FileSweepIpc } from './fileSweep';

const T = 1_700_000_000_000;
const titleOf = (id: string) => id.slice(3);

/** Main's side: the files it lists, paged; what the sweep names is deleted. */
function fakeMain(files: SweepFile[]): FileSweepIpc & { files: SweepFile[]; pages: number } {
  const main = {
    files: [...files],
    pages: 0,
    async list(offset: number, limit: number) {
      main.pages += 1;
      const page = files.slice(offset, offset + limit);
      return { files: page, more: offset + page.length < files.length };
    },
    async sweep(ids: string[]) {
      expect(ids.length).toBeLessThanOrEqual(MAX_SWEEP_PAGE);
      main.files = main.files.filter((file) => !ids.includes(file.id));
    },
  };
  return main;
}

describe('sweepFiles', () => {
  it('deletes the files of messages gone from here, and keeps those of stored messages and of own unsent ones', async () => {
    const db = freshDatabase();
    const message = (messageId: string) => ({ conversationId: 'dm:bob', messageId, sender: 'bob' });
    const stored = attachmentView();
    const tombstoned = attachmentView();
    await storeReceived(db, [mediaFrom('bob', 'm1', [stored], 'kept'), mediaFrom('bob', 'm2', [tombstoned], 'deleted for everyone', { sentAt: T })], 'alice', titleOf);
    const tombstone = (await db.messages.where('[conversationId+messageId+sender]').equals(['dm:bob', 'm2', 'bob']).first()) as StoredMessage;
    await db.messages.put({ ...tombstone, body: '', attachments: [], deleted: true });
    const unsent = attachmentView({ direction: 'outgoing', state: 'uploaded' });
    await queueMediaMessage(db, { conversationId: 'dm:bob', caption: 'on its way', attachments: [unsent], me: 'alice', now: T, messageId: 'q1' });
    const deletedUnsent = attachmentView({ direction: 'outgoing', state: 'uploaded' });
    const queued = await queueMediaMessage(db, { conversationId: 'dm:bob', caption: 'deleted before sent', attachments: [deletedUnsent], me: 'alice', now: T, messageId: 'q2' });
    await deleteMessage(db, 'alice', queued, false, T + 1);
    const orphan = attachmentView({ direction: 'outgoing', state: 'uploaded' });

    const main = fakeMain([
      { id: stored.id, message: message('m1') },
      { id: tombstoned.id, message: message('m2') },
      { id: 'gone000000000000000000', message: message('m3') },
      // The same message id from someone else is another message.
      { id: 'other00000000000000000', message: { ...message('m1'), sender: 'mallory' } },
      { id: unsent.id, message: null },
      { id: deletedUnsent.id, message: null },
      { id: orphan.id, message: null },
    ]);
    expect(await sweepFiles(db, main)).toBe(5);
    expect(main.files.map((file) => file.id)).toEqual([stored.id, unsent.id]);
    expect(await db.meta.get(FILES_SWEPT)).toBeDefined();
  });

  it('pages through main’s list, and runs once', async () => {
    const db = freshDatabase();
    const many = Array.from({ length: MAX_SWEEP_PAGE * 2 + 1 }, (_, i) => ({
      id: `f${String(i).padStart(21, '0')}`,
      message: { conversationId: 'dm:bob', messageId: `m${i}`, sender: 'bob' },
    }));
    const main = fakeMain(many);
    let pauses = 0;
    expect(
      await sweepFiles(db, main, async () => {
        pauses += 1;
      }),
    ).toBe(many.length);
    expect(main.pages).toBe(3);
    expect(pauses).toBe(2);
    expect(main.files).toEqual([]);

    const again = fakeMain(many);
    expect(await sweepFiles(db, again)).toBe(0);
    expect(again.pages).toBe(0);
  });
});
