// The blob index contract as one test suite, run against every implementation (SQLite, Redis): reservations within
// the account quota, a blob id taken once, activity and completion, the collector's queries, grants, and removal
// giving the quota back exactly once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobIndex } from './blob-index';

export interface BlobIndexUnderTest {
  index: BlobIndex;
  /** Closes the index and deletes its data. */
  destroy(): Promise<void>;
}

const alice = { user: 'Alice', device: 1 };
const aliceLaptop = { user: 'alice', device: 2 };
const bob = { user: 'bob', device: 1 };
const id = (n: number) => `blob${String(n).padStart(18, '0')}`;

export function describeBlobIndexContract(name: string, open: () => Promise<BlobIndexUnderTest>): void {
  describe(`blob index contract: ${name}`, () => {
    let subject: BlobIndexUnderTest;
    let index: BlobIndex;

    beforeEach(async () => {
      subject = await open();
      index = subject.index;
    });
    afterEach(async () => {
      await subject.destroy();
    });

    it('reserves within the quota of the whole account, takes an id once, and gives bytes back on removal', async () => {
      expect(await index.reserve({ id: id(1), owner: alice, size: 600, now: 10 }, 1000)).toBe('reserved');
      expect(await index.reserve({ id: id(1), owner: alice, size: 1, now: 11 }, 1000)).toBe('exists');
      // Another device of the same account shares the quota.
      expect(await index.reserve({ id: id(2), owner: aliceLaptop, size: 500, now: 12 }, 1000)).toBe('quota_exceeded');
      expect(await index.find(id(2))).toBeUndefined();
      expect(await index.reserve({ id: id(2), owner: aliceLaptop, size: 400, now: 12 }, 1000)).toBe('reserved');
      expect(await index.usedBytes('ALICE')).toBe(1000);
      expect(await index.usedBytes('bob')).toBe(0);
      expect(await index.find(id(1))).toEqual({
        id: id(1),
        owner: { user: 'alice', device: 1 },
        size: 600,
        createdAt: 10,
        touchedAt: 10,
        completedAt: null,
        expiresAt: null,
      });
      await index.remove(id(1));
      await index.remove(id(1));
      expect(await index.find(id(1))).toBeUndefined();
      expect(await index.usedBytes('alice')).toBe(400);
    });

    it('finds abandoned uploads by last activity and finished blobs by expiry, oldest first', async () => {
      for (const n of [1, 2, 3]) await index.reserve({ id: id(n), owner: alice, size: 10, now: 100 }, 1000);
      await index.touch(id(2), 300);
      await index.complete(id(3), 400, 1400);
      expect(await index.find(id(3))).toMatchObject({ completedAt: 400, touchedAt: 400, expiresAt: 1400 });
      expect(await index.abandoned(200, 10)).toEqual([id(1)]);
      expect(await index.abandoned(100, 10)).toEqual([]);
      expect(await index.abandoned(1000, 10)).toEqual([id(1), id(2)]);
      expect(await index.expired(1399, 10)).toEqual([]);
      expect(await index.expired(1400, 10)).toEqual([id(3)]);
      await index.reserve({ id: id(4), owner: alice, size: 10, now: 100 }, 1000);
      await index.complete(id(4), 400, 1200);
      expect(await index.expired(5000, 10)).toEqual([id(4), id(3)]);
      expect(await index.expired(5000, 1)).toEqual([id(4)]);
    });

    it('grants a blob to devices, ignores repeats, and forgets grants with the blob', async () => {
      await index.reserve({ id: id(1), owner: alice, size: 10, now: 1 }, 1000);
      await index.grant(id(1), [bob, { user: 'Carol', device: 3 }]);
      await index.grant(id(1), [bob]);
      expect(await index.isGranted(id(1), { user: 'BOB', device: 1 })).toBe(true);
      expect(await index.isGranted(id(1), { user: 'carol', device: 3 })).toBe(true);
      expect(await index.isGranted(id(1), { user: 'bob', device: 2 })).toBe(false);
      await index.remove(id(1));
      await index.reserve({ id: id(1), owner: alice, size: 10, now: 2 }, 1000);
      expect(await index.isGranted(id(1), bob)).toBe(false);
    });
  });
}
