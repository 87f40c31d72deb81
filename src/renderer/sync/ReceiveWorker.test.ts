import Dexie from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_RECEIVED_PER_EVENT, type ReceivedMessage } from '../../shared/ipc';
import type { ParleyDatabase } from '../db/database';
import { invoke, subscribe } from '../ipc';
import { freshDatabase, recordIndexedDbTransactions } from '../testing/db';
import { FakeParley, fakeAccount } from '../testing/fakeParley';
import { textFrom, typingFrom } from '../testing/messages';
import { ReceiveWorker, type ReceiveIpc } from './ReceiveWorker';

function fakeIpc(): ReceiveIpc {
  return {
    pending: () => invoke('messages.pending', {}),
    commit: async (inboxIds) => {
      await invoke('messages.commit', { inboxIds });
    },
    onReceived: (listener) => subscribe('messages.received', listener),
  };
}

function pipeline(db: ParleyDatabase, ipc: ReceiveIpc, hooks: Partial<ConstructorParameters<typeof ReceiveWorker>[0]> = {}) {
  return new ReceiveWorker({
    db,
    me: 'alice',
    ipc,
    titleOf: (id) => id.slice(3),
    onTyping: vi.fn(),
    onGroupsChanged: vi.fn(),
    onStored: vi.fn(),
    retryDelayMs: 10,
    ...hooks,
  });
}

const bodies = async (db: ParleyDatabase) => (await db.messages.orderBy('seq').toArray()).map((row) => row.body);

