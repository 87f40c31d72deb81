// Model-based test of the pump's ordering logic: random interleavings of commits, acks and slow page reads
// (with the store's snapshot taken at call time like SQLite, or at completion like a remote store) must push
// every delivery exactly once, in seq order, never exceeding the window (in count, and in bytes unless a single
// delivery is larger than it), and announce `drained` once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredDelivery } from '../store/relay-store';
import { MailboxPump } from './mailbox-pump';

const mailbox = { user: 'bob', device: 1 };

/** Payload sizes vary with seq (1–12 bytes), so byte windows bind at varying counts. */
function delivery(seq: number): StoredDelivery {
  const payload = new Uint8Array(((seq * 7) % 12) + 1);
  return { seq, messageId: `m${seq}`, from: { user: 'alice', device: 1 }, payload, sentAt: 0 };
}

/** `ack` acks the oldest delivery in flight cumulatively; `ackNewest` lists the newest one above a gap. */
type Action = 'commit' | 'ack' | 'ackNewest' | 'read';

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

async function runModel(backlog: number, window: number, windowBytes: number, actions: Action[], snapshotAtCall: boolean) {
  const stored: StoredDelivery[] = Array.from({ length: backlog }, (_, i) => delivery(i + 1));
  const reads: Array<() => void> = [];
  const pushed: number[] = [];
  const acked = new Set<number>();
  let drained = 0;
  let maxInFlight = 0;
  let bytesOverflows = 0;
  const page = (after: number, limit: number) => stored.filter((d) => d.seq > after && !acked.has(d.seq)).slice(0, limit);
  const pump = new MailboxPump({
    mailbox,
    window,
    windowBytes,
    store: {
      pageMailbox: (_mailbox, after, limit) => {
        const atCall = page(after, limit);
        return new Promise((resolve) => reads.push(() => resolve(snapshotAtCall ? atCall : page(after, limit))));
      },
    },
    push: (d) => {
      pushed.push(d.seq);
      const inFlight = pushed.filter((seq) => !acked.has(seq));
      maxInFlight = Math.max(maxInFlight, inFlight.length);
      const bytes = inFlight.reduce((sum, seq) => sum + delivery(seq).payload.length, 0);
      if (inFlight.length > 1 && bytes > windowBytes) bytesOverflows++;
    },
    onDrained: () => drained++,
    onError: (error) => {
      throw error;
    },
  });
  pump.start();
  const act = async (action: Action) => {
    if (action === 'commit') {
      const next = delivery(stored.length + 1);
      stored.push(next);
      pump.offer(next);
    } else if (action === 'ack') {
      const oldest = pushed.find((seq) => !acked.has(seq));
      if (oldest !== undefined) {
        acked.add(oldest);
        expect(pump.acked(oldest, [])?.map((d) => d.seq)).toEqual([oldest]);
      }
    } else if (action === 'ackNewest') {
      const newest = pushed.findLast((seq) => !acked.has(seq));
      if (newest !== undefined) {
        acked.add(newest);
        expect(pump.acked(0, [newest])?.map((d) => d.seq)).toEqual([newest]);
      }
    } else reads.shift()?.();
    await settle();
  };
  for (const action of actions) await act(action);
  // Quiesce: complete every read and ack everything until nothing moves.
  for (let guard = 0; guard < 10_000 && (reads.length > 0 || pushed.some((seq) => !acked.has(seq))); guard++) {
    await act(reads.length > 0 ? 'read' : 'ack');
  }
  return { pushed, total: stored.length, drained, maxInFlight, bytesOverflows };
}

describe('MailboxPump', () => {
  it('pushes every delivery once, in order, within the window, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.constantFrom<Action>('commit', 'ack', 'ackNewest', 'read'), { maxLength: 80 }),
        fc.boolean(),
        async (backlog, window, windowBytes, actions, snapshotAtCall) => {
          const result = await runModel(backlog, window, windowBytes, actions, snapshotAtCall);
          expect(result.pushed).toEqual(Array.from({ length: result.total }, (_, i) => i + 1));
          expect(result.maxInFlight).toBeLessThanOrEqual(window);
          expect(result.bytesOverflows).toBe(0);
          expect(result.drained).toBe(1);
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });

  it('pushes a delivery committed while caught up without reading the store', async () => {
    let reads = 0;
    const pushed: number[] = [];
    const pump = new MailboxPump({
      mailbox,
      window: 4,
      windowBytes: 1024,
      store: {
        pageMailbox: async () => {
          reads++;
          return [];
        },
      },
      push: (d) => pushed.push(d.seq),
      onDrained: () => {},
      onError: () => {},
    });
    pump.start();
    await settle();
    pump.offer(delivery(1));
    pump.offer(delivery(2));
    expect(pushed).toEqual([1, 2]);
    expect(reads).toBe(1);
  });

  it('refuses an ack naming a delivery it has not pushed, changing nothing', async () => {
    const pushed: number[] = [];
    const pump = new MailboxPump({
      mailbox,
      window: 1,
      windowBytes: 1024,
      store: { pageMailbox: async (_m, after) => [delivery(1), delivery(2)].filter((d) => d.seq > after).slice(0, 2) },
      push: (d) => pushed.push(d.seq),
      onDrained: () => {},
      onError: () => {},
    });
    pump.start();
    await settle();
    expect(pushed).toEqual([1]);
    expect(pump.acked(2, [])).toBeUndefined();
    expect(pump.acked(0, [2])).toBeUndefined();
    expect(pump.unacked).toBe(1);
    expect(pump.acked(1, [])).toMatchObject([{ seq: 1, from: delivery(1).from, messageId: delivery(1).messageId }]);
    expect(pump.acked(1, [])).toEqual([]);
    await settle();
    expect(pushed).toEqual([1, 2]);
  });
});
