// The hand-over of deleted messages' files to main: what a crash left is handed over at start, what is noted later
// as it is noted; a note goes only once main has answered, and a failure is tried again.
import { describe, expect, it, vi } from 'vitest';
import { MAX_FORGET_MESSAGES, type GoneMessage } from '../../shared/ipc';
import { noteFileDeletions } from '../db/fileDeletions';
import { freshDatabase } from '../testing/db';
import { FileDeletionWorker, RETRY_FIRST_MS } from './FileDeletionWorker';

const gone = (i: number): GoneMessage => ({ conversationId: 'dm:bob', messageId: `m${i}`, sender: 'bob' });

describe('FileDeletionWorker', () => {
  it('hands main what was noted before it started, in calls of at most MAX_FORGET_MESSAGES, then removes the notes', async () => {
    const db = freshDatabase();
    const many = Array.from({ length: MAX_FORGET_MESSAGES + 3 }, (_, i) => gone(i));
    await db.transaction('rw', db.fileDeletions, () => noteFileDeletions(db, many));
    await db.transaction('rw', db.fileDeletions, () => noteFileDeletions(db, [{ ...gone(9_999), files: ['att0000000000000000001'] }]));
    const calls: GoneMessage[][] = [];
    const worker = new FileDeletionWorker({ db, forget: async (messages) => void calls.push(messages), log: () => undefined });
    worker.start();
    try {
      await vi.waitFor(async () => expect(await db.fileDeletions.count()).toBe(0), { timeout: 10_000 });
      expect(calls.map((call) => call.length)).toEqual([MAX_FORGET_MESSAGES, 3, 1]);
      expect(calls.flat()).toEqual([...many, { ...gone(9_999), files: ['att0000000000000000001'] }]);
    } finally {
      worker.stop();
    }
  });

  it('hands over what is noted while it runs', async () => {
    const db = freshDatabase();
    const forget = vi.fn(async () => undefined);
    const worker = new FileDeletionWorker({ db, forget, log: () => undefined });
    worker.start();
    try {
      await db.transaction('rw', db.fileDeletions, () => noteFileDeletions(db, [gone(1)]));
      await vi.waitFor(() => expect(forget).toHaveBeenCalledWith([gone(1)]), { timeout: 10_000 });
      await db.transaction('rw', db.fileDeletions, () => noteFileDeletions(db, [gone(2)]));
      await vi.waitFor(() => expect(forget).toHaveBeenCalledWith([gone(2)]), { timeout: 10_000 });
      await vi.waitFor(async () => expect(await db.fileDeletions.count()).toBe(0), { timeout: 10_000 });
    } finally {
      worker.stop();
    }
  });

  it('keeps a note main did not confirm and tries it again', async () => {
    const db = freshDatabase();
    await db.transaction('rw', db.fileDeletions, () => noteFileDeletions(db, [gone(1)]));
    const logged: string[] = [];
    const forget = vi.fn().mockRejectedValueOnce(new Error('main went away')).mockResolvedValue(undefined);
    const worker = new FileDeletionWorker({ db, forget, log: (event) => logged.push(event) });
    worker.start();
    try {
      await vi.waitFor(() => expect(forget).toHaveBeenCalledTimes(1), { timeout: 10_000 });
      expect(await db.fileDeletions.count()).toBe(1);
      await vi.waitFor(async () => expect(await db.fileDeletions.count()).toBe(0), { timeout: RETRY_FIRST_MS + 10_000 });
      expect(forget).toHaveBeenCalledTimes(2);
      expect(logged).toEqual(['files.forget_failed']);
    } finally {
      worker.stop();
    }
  });
});
