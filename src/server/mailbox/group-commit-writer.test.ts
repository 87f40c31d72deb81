import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../log';
import type { EnqueueOutcome, EnvelopeToStore, MailboxStore, MailboxWriteBatch, MailboxWriteResult } from '../store/relay-store';
import { ACK_ONLY_COMMIT_DELAY_MS, GroupCommitWriter, type CommittedDelivery } from './group-commit-writer';

function envelope(messageId: string): EnvelopeToStore {
  return { sender: { user: 'alice', device: 1 }, messageId, recipients: [{ user: 'bob', device: 1 }], payload: new Uint8Array(0), sentAt: 1 };
}

/** The writer's callback as a promise, for tests. */
function enqueue(w: GroupCommitWriter, e: EnvelopeToStore): Promise<EnqueueOutcome> {
  return new Promise((resolve, reject) => w.enqueue(e, (result) => (result.ok ? resolve(result.outcome) : reject(result.error))));
}

/** A store that records batches and stores everything, failing the batches it is told to fail. */
function recordingStore(failBatches: Set<number> = new Set()) {
  const batches: MailboxWriteBatch[] = [];
  let seq = 0;
  const store: Pick<MailboxStore, 'commitMailboxBatch'> = {
    async commitMailboxBatch(batch): Promise<MailboxWriteResult> {
      batches.push(batch);
      if (failBatches.has(batches.length)) throw new Error('disk on fire');
      return {
        enqueues: batch.enqueues.map((e) => ({
          status: 'stored',
          deliveries: e.recipients.map((recipient) => ({ recipient, seq: ++seq })),
        })),
      };
    },
  };
  return { store: store as MailboxStore, batches };
}

function writer(store: MailboxStore, maxBatch = 100, announced: CommittedDelivery[] = [], gatherMs = 0, now = () => 7) {
  return new GroupCommitWriter(store, {
    gatherMs,
    maxBatch,
    mailboxQuota: 10,
    now,
    logger: silentLogger,
    onCommitted: (deliveries) => announced.push(...deliveries),
  });
}