describe('receive: store, then commit', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('commits to main only what a strict transaction stored (main then deletes its copy and acks the relay)', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const opened = recordIndexedDbTransactions();
    const db = freshDatabase();
    const ipc = fakeIpc();
    const writesBeforeCommit: string[][] = [];
    const receive = pipeline(db, {
      ...ipc,
      commit: async (inboxIds) => {
        writesBeforeCommit.push(opened.filter((transaction) => transaction.mode === 'readwrite' && transaction.stores.includes('messages')).map((transaction) => transaction.durability));
        await ipc.commit(inboxIds);
      },
    });
    await receive.start();
    fake.deliver(textFrom('bob', 'm1', 'one'));
    await receive.whenIdle();
    fake.deliver(textFrom('carol', 'm2', 'two'));
    await receive.whenIdle();

    expect(await bodies(db)).toEqual(['one', 'two']);
    expect(writesBeforeCommit).toEqual([['strict'], ['strict', 'strict']]);
  });

  it('commits only inbox ids whose messages are already in IndexedDB', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const db = freshDatabase();
    const storedAtCommit: number[] = [];
    const ipc = fakeIpc();
    const receive = pipeline(db, {
      ...ipc,
      commit: async (inboxIds) => {
        storedAtCommit.push(await db.messages.count());
        expect(inboxIds.length).toBeLessThanOrEqual(await db.messages.count());
        await ipc.commit(inboxIds);
      },
    });
    await receive.start();
    const first = fake.deliver(textFrom('bob', 'm1', 'one'));
    const second = fake.deliver(textFrom('bob', 'm2', 'two'));
    await receive.whenIdle();
    expect(await bodies(db)).toEqual(['one', 'two']);
    expect(fake.committed).toEqual([first.inboxId, second.inboxId]);
    expect(fake.pending.size).toBe(0);
    expect(storedAtCommit.every((count) => count > 0)).toBe(true);
  });

  it('stores a burst of events as one batch with one commit (main sends an event per receive batch and sender device)', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const db = freshDatabase();
    const ipc = fakeIpc();
    const commits: number[] = [];
    const receive = pipeline(db, { ...ipc, commit: async (ids) => (commits.push(ids.length), ipc.commit(ids)) });
    await receive.start();
    for (let i = 0; i < 64; i++) fake.deliver(textFrom('bob', `m${i}`, `text ${i}`));
    await receive.whenIdle();
    expect(commits).toEqual([64]);
    expect(await db.messages.count()).toBe(64);
  });

  it('stores the messages of one event (a receive batch of main) in their order, with one commit', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const db = freshDatabase();
    const ipc = fakeIpc();
    const commits: string[][] = [];
    const receive = pipeline(db, { ...ipc, commit: async (ids) => (commits.push(ids), ipc.commit(ids)) });
    await receive.start();
    const batch = fake.deliverAll(Array.from({ length: 40 }, (_, i) => textFrom('bob', `m${i}`, `text ${i}`)));
    await receive.whenIdle();
    expect(await bodies(db)).toEqual(batch.map((message) => (message.content.kind === 'text' ? message.content.body : '')));
    expect(commits).toEqual([batch.map((message) => message.inboxId)]);
  });

  it('stores a catch-up handed over as five full events in two transactions: the first event, then the other four', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const db = freshDatabase();
    const stored: number[] = [];
    const receive = pipeline(db, fakeIpc(), { onStored: (messages) => stored.push(messages.length) });
    await receive.start();
    // Handed over together, as main does in a catch-up.
    for (let event = 0; event < 5; event++) {
      fake.deliverAll(Array.from({ length: MAX_RECEIVED_PER_EVENT }, (_, i) => textFrom('bob', `e${event}-${i}`, `text ${event}.${i}`)));
    }
    await receive.whenIdle();
    expect(stored).toEqual([MAX_RECEIVED_PER_EVENT, 4 * MAX_RECEIVED_PER_EVENT]);
    expect(await db.messages.count()).toBe(5 * MAX_RECEIVED_PER_EVENT);
  });

  it('stores what main held at start first as one event, then the rest in batches of up to four events', async () => {
    const held = Array.from({ length: 1_300 }, (_, i) => ({ ...textFrom('bob', `m${i}`, `text ${i}`), inboxId: `inbox-${i}` }));
    new FakeParley({ account: fakeAccount('alice'), pending: held }).install(window);
    const db = freshDatabase();
    const stored: number[] = [];
    const receive = pipeline(db, fakeIpc(), { onStored: (messages) => stored.push(messages.length) });
    await receive.start();
    await receive.whenIdle();
    expect(stored).toEqual([MAX_RECEIVED_PER_EVENT, 4 * MAX_RECEIVED_PER_EVENT, 1_300 - 5 * MAX_RECEIVED_PER_EVENT]);
    expect(await bodies(db)).toEqual(held.map((message) => (message.content.kind === 'text' ? message.content.body : '')));
  });

  it('stores whole events per batch, so a commit names whole receive batches of main (its inbox records)', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const db = freshDatabase();
    const ipc = fakeIpc();
    const commits: string[][] = [];
    const receive = pipeline(db, { ...ipc, commit: async (ids) => (commits.push(ids), ipc.commit(ids)) }, { batchSize: 256 });
    await receive.start();
    const events = [100, 100, 100, 256, 10].map((size, event) => fake.deliverAll(Array.from({ length: size }, (_, i) => textFrom('bob', `e${event}-${i}`, `text ${event}.${i}`))));
    await receive.whenIdle();
    const ids = events.map((event) => event.map((message) => message.inboxId));
    expect(commits).toEqual([[...ids[0]!, ...ids[1]!], ids[2], ids[3], ids[4]]);
    expect(await db.messages.count()).toBe(566);
  });

  it('stores the next batch while main is still committing the previous one', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const db = freshDatabase();
    const ipc = fakeIpc();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const commits: string[][] = [];
    const receive = pipeline(db, {
      ...ipc,
      commit: async (ids) => {
        commits.push(ids);
        if (commits.length === 1) await held;
        await ipc.commit(ids);
      },
    });
    await receive.start();
    const first = fake.deliver(textFrom('bob', 'm1', 'one'));
    await vi.waitFor(() => expect(commits).toHaveLength(1));
    const second = fake.deliver(textFrom('bob', 'm2', 'two'));
    await vi.waitFor(async () => expect(await bodies(db)).toEqual(['one', 'two']));
    // Commits stay in order: the second waits for the first.
    expect(commits).toHaveLength(1);
    release();
    await receive.whenIdle();
    expect(fake.committed).toEqual([first.inboxId, second.inboxId]);
  });

  it('prepares (makes and seals the rows of) the next batch while the current one is being written', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const db = freshDatabase();
    const sealed: number[] = [];
    const sealAhead = db.sealAhead.bind(db);
    vi.spyOn(db, 'sealAhead').mockImplementation(async (table, rows) => {
      sealed.push(rows.length);
      return sealAhead(table, rows);
    });
    // A reader holds the messages table, so the first batch's write cannot start until it lets go.
    let letGo: () => void = () => undefined;
    const reading = db.transaction('r', db.messages, () => Dexie.waitFor(new Promise<void>((resolve) => (letGo = resolve))));
    const commits: string[][] = [];
    const ipc = fakeIpc();
    const receive = pipeline(db, { ...ipc, commit: async (ids) => (commits.push(ids), ipc.commit(ids)) }, { batchSize: 3 });
    await receive.start();
    const events = [0, 1].map((event) => fake.deliverAll([0, 1, 2].map((i) => textFrom('bob', `e${event}-${i}`, `text ${event}.${i}`))));
    // Both batches are sealed while the first still waits to be written (at the parent: only the first).
    await vi.waitFor(() => expect(sealed).toEqual([3, 3]));
    expect(commits).toEqual([]);
    letGo();
    await reading;
    await receive.whenIdle();
    expect(await bodies(db)).toEqual(['text 0.0', 'text 0.1', 'text 0.2', 'text 1.0', 'text 1.1', 'text 1.2']);
    expect(commits).toEqual(events.map((event) => event.map((message) => message.inboxId)));
    expect(sealed).toEqual([3, 3]);
  });

  it('does not commit what it could not store, and stores it on the next try', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const db = freshDatabase();
    let refuse = 1;
    db.use({
      stack: 'dbcore',
      name: 'refuseOnce',
      create: (down) => ({
        ...down,
        table: (name) => {
          const table = down.table(name);
          return {
            ...table,
            mutate: async (request) => {
              if (name === 'messages' && refuse-- > 0) throw new Error('QuotaExceededError');
              return table.mutate(request);
            },
          };
        },
      }),
    });
    const commits: string[][] = [];
    const ipc = fakeIpc();
    const receive = pipeline(db, { ...ipc, commit: async (ids) => (commits.push(ids), ipc.commit(ids)) });
    await receive.start();
    fake.deliver(textFrom('bob', 'm1', 'kept'));
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(commits).toEqual([]);
    await receive.whenIdle();
    expect(await bodies(db)).toEqual(['kept']);
    expect(commits).toHaveLength(1);
  });

  it('a redelivery after a crash before commit is stored once and then committed', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const db = freshDatabase();
    // First run: stored, but the app "died" before the commit reached main.
    const crashing = pipeline(db, { ...fakeIpc(), commit: async () => new Promise<void>(() => undefined) });
    await crashing.start();
    const message = fake.deliver(textFrom('bob', 'm1', 'only once'));
    await vi.waitFor(async () => expect(await bodies(db)).toEqual(['only once']));
    crashing.stop();
    expect(fake.pending.has(message.inboxId)).toBe(true);

    // Restart: main offers it again through messages.pending.
    const onStored = vi.fn();
    const restarted = pipeline(db, fakeIpc(), { onStored });
    await restarted.start();
    await restarted.whenIdle();
    expect(await bodies(db)).toEqual(['only once']);
    expect(fake.pending.size).toBe(0);
    expect(onStored).not.toHaveBeenCalled();
  });

  it('takes messages.pending first and events that arrive meanwhile after, keeping the sender’s order', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const db = freshDatabase();
    const parked = [fake.park(textFrom('bob', 'm1', 'one')), fake.park(textFrom('bob', 'm2', 'two'))];
    let answerPending: (messages: ReceivedMessage[]) => void = () => undefined;
    const receive = pipeline(db, { ...fakeIpc(), pending: () => new Promise((resolve) => (answerPending = resolve)) });
    const started = receive.start();
    const third = fake.deliver(textFrom('bob', 'm3', 'three'));
    answerPending([...parked, third]);
    await started;
    await receive.whenIdle();
    expect(await bodies(db)).toEqual(['one', 'two', 'three']);
    expect(fake.pending.size).toBe(0);
  });

  it('prepares an entry once when an event before the pending answer holds it too (main answers with every entry not committed)', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const db = freshDatabase();
    const sealAhead = vi.spyOn(db, 'sealAhead');
    let answerPending: (messages: ReceivedMessage[]) => void = () => undefined;
    const receive = pipeline(db, { ...fakeIpc(), pending: () => new Promise((resolve) => (answerPending = resolve)) });
    const started = receive.start();
    const first = fake.deliver(textFrom('bob', 'm1', 'one'));
    fake.deliver(textFrom('bob', 'm2', 'two'));
    answerPending([first]);
    await started;
    await receive.whenIdle();
    expect(await bodies(db)).toEqual(['one', 'two']);
    expect(sealAhead.mock.calls.flatMap(([, rows]) => rows)).toHaveLength(2);
    expect(fake.pending.size).toBe(0);
  });

  it('hands typing notices to the UI without storing them, and still commits them', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const db = freshDatabase();
    const onTyping = vi.fn();
    const receive = pipeline(db, fakeIpc(), { onTyping });
    await receive.start();
    const notice = fake.deliver(typingFrom('bob', true));
    await receive.whenIdle();
    expect(onTyping).toHaveBeenCalledWith(expect.objectContaining({ content: { kind: 'typing', typing: true } }));
    expect(await db.messages.count()).toBe(0);
    expect(fake.committed).toEqual([notice.inboxId]);
  });

  it('reports new text from others for delivered receipts, not own copies or duplicates', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const db = freshDatabase();
    const onStored = vi.fn();
    const receive = pipeline(db, fakeIpc(), { onStored });
    await receive.start();
    fake.deliver(textFrom('bob', 'm1', 'hi'));
    fake.deliver(textFrom('bob', 'm1', 'hi'));
    fake.deliver(textFrom('alice', 'm9', 'from my other device', { conversationId: 'dm:bob' }));
    await receive.whenIdle();
    const reported = onStored.mock.calls.flatMap(([messages]) => (messages as ReceivedMessage[]).map((message) => message.messageId));
    expect(reported).toEqual(['m1']);
  });
});

