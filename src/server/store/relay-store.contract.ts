// The relay store contract as one test suite, run against every implementation (SQLite, Redis, Redis Cluster):
// accounts, mailboxes (order, acks, dedup, refusals, quota) and the prekey directory. Implementation-specific
// behaviour (rollback of a failed SQLite transaction, how dedup records are pruned) is tested beside each store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Address } from '../../shared/protocol';
import type { EnvelopeToStore, MailboxWriteBatch, PrekeyUpload, RelayStore, StoredKemPrekey, StoredOneTimePrekey } from './relay-store';

export interface StoreUnderTest {
  store: RelayStore;
  /** Adds a further device to an existing user (what linking a device will do; not in the store interface yet). */
  addDevice(address: Address, identityKey: string): Promise<void>;
  /** Closes the store and opens it again on the same data. */
  reopen(): Promise<RelayStore>;
  /** Closes the store (if still open) and deletes its data. */
  destroy(): Promise<void>;
}

export interface ContractOptions {
  /** Only the mailbox path (e.g. for a Redis Cluster run). */
  mailboxesOnly?: boolean;
}

const KEY = 'A'.repeat(43) + '=';
const alice: Address = { user: 'alice', device: 1 };
const bob: Address = { user: 'bob', device: 1 };
const carol: Address = { user: 'carol', device: 1 };
const ghost: Address = { user: 'ghost', device: 1 };

const spk = (id: number) => ({ id, publicKey: `S${String(id).padStart(42, '0')}=`, signature: 'C'.repeat(86) + '==' });
const otks = (first: number, count: number): StoredOneTimePrekey[] =>
  Array.from({ length: count }, (_, i) => ({ id: first + i, publicKey: `K${String(first + i).padStart(42, '0')}=` }));
/** The store checks no sizes or signatures (the directory did): short stand-ins are enough here. */
const kems = (first: number, count: number): StoredKemPrekey[] =>
  Array.from({ length: count }, (_, i) => ({ id: first + i, publicKey: `Q${String(first + i).padStart(42, '0')}=`, signature: 'D'.repeat(86) + '==' }));

function envelope(messageId: string, recipients: Address[], sender = alice): EnvelopeToStore {
  return { sender, messageId, recipients, payload: new TextEncoder().encode(`payload-${messageId}`), sentAt: 1000 };
}

/** `now` is the wall clock: stores that expire dedup records by time (Redis) read it as such. */
function batch(parts: Partial<MailboxWriteBatch>): MailboxWriteBatch {
  return { acks: [], enqueues: [], mailboxQuota: 100, now: Date.now(), ...parts };
}

function upload(device: Address, parts: Partial<PrekeyUpload>): PrekeyUpload {
  return { device, oneTimePrekeys: [], cap: 10, now: 1000, ...parts };
}