describe('GroupCommitWriter', () => {
  it('commits everything queued in one event-loop turn as one batch, in order', async () => {
    const { store, batches } = recordingStore();
    const announced: CommittedDelivery[] = [];
    const w = writer(store, 100, announced);
    const first = enqueue(w, envelope('a'));
    w.ack({ mailbox: { user: 'bob', device: 1 }, through: 9, also: [] });
    const outcomes = Promise.all([first, enqueue(w, envelope('b'))]);
    expect(batches).toHaveLength(0); // nothing is written synchronously
    const [a, b] = await outcomes;
    expect(batches).toHaveLength(1);
    expect(batches[0]?.enqueues.map((e) => e.messageId)).toEqual(['a', 'b']);
    expect(batches[0]?.acks).toEqual([{ mailbox: { user: 'bob', device: 1 }, through: 9, also: [] }]);
    expect(batches[0]?.now).toBe(7);
    expect([a?.status, b?.status]).toEqual(['stored', 'stored']);
    expect(announced.map((d) => [d.delivery.messageId, d.delivery.seq])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('tells when every ack queued for one mailbox is committed, without waiting for other mailboxes', async () => {
    const durable: Array<() => void> = [];
    const store = {
      commitMailboxBatch: (batch: MailboxWriteBatch) =>
        new Promise<MailboxWriteResult>((resolve) => durable.push(() => resolve({ enqueues: batch.enqueues.map(() => ({ status: 'duplicate' })) }))),
    } as unknown as MailboxStore;
    const w = writer(store);
    const bob = { user: 'bob', device: 1 };
    const carol = { user: 'carol', device: 1 };
    let bobSettled = false;
    await w.acksSettled(carol); // nothing queued: at once
    w.ack({ mailbox: bob, through: 1, also: [] });
    const settled = w.acksSettled(bob).then(() => (bobSettled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(durable).toHaveLength(1);
    await w.acksSettled(carol);
    expect(bobSettled).toBe(false);
    durable.shift()?.();
    await settled;
    expect(bobSettled).toBe(true);
  });

  it('splits a queue longer than maxBatch into several commits', async () => {
    const { store, batches } = recordingStore();
    const w = writer(store, 3);
    await Promise.all(['1', '2', '3', '4', '5', '6', '7'].map((id) => enqueue(w, envelope(id))));
    expect(batches.map((b) => b.enqueues.length)).toEqual([3, 3, 1]);
  });

  it('writes a backlog behind a commit that waits for the disk, and still answers in commit order', async () => {
    const batches: MailboxWriteBatch[] = [];
    const durable: Array<() => void> = [];
    let seq = 0;
    const store = {
      commitMailboxBatch(batch: MailboxWriteBatch): Promise<MailboxWriteResult> {
        batches.push(batch);
        const result: MailboxWriteResult = {
          enqueues: batch.enqueues.map((e) => ({ status: 'stored', deliveries: e.recipients.map((recipient) => ({ recipient, seq: ++seq })) })),
        };
        return new Promise((resolve) => durable.push(() => resolve(result)));
      },
    } as unknown as MailboxStore;
    const announced: CommittedDelivery[] = [];
    const w = writer(store, 1000, announced);
    const answered: string[] = [];
    const send = (id: string) => enqueue(w, envelope(id)).then(() => answered.push(id));
    const first = send('first');
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toHaveLength(1);

    // A few more wait for the first commit; a backlog of 64 is written at once, behind it.
    const few = ['a', 'b', 'c'].map(send);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toHaveLength(1);
    const backlog = Array.from({ length: 61 }, (_, i) => send(`x${i}`));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches.map((b) => b.enqueues.length)).toEqual([1, 64]);
    // No third transaction while two are in flight, however long the queue.
    const later = Array.from({ length: 100 }, (_, i) => send(`y${i}`));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toHaveLength(2);

    // The second commit is durable first, but nothing of it is answered before the first.
    durable[1]!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toEqual([]);
    expect(announced).toHaveLength(0);
    durable[0]!();
    await Promise.all([first, ...few, ...backlog]);
    expect(answered.slice(0, 4)).toEqual(['first', 'a', 'b', 'c']);
    expect(announced.map((d) => d.delivery.seq)).toEqual(Array.from({ length: 65 }, (_, i) => i + 1));

    await new Promise((resolve) => setImmediate(resolve));
    expect(batches.map((b) => b.enqueues.length)).toEqual([1, 64, 100]);
    durable[2]!();
    await Promise.all(later);
    await w.flush();
  });

  it('overlaps as many commits as the store allows, starting one for whatever is queued', async () => {
    const batches: MailboxWriteBatch[] = [];
    const durable: Array<() => void> = [];
    const store = {
      commitMailboxBatch(batch: MailboxWriteBatch): Promise<MailboxWriteResult> {
        batches.push(batch);
        const result: MailboxWriteResult = { enqueues: batch.enqueues.map(() => ({ status: 'duplicate' })) };
        return new Promise((resolve) => durable.push(() => resolve(result)));
      },
    } as unknown as MailboxStore;
    const w = new GroupCommitWriter(store, { gatherMs: 0, maxBatch: 100, mailboxQuota: 10, now: () => 7, logger: silentLogger, onCommitted: () => {}, overlap: { maxInFlight: 3, minOps: 1 } });
    const sent: Array<Promise<EnqueueOutcome>> = [];
    for (const id of ['a', 'b', 'c', 'd']) {
      sent.push(enqueue(w, envelope(id)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    // One send each for three commits in flight; the fourth waits for one of them.
    expect(batches.map((b) => b.enqueues.map((e) => e.messageId))).toEqual([['a'], ['b'], ['c']]);
    durable[0]!();
    await sent[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches.map((b) => b.enqueues.map((e) => e.messageId))).toEqual([['a'], ['b'], ['c'], ['d']]);
    for (const done of durable.slice(1)) done();
    await Promise.all(sent);
    await w.flush();
  });

  it('rejects every operation of a failed commit and keeps working afterwards', async () => {
    const { store } = recordingStore(new Set([1]));
    const w = writer(store);
    const failed = await Promise.allSettled([enqueue(w, envelope('a')), enqueue(w, envelope('b'))]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await enqueue(w, envelope('c'))).status).toBe('stored');
  });

  it('flushes on close and refuses work afterwards', async () => {
    const { store, batches } = recordingStore();
    const w = writer(store);
    const pending = enqueue(w, envelope('a'));
    await w.close();
    expect(batches).toHaveLength(1);
    expect((await pending).status).toBe('stored');
    await expect(enqueue(w, envelope('b'))).rejects.toMatchObject({ code: 'store_closed' });
  });

  it('lets acks alone wait for a commit of sends, or commit them without durability after a short delay', async () => {
    const { store, batches } = recordingStore();
    const w = writer(store);
    const bob = { user: 'bob', device: 1 };
    w.ack({ mailbox: bob, through: 1, also: [] });
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toHaveLength(0);
    // A send arriving meanwhile commits at once and takes the ack along, durably.
    await enqueue(w, envelope('a'));
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ acks: [{ through: 1 }], durable: true });
    // Acks alone are committed after ACK_ONLY_COMMIT_DELAY_MS, marked as not needing an fsync.
    w.ack({ mailbox: bob, through: 2, also: [] });
    await new Promise((resolve) => setTimeout(resolve, ACK_ONLY_COMMIT_DELAY_MS + 30));
    expect(batches).toHaveLength(2);
    expect(batches[1]).toMatchObject({ acks: [{ through: 2 }], enqueues: [], durable: false });
    // A device reconnecting does not wait for the delay: with timers frozen, only a prompt commit settles it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      w.ack({ mailbox: bob, through: 3, also: [] });
      await w.acksSettled(bob);
      expect(batches).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('while sends arrive concurrently starts a commit at most every gatherMs; at once after a quiet spell, for a lone sender, a full queue or a waiter', async () => {
    const { store, batches } = recordingStore();
    let clock = 1_000;
    const w = writer(store, 1_000, [], 50, () => clock);
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const ids = () => batches.map((b) => b.enqueues.map((e) => e.messageId));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      // Quiet until now: the first sends commit in this turn.
      await Promise.all([enqueue(w, envelope('a1')), enqueue(w, envelope('a2'))]);
      expect(ids()).toEqual([['a1', 'a2']]);
      // Concurrent senders: sends 10 ms later gather until 50 ms after that commit started.
      clock = 1_010;
      const gathered = [enqueue(w, envelope('b')), enqueue(w, envelope('c'))];
      await turn();
      await turn();
      expect(batches).toHaveLength(1);
      clock = 1_050;
      vi.advanceTimersByTime(40);
      await Promise.all(gathered);
      expect(ids()).toEqual([['a1', 'a2'], ['b', 'c']]);
      // A queue of 256 operations does not wait.
      clock = 1_060;
      await Promise.all(Array.from({ length: 256 }, (_, i) => enqueue(w, envelope(`f${i}`))));
      expect(batches.map((b) => b.enqueues.length)).toEqual([2, 2, 256]);
      // Nor does a send someone flushes for.
      clock = 1_061;
      const flushed = enqueue(w, envelope('d'));
      await w.flush();
      await flushed;
      expect(batches.map((b) => b.enqueues.length)).toEqual([2, 2, 256, 1]);
      // The previous commit held one send: a lone sender's next send is not held back.
      clock = 1_062;
      await enqueue(w, envelope('e'));
      expect(batches).toHaveLength(5);
      // Nor is a send after a quiet spell.
      await Promise.all([enqueue(w, envelope('g1')), enqueue(w, envelope('g2'))]);
      clock = 2_000;
      await enqueue(w, envelope('h'));
      expect(ids().slice(-2)).toEqual([['g1', 'g2'], ['h']]);
    } finally {
      vi.useRealTimers();
    }
  });
});
