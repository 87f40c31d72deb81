import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../../test/support/relay-harness';
import type { Address } from '../../../shared/protocol';
import type { EnvelopeToStore, MailboxWriteBatch } from '../relay-store';
import { openSqliteStore, type SqliteRelayStore } from './sqlite-store';

let dir: string;
let store: SqliteRelayStore;
const alice: Address = { user: 'alice', device: 1 };
const bob: Address = { user: 'bob', device: 1 };
const carol: Address = { user: 'carol', device: 1 };
const KEY = 'A'.repeat(43) + '=';

beforeEach(async () => {
  dir = makeTempDir('parley-store-');
  store = openSqliteStore({ dataDir: dir, durability: 'disk' });
  for (const address of [alice, bob, carol]) {
    expect(await store.registerDevice({ address, identityKey: KEY, registeredAt: 1 })).toBe('registered');
  }
});
afterEach(async () => {
  await store.close();
  removeDir(dir);
});

function envelope(messageId: string, recipients: Address[], sender = alice): EnvelopeToStore {
  return { sender, messageId, recipients, payload: new TextEncoder().encode(`payload-${messageId}`), sentAt: 1000 };
}

function batch(parts: Partial<MailboxWriteBatch>): MailboxWriteBatch {
  return { acks: [], enqueues: [], mailboxQuota: 100, now: 5000, ...parts };
}

describe('accounts', () => {
  it('registers once, recognizes a retry with the same key, and refuses others', async () => {
    expect(await store.registerDevice({ address: { user: 'alice', device: 1 }, identityKey: KEY, registeredAt: 2 })).toBe('already_registered');
    expect(await store.registerDevice({ address: { user: 'ALICE', device: 1 }, identityKey: 'B'.repeat(43) + '=', registeredAt: 2 })).toBe(
      'username_taken',
    );
    expect(await store.registerDevice({ address: { user: 'alice', device: 2 }, identityKey: KEY, registeredAt: 2 })).toBe('username_taken');
    expect(await store.findDevice({ user: 'Alice', device: 1 })).toEqual({ address: alice, identityKey: KEY, registeredAt: 1 });
    expect(await store.findDevice({ user: 'alice', device: 2 })).toBeUndefined();
  });
});