export function describeRelayStoreContract(name: string, open: () => Promise<StoreUnderTest>, options: ContractOptions = {}): void {
  describe(`relay store contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: RelayStore;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
      for (const address of [alice, bob, carol]) {
        expect(await store.registerDevice({ address, identityKey: KEY, registeredAt: 1 })).toBe('registered');
      }
    });
    afterEach(async () => {
      await subject.destroy();
    });

    describe.skipIf(options.mailboxesOnly === true)('accounts', () => {
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

    describe.skipIf(options.mailboxesOnly === true)('linked devices', () => {
      const link = { user: 'Alice', identityKey: 'C'.repeat(43) + '=', certificate: 'sig', name: 'bmFtZQ==', linkedAt: 7, maxDevices: 3 };

      it('links under the next id, recognizes a retried link, stops at the device limit, and never reuses an id', async () => {
        expect(await store.linkDevice(link)).toEqual({ status: 'linked', device: 2 });
        expect(await store.linkDevice(link)).toEqual({ status: 'already_linked', device: 2 });
        expect(await store.linkDevice({ ...link, identityKey: 'D'.repeat(43) + '=' })).toEqual({ status: 'linked', device: 3 });
        expect(await store.linkDevice({ ...link, identityKey: 'E'.repeat(43) + '=' })).toEqual({ status: 'too_many_devices' });
        expect(await store.linkDevice({ ...link, user: 'nobody' })).toEqual({ status: 'unknown_user' });
        // A linked device's address can never be claimed by registering.
        expect(await store.registerDevice({ address: { user: 'alice', device: 2 }, identityKey: link.identityKey, registeredAt: 9 })).toBe('username_taken');
        await store.touchDevice({ user: 'alice', device: 2 }, 42);
        expect(await store.listDevices('ALICE')).toEqual([
          { address: alice, identityKey: KEY, registeredAt: 1 },
          { address: { user: 'alice', device: 2 }, identityKey: link.identityKey, registeredAt: 7, certificate: 'sig', name: 'bmFtZQ==', lastSeenAt: 42 },
          { address: { user: 'alice', device: 3 }, identityKey: 'D'.repeat(43) + '=', registeredAt: 7, certificate: 'sig', name: 'bmFtZQ==' },
        ]);
        expect(await store.listDevices('nobody')).toEqual([]);
        expect(await store.removeDevice({ user: 'alice', device: 3 }, 50)).toBe(true);
        expect(await store.removeDevice({ user: 'alice', device: 3 }, 50)).toBe(false);
        expect(await store.linkDevice({ ...link, identityKey: 'F'.repeat(43) + '=' })).toEqual({ status: 'linked', device: 4 });
      });

      it('removes a device with its mailbox and prekeys; envelopes shared with other mailboxes stay for them', async () => {
        const laptop = { user: 'alice', device: 2 };
        await store.linkDevice(link);
        await store.publishPrekeys(upload(laptop, { signedPrekey: spk(1), oneTimePrekeys: otks(1, 1) }));
        await store.publishPrekeys(upload(alice, { signedPrekey: spk(2) }));
        expect(await store.takePrekeyBundles({ user: 'alice', exclude: bob }, 10)).toMatchObject({
          status: 'taken',
          accountKey: KEY,
          bundles: [{ device: 1 }, { device: 2, certificate: 'sig', identityKey: link.identityKey }],
        });
        await store.commitMailboxBatch(batch({ enqueues: [envelope('only', [laptop], bob), envelope('both', [laptop, carol], bob)] }));
        expect(await store.pendingCount(laptop)).toBe(2);
        expect(await store.removeDevice(laptop, Date.now())).toBe(true);
        expect(await store.findDevice(laptop)).toBeUndefined();
        expect(await store.pendingCount(laptop)).toBe(0);
        expect(await store.pageMailbox(laptop, 0, 10)).toEqual([]);
        expect((await store.pageMailbox(carol, 0, 10)).map((d) => d.messageId)).toEqual(['both']);
        expect(await store.countPrekeys(laptop)).toEqual({ oneTimePrekeys: 0, signedPrekeyId: null, kemPrekeys: 0, lastResortKemPrekeyId: null });
        expect(await store.takePrekeyBundles({ user: 'alice', exclude: bob }, 10)).toMatchObject({ status: 'taken', bundles: [{ device: 1 }] });
        const refused = await store.commitMailboxBatch(batch({ enqueues: [envelope('later', [laptop], bob)] }));
        expect(refused.enqueues).toEqual([{ status: 'unknown_recipient', recipients: [laptop] }]);
      });
    });

    describe('mailboxes', () => {
      it('stores one envelope into several mailboxes, pages them in order, and acks delete', async () => {
        const result = await store.commitMailboxBatch(batch({ enqueues: [envelope('m1', [bob, carol]), envelope('m2', [bob]), envelope('m3', [bob])] }));
        expect(result.enqueues).toEqual([
          { status: 'stored', deliveries: [{ recipient: bob, seq: 1 }, { recipient: carol, seq: 1 }] },
          { status: 'stored', deliveries: [{ recipient: bob, seq: 2 }] },
          { status: 'stored', deliveries: [{ recipient: bob, seq: 3 }] },
        ]);
        expect(await store.pendingCount(bob)).toBe(3);
        expect(await store.pendingCount(carol)).toBe(1);
        const page = await store.pageMailbox(bob, 0, 10);
        expect(page.map((d) => [d.seq, d.messageId, d.from, d.sentAt])).toEqual([
          [1, 'm1', alice, 1000],
          [2, 'm2', alice, 1000],
          [3, 'm3', alice, 1000],
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
              { mailbox: ghost, through: 1, also: [] },
            ],
          }),
        );
        expect((await store.pageMailbox(bob, 0, 10)).map((d) => d.messageId)).toEqual(['m1', 'm3']);
        expect(await store.pendingCount(bob)).toBe(2);
        expect(await store.pendingCount(carol)).toBe(1);
      });

      it('keeps payload bytes exactly, whatever they hold', async () => {
        const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256);
        await store.commitMailboxBatch(batch({ enqueues: [{ ...envelope('bin', [bob]), payload: bytes }] }));
        const [delivery] = await store.pageMailbox(bob, 0, 1);
        expect(Buffer.from(delivery!.payload).equals(Buffer.from(bytes))).toBe(true);
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
        // Envelopes acked by both mailboxes keep their dedup record; the others keep their payload.
        const resend = await store.commitMailboxBatch(batch({ enqueues: [envelope('a', [bob]), envelope('c', [bob])] }));
        expect(resend.enqueues.map((o) => o.status)).toEqual(['duplicate', 'duplicate']);
        expect((await store.pageMailbox(bob, 0, 10)).map((d) => Buffer.from(d.payload).toString())).toEqual(['payload-c', 'payload-e']);
      });

      it('deletes the deliveries an ack names as pushed as it deletes the others, and keeps their dedup records', async () => {
        await store.commitMailboxBatch(batch({ enqueues: ['a', 'b', 'c', 'd', 'e'].map((id) => envelope(id, [bob, carol])) }));
        const pushed = (...seqs: number[]) => seqs.map((seq) => ({ seq, from: alice, messageId: 'abcde'[seq - 1]! }));
        // Bob's 1 was pushed on an earlier connection: this ack does not name it.
        await store.commitMailboxBatch(
          batch({ acks: [{ mailbox: bob, through: 3, also: [5], pushed: pushed(2, 3, 5) }, { mailbox: carol, through: 5, also: [], pushed: pushed(1, 2, 3, 4, 5) }] }),
        );
        expect((await store.pageMailbox(bob, 0, 10)).map((d) => [d.seq, d.messageId])).toEqual([[4, 'd']]);
        expect(await store.pendingCount(carol)).toBe(0);
        // Named again once gone: no error, nothing else deleted.
        await store.commitMailboxBatch(batch({ acks: [{ mailbox: carol, through: 5, also: [], pushed: pushed(4, 5) }] }));
        await store.commitMailboxBatch(batch({ acks: [{ mailbox: bob, through: 3, also: [], pushed: pushed(3) }] }));
        expect(await store.pendingCount(bob)).toBe(1);
        const resend = await store.commitMailboxBatch(batch({ enqueues: ['a', 'c', 'd', 'e'].map((id) => envelope(id, [bob])) }));
        expect(resend.enqueues.map((o) => o.status)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
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
            enqueues: [envelope('a', [bob]), envelope('b', [bob]), envelope('c', [carol, bob]), envelope('d', [carol, ghost]), envelope('e', [carol])],
          }),
        );
        expect(result.enqueues).toEqual([
          expect.objectContaining({ status: 'stored' }),
          expect.objectContaining({ status: 'stored' }),
          { status: 'mailbox_full', recipients: [bob] },
          { status: 'unknown_recipient', recipients: [ghost] },
          expect.objectContaining({ status: 'stored' }),
        ]);
        expect((await store.pageMailbox(carol, 0, 10)).map((d) => d.messageId)).toEqual(['e']);
        expect(await store.pendingCount(carol)).toBe(1);
        // Refused envelopes left no dedup record: they can be sent later.
        const later = await store.commitMailboxBatch(batch({ enqueues: [envelope('d', [carol]), envelope('c', [carol])] }));
        expect(later.enqueues.map((o) => o.status)).toEqual(['stored', 'stored']);
      });

      it('answers a resend duplicate even when a recipient is now full or unknown', async () => {
        await store.commitMailboxBatch(batch({ enqueues: [envelope('m1', [bob])] }));
        const resend = await store.commitMailboxBatch(batch({ mailboxQuota: 1, enqueues: [envelope('m1', [bob]), envelope('m1', [carol, ghost])] }));
        expect(resend.enqueues).toEqual([{ status: 'duplicate' }, { status: 'duplicate' }]);
        expect(await store.pendingCount(bob)).toBe(1);
        expect(await store.pendingCount(carol)).toBe(0);
      });

      it('applies batches submitted together in call order', async () => {
        const first = store.commitMailboxBatch(batch({ enqueues: [envelope('x1', [bob])] }));
        const second = store.commitMailboxBatch(batch({ acks: [{ mailbox: bob, through: 1, also: [] }], enqueues: [envelope('x2', [bob])] }));
        const third = store.commitMailboxBatch(batch({ enqueues: [envelope('x3', [bob])] }));
        await Promise.all([first, second, third]);
        expect((await store.pageMailbox(bob, 0, 10)).map((d) => [d.seq, d.messageId])).toEqual([
          [2, 'x2'],
          [3, 'x3'],
        ]);
      });

      it('keeps everything, including mailbox sequence numbers, across a reopen', async () => {
        await store.commitMailboxBatch(batch({ enqueues: [envelope('m1', [bob]), envelope('m2', [bob])] }));
        await store.commitMailboxBatch(batch({ acks: [{ mailbox: bob, through: 0, also: [2] }] }));
        store = await subject.reopen();
        expect(await store.findDevice(bob)).toBeDefined();
        const result = await store.commitMailboxBatch(batch({ enqueues: [envelope('m3', [bob]), envelope('m1', [bob])] }));
        expect(result.enqueues).toEqual([{ status: 'stored', deliveries: [{ recipient: bob, seq: 3 }] }, { status: 'duplicate' }]);
        expect((await store.pageMailbox(bob, 0, 10)).map((d) => d.seq)).toEqual([1, 3]);
      });

      it('rejects calls after close with a typed error', async () => {
        await store.close();
        await expect(store.pendingCount(bob)).rejects.toMatchObject({ code: 'store_closed' });
        await expect(store.commitMailboxBatch(batch({}))).rejects.toMatchObject({ code: 'store_closed' });
      });
    });

    describe.skipIf(options.mailboxesOnly === true)('prekeys', () => {
      it('publishes atomically under the cap and counts', async () => {
        expect(await store.countPrekeys(bob)).toEqual({ oneTimePrekeys: 0, signedPrekeyId: null, kemPrekeys: 0, lastResortKemPrekeyId: null });
        expect(await store.publishPrekeys(upload(bob, { signedPrekey: spk(1), oneTimePrekeys: otks(1, 8) }))).toEqual({
          status: 'published',
          oneTimePrekeys: 8,
          kemPrekeys: 0,
        });
        expect(await store.publishPrekeys(upload(bob, { signedPrekey: spk(2), oneTimePrekeys: otks(7, 5) }))).toEqual({
          status: 'cap_exceeded',
          held: 8,
          wouldHold: 11,
        });
        expect(await store.countPrekeys({ user: 'BOB', device: 1 })).toEqual({ oneTimePrekeys: 8, signedPrekeyId: 1, kemPrekeys: 0, lastResortKemPrekeyId: null });
        // KEM prekeys have their own cap count and queue.
        expect(await store.publishPrekeys(upload(bob, { kemPrekeys: kems(1, 11) }))).toMatchObject({ status: 'cap_exceeded', held: 0, wouldHold: 11 });
        expect(await store.publishPrekeys(upload(bob, { kemPrekeys: kems(1, 4), lastResortKemPrekey: kems(50, 1)[0] }))).toEqual({
          status: 'published',
          oneTimePrekeys: 8,
          kemPrekeys: 4,
        });
        expect(await store.countPrekeys(bob)).toEqual({ oneTimePrekeys: 8, signedPrekeyId: 1, kemPrekeys: 4, lastResortKemPrekeyId: 50 });
        expect(await store.publishPrekeys(upload(ghost, { oneTimePrekeys: otks(1, 1) }))).toEqual({ status: 'unknown_device' });
      });

      it('counts a repeated id within one upload once, its last key winning', async () => {
        const repeated = [{ id: 1, publicKey: 'X'.repeat(43) + '=' }, ...otks(2, 1), { id: 1, publicKey: 'Y'.repeat(43) + '=' }];
        expect(await store.publishPrekeys(upload(bob, { signedPrekey: spk(1), oneTimePrekeys: repeated, cap: 2 }))).toMatchObject({ oneTimePrekeys: 2 });
        const taken = await store.takePrekeyBundles({ user: 'bob' }, 1);
        expect(taken.status === 'taken' && taken.bundles[0]!.oneTimePrekey).toEqual({ id: 1, publicKey: 'Y'.repeat(43) + '=' });
      });

      it('hands out one-time prekeys in the order they were stored, a replaced id moving to the back', async () => {
        await store.publishPrekeys(upload(bob, { signedPrekey: spk(1), oneTimePrekeys: otks(10, 3) }));
        await store.publishPrekeys(upload(bob, { oneTimePrekeys: [{ id: 10, publicKey: 'R'.repeat(43) + '=' }, ...otks(1, 1)] }));
        const order: Array<number | undefined> = [];
        for (let i = 0; i < 5; i++) {
          const outcome = await store.takePrekeyBundles({ user: 'bob', exclude: alice }, 10);
          if (outcome.status !== 'taken') throw new Error(outcome.status);
          order.push(outcome.bundles[0]?.oneTimePrekey?.id);
          expect(outcome.bundles[0]?.oneTimePrekeysLeft).toBe(Math.max(0, 3 - i));
        }
        expect(order).toEqual([11, 12, 10, 1, undefined]);
      });

      it('never hands out one one-time prekey twice to concurrent fetches', async () => {
        await store.publishPrekeys(upload(bob, { signedPrekey: spk(1), oneTimePrekeys: otks(1, 10), kemPrekeys: kems(1, 10) }));
        const outcomes = await Promise.all(Array.from({ length: 12 }, () => store.takePrekeyBundles({ user: 'bob' }, 1)));
        const ids = outcomes.flatMap((o) => (o.status === 'taken' ? [o.bundles[0]!.oneTimePrekey?.id] : []));
        const kemIds = outcomes.flatMap((o) => (o.status === 'taken' && o.bundles[0]!.kemPrekeyConsumed ? [o.bundles[0]!.kemPrekey?.id] : []));
        expect(new Set(ids.filter((id) => id !== undefined)).size).toBe(10);
        expect(ids.filter((id) => id === undefined)).toHaveLength(2);
        expect(new Set(kemIds).size).toBe(10);
      });

      it('serves every device of a user but the excluded one, and tells unknown users from users without prekeys', async () => {
        const bob3: Address = { user: 'bob', device: 3 };
        await subject.addDevice(bob3, KEY);
        expect(await store.takePrekeyBundles({ user: 'bob' }, 10)).toEqual({ status: 'no_prekeys' });
        expect(await store.takePrekeyBundles({ user: 'dave' }, 10)).toEqual({ status: 'unknown_user' });
        await store.publishPrekeys(upload(bob3, { signedPrekey: spk(3), oneTimePrekeys: otks(1, 1) }));
        await store.publishPrekeys(upload(bob, { signedPrekey: spk(1) }));

        const all = await store.takePrekeyBundles({ user: 'Bob', exclude: alice }, 10);
        expect(all).toEqual({
          status: 'taken',
          user: 'bob',
          accountKey: KEY,
          bundles: [
            { device: 1, identityKey: KEY, signedPrekey: spk(1), oneTimePrekeysLeft: 0, kemPrekeyConsumed: false, kemPrekeysLeft: 0 },
            { device: 3, identityKey: KEY, signedPrekey: spk(3), oneTimePrekey: otks(1, 1)[0], oneTimePrekeysLeft: 0, kemPrekeyConsumed: false, kemPrekeysLeft: 0 },
          ],
        });
        const fromOwnDevice = await store.takePrekeyBundles({ user: 'bob', exclude: { user: 'BOB', device: 3 } }, 10);
        expect(fromOwnDevice.status === 'taken' && fromOwnDevice.bundles.map((b) => b.device)).toEqual([1]);
        expect(await store.takePrekeyBundles({ user: 'bob', exclude: bob3 }, 10)).toMatchObject({ status: 'taken' });
        const limited = await store.takePrekeyBundles({ user: 'bob' }, 1);
        expect(limited.status === 'taken' && limited.bundles.map((b) => b.device)).toEqual([1]);
      });

      it('hands out one-time KEM prekeys oldest first, then the last-resort one on every fetch, which a new one replaces', async () => {
        await store.publishPrekeys(upload(bob, { signedPrekey: spk(1), kemPrekeys: kems(1, 2), lastResortKemPrekey: kems(9, 1)[0] }));
        const served: Array<[number | undefined, boolean, number]> = [];
        for (let i = 0; i < 4; i++) {
          const outcome = await store.takePrekeyBundles({ user: 'bob', exclude: alice }, 10);
          if (outcome.status !== 'taken') throw new Error(outcome.status);
          const bundle = outcome.bundles[0]!;
          served.push([bundle.kemPrekey?.id, bundle.kemPrekeyConsumed, bundle.kemPrekeysLeft]);
        }
        expect(served).toEqual([
          [1, true, 1],
          [2, true, 0],
          [9, false, 0],
          [9, false, 0],
        ]);
        await store.publishPrekeys(upload(bob, { lastResortKemPrekey: kems(20, 1)[0] }));
        const after = await store.takePrekeyBundles({ user: 'bob', exclude: alice }, 10);
        expect(after.status === 'taken' && after.bundles[0]!.kemPrekey).toEqual(kems(20, 1)[0]);
      });

      it('rejects calls after close with a typed error', async () => {
        await store.close();
        await expect(store.countPrekeys(bob)).rejects.toMatchObject({ code: 'store_closed' });
        await expect(store.takePrekeyBundles({ user: 'bob' }, 1)).rejects.toMatchObject({ code: 'store_closed' });
      });
    });
  });
}