/** A clock that moves only when the test says so; sleepers wake when it passes their time. */
function manualClock() {
  let at = 0;
  const sleepers: { until: number; wake: () => void }[] = [];
  return {
    now: () => at,
    sleep: (ms: number) => new Promise<void>((wake) => sleepers.push({ until: at + ms, wake })),
    sleeping: () => sleepers.length,
    advance(ms: number) {
      at += ms;
      for (const sleeper of sleepers.filter((entry) => entry.until <= at)) {
        sleepers.splice(sleepers.indexOf(sleeper), 1);
        sleeper.wake();
      }
    },
  };
}

describe('receive: quiet, for work that gives way to it', () => {
  it('resolves whenQuiet only once everything is stored and nothing has arrived for the quiet time', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const db = freshDatabase();
    const clock = manualClock();
    const receive = pipeline(db, fakeIpc(), { now: clock.now, sleep: clock.sleep });
    await receive.start();
    fake.deliver(textFrom('bob', 'm1', 'one'));
    let quiet = false;
    const waiting = receive.whenQuiet(400, 2_000).then(() => (quiet = true));
    // Stored, but main handed it over just now: still waiting (at the parent, whenIdle alone had resolved here).
    await vi.waitFor(() => expect(clock.sleeping()).toBe(1));
    expect(await bodies(db)).toEqual(['one']);
    expect(quiet).toBe(false);
    clock.advance(300);
    // Another event 300 ms later: the quiet starts again from it.
    fake.deliver(textFrom('bob', 'm2', 'two'));
    clock.advance(100);
    await vi.waitFor(() => expect(clock.sleeping()).toBe(1));
    expect(quiet).toBe(false);
    // 399 ms after it: not yet.
    clock.advance(299);
    await vi.waitFor(async () => expect(await bodies(db)).toEqual(['one', 'two']));
    expect(clock.sleeping()).toBe(1);
    expect(quiet).toBe(false);
    clock.advance(1);
    await waiting;
    expect(await bodies(db)).toEqual(['one', 'two']);
  });

  it('resolves whenQuiet after the longest wait while messages keep coming', async () => {
    const fake = new FakeParley({ account: fakeAccount('alice') }).install(window);
    const db = freshDatabase();
    const clock = manualClock();
    const receive = pipeline(db, fakeIpc(), { now: clock.now, sleep: clock.sleep });
    await receive.start();
    let quiet = false;
    const waiting = receive.whenQuiet(400, 1_000).then(() => (quiet = true));
    for (let i = 0; i < 4; i++) {
      fake.deliver(textFrom('bob', `m${i}`, `text ${i}`));
      await vi.waitFor(() => expect(clock.sleeping()).toBe(1));
      expect(quiet).toBe(false);
      clock.advance(300);
    }
    // 1,200 ms after the call, 300 after the last event: given way long enough.
    await waiting;
    expect(await db.messages.count()).toBe(4);
  });

  it('resolves whenQuiet at once when nothing has arrived for the quiet time', async () => {
    new FakeParley({ account: fakeAccount('alice') }).install(window);
    const clock = manualClock();
    const receive = pipeline(freshDatabase(), fakeIpc(), { now: clock.now, sleep: clock.sleep });
    await receive.start();
    await receive.whenQuiet(400, 2_000);
    expect(clock.sleeping()).toBe(0);
  });
});