describe('mailboxes', () => {
  it('stores one envelope into several mailboxes, pages them in order, and acks delete', async () => {
    const result = await store.commitMailboxBatch(
      batch({ enqueues: [envelope('m1', [bob, carol]), envelope('m2', [bob]), envelope('m3', [bob])] }),
    );
    expect(result.enqueues.map((o) => o.status)).toEqual(['stored', 'stored', 'stored']);
    expect(await store.pendingCount(bob)).toBe(3);
    expect(await store.pendingCount(carol)).toBe(1);
    const page = await store.pageMailbox(bob, 0, 10);
    expect(page.map((d) => [d.seq, d.messageId, d.from])).toEqual([
      [1, 'm1', alice],
      [2, 'm2', alice],
      [3, 'm3', alice],
    ]);
    expect((await store.pageMailbox(bob, 1, 1)).map((d) => d.messageId)).toEqual(['m2']);

    expect(Buffer.from(page[0]!.payload).toString()).toBe('payload-m1');

    // Acks are idempotent, and an unknown mailbox or a delivery already gone is no error.
    await store.commitMailboxBatch(
      batch({
        acks: [
          { mailbox: bob, through: 0, also: [2] },
          { mailbox: bob, through: 0, also: [2] },
          { mailbox: carol, through: 0, also: [3] },
          { mailbox: { user: 'nobody', device: 1 }, through: 1, also: [] },
        ],
      }),
    );
    expect((await store.pageMailbox(bob, 0, 10)).map((d) => d.messageId)).toEqual(['m1', 'm3']);
    expect(await store.pendingCount(bob)).toBe(2);
    expect(await store.pendingCount(carol)).toBe(1);
  });

  it('deletes a whole range with a cumulative ack and listed deliveries above a gap, in one batch', async () => {
    await store.commitMailboxBatch(batch({ enqueues: ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => envelope(id, [bob, carol])) }));
    await store.commitMailboxBatch(batch({ acks: [{ mailbox: bob, through: 2, also: [4, 6] }, { mailbox: carol, through: 6, also: [] }] }));
    expect((await store.pageMailbox(bob, 0, 10)).map((d) => [d.seq, d.messageId])).toEqual([
      [3, 'c'],
      [5, 'e'],
    ]);
    expect(await store.pendingCount(bob)).toBe(2);
    expect(await store.pendingCount(carol)).toBe(0);
    // Envelopes acked by both mailboxes keep only their dedup record; the others keep their payload.
    const resend = await store.commitMailboxBatch(batch({ enqueues: [envelope('a', [bob]), envelope('c', [bob])] }));
    expect(resend.enqueues.map((o) => o.status)).toEqual(['duplicate', 'duplicate']);
    expect(await store.pruneDedupRecords(Number.MAX_SAFE_INTEGER, 100)).toBe(4);
    expect((await store.pageMailbox(bob, 0, 10)).map((d) => Buffer.from(d.payload).toString())).toEqual(['payload-c', 'payload-e']);
  });

  it('dedups by (sender, messageId), also within one batch and after the last ack', async () => {
    const first = await store.commitMailboxBatch(batch({ enqueues: [envelope('same', [bob]), envelope('same', [carol])] }));
    expect(first.enqueues.map((o) => o.status)).toEqual(['stored', 'duplicate']);
    expect(await store.pendingCount(carol)).toBe(0);
    await store.commitMailboxBatch(batch({ acks: [{ mailbox: bob, through: 1, also: [] }] }));
    const again = await store.commitMailboxBatch(batch({ enqueues: [envelope('same', [bob]), envelope('same', [bob], carol)] }));
    expect(again.enqueues.map((o) => o.status)).toEqual(['duplicate', 'stored']);
  });

  it('refuses a whole envelope for an unknown recipient or a full mailbox, writing nothing', async () => {
    const result = await store.commitMailboxBatch(
      batch({
        mailboxQuota: 2,
        enqueues: [
          envelope('a', [bob]),
          envelope('b', [bob]),
          envelope('c', [carol, bob]),
          envelope('d', [carol, { user: 'ghost', device: 1 }]),
          envelope('e', [carol]),
        ],
      }),
    );
    expect(result.enqueues).toEqual([
      expect.objectContaining({ status: 'stored' }),
      expect.objectContaining({ status: 'stored' }),
      { status: 'mailbox_full', recipients: [bob] },
      { status: 'unknown_recipient', recipients: [{ user: 'ghost', device: 1 }] },
      expect.objectContaining({ status: 'stored' }),
    ]);
    expect((await store.pageMailbox(carol, 0, 10)).map((d) => d.messageId)).toEqual(['e']);
    // Refused envelopes left no dedup record: they can be sent later.
    const later = await store.commitMailboxBatch(batch({ enqueues: [envelope('d', [carol])] }));
    expect(later.enqueues[0]?.status).toBe('stored');
  });

  it('answers a resend duplicate even when a recipient is now full or unknown', async () => {
    await store.commitMailboxBatch(batch({ enqueues: [envelope('m1', [bob])] }));
    const resend = await store.commitMailboxBatch(
      batch({ mailboxQuota: 1, enqueues: [envelope('m1', [bob]), envelope('m1', [carol, { user: 'ghost', device: 1 }])] }),
    );
    expect(resend.enqueues).toEqual([{ status: 'duplicate' }, { status: 'duplicate' }]);
    expect(await store.pendingCount(bob)).toBe(1);
    expect(await store.pendingCount(carol)).toBe(0);
  });

  it('enforces the quota from the database again after a batch fails and rolls back', async () => {
    await store.commitMailboxBatch(batch({ enqueues: [envelope('m1', [bob])] }));
    // The ack would free bob's only slot, but the batch fails afterwards and is rolled back as a whole.
    const broken = { ...envelope('m2', [carol]), payload: {} as unknown as Uint8Array };
    await expect(
      store.commitMailboxBatch(batch({ mailboxQuota: 1, acks: [{ mailbox: bob, through: 1, also: [] }], enqueues: [broken] })),
    ).rejects.toThrow();
    expect(await store.pendingCount(bob)).toBe(1);
    const result = await store.commitMailboxBatch(batch({ mailboxQuota: 1, enqueues: [envelope('m3', [bob])] }));
    expect(result.enqueues).toEqual([{ status: 'mailbox_full', recipients: [bob] }]);
  });

  it('prunes dedup records only once the envelope is gone and older than the cut-off', async () => {
    await store.commitMailboxBatch(batch({ enqueues: [envelope('old', [bob]), envelope('kept', [bob])] }));
    await store.commitMailboxBatch(batch({ now: 10_000, acks: [{ mailbox: bob, through: 1, also: [] }] }));
    expect(await store.pruneDedupRecords(10_000, 100)).toBe(0);
    expect(await store.pruneDedupRecords(10_001, 100)).toBe(1);
    const resend = await store.commitMailboxBatch(batch({ enqueues: [envelope('old', [bob]), envelope('kept', [bob])] }));
    expect(resend.enqueues.map((o) => o.status)).toEqual(['stored', 'duplicate']);
  });

  it('keeps everything, including mailbox sequence numbers, across a reopen', async () => {
    await store.commitMailboxBatch(batch({ enqueues: [envelope('m1', [bob]), envelope('m2', [bob])] }));
    await store.commitMailboxBatch(batch({ acks: [{ mailbox: bob, through: 0, also: [2] }] }));
    await store.close();
    store = openSqliteStore({ dataDir: dir, durability: 'process' });
    expect(await store.findDevice(bob)).toBeDefined();
    const result = await store.commitMailboxBatch(batch({ enqueues: [envelope('m3', [bob])] }));
    expect(result.enqueues[0]).toEqual({ status: 'stored', deliveries: [{ recipient: bob, seq: 3 }] });
    expect((await store.pageMailbox(bob, 0, 10)).map((d) => d.seq)).toEqual([1, 3]);
  });

  it('rejects calls after close with a typed error', async () => {
    await store.close();
    await expect(store.pendingCount(bob)).rejects.toMatchObject({ code: 'store_closed' });
    store = openSqliteStore({ dataDir: dir, durability: 'disk' });
  });
});
