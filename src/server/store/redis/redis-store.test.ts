// The Redis store: the shared store contract against a real redis-server (started here on a free loopback port with
// its own data directory), plus what is Redis's own: dedup records expire by TTL after the last ack, and a send
// retried after a relay died half-way through storing it lands in each mailbox once.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { monitorRedis, startTestRedis, type TestRedis } from '../../../../test/support/redis-server';
import type { Address } from '../../../shared/protocol';
import { describeRelayStoreContract } from '../relay-store.contract';
import type { EnvelopeToStore, MailboxWriteBatch } from '../relay-store';
import { entryHead } from './mailbox-entry';
import { deliveryName, redisKeys } from './redis-keys';
import { ScriptRound } from './script-round';
import { openRedisStore, RedisRelayStore } from './redis-store';

const RETENTION_MS = 60_000;
let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.stop();
});

describeRelayStoreContract('Redis', async () => {
  let store = await openRedisStore({ urls: [redis.url], dedupRetentionMs: RETENTION_MS });
  return {
    get store() {
      return store;
    },
    async addDevice(address, identityKey) {
      await store.redis.hset(redisKeys.devices(address.user), String(address.device), JSON.stringify({ identityKey, registeredAt: 2 }));
    },
    async reopen() {
      await store.close();
      store = await openRedisStore({ urls: [redis.url], dedupRetentionMs: RETENTION_MS });
      return store;
    },
    async destroy() {
      const admin = new Redis(redis.url);
      await admin.flushall();
      admin.disconnect();
      await store.close();
    },
  };
});

describe('Redis store', () => {
  let store: RedisRelayStore;
  const alice: Address = { user: 'alice', device: 1 };
  const bob: Address = { user: 'bob', device: 1 };
  const carol: Address = { user: 'carol', device: 1 };

  beforeEach(async () => {
    store = await openRedisStore({ urls: [redis.url], dedupRetentionMs: RETENTION_MS });
    for (const address of [alice, bob, carol]) await store.registerDevice({ address, identityKey: 'A'.repeat(43) + '=', registeredAt: 1 });
  });
  afterEach(async () => {
    await store.redis.flushall();
    await store.close();
  });

  function envelope(messageId: string, recipients: Address[]): EnvelopeToStore {
    return { sender: alice, messageId, recipients, payload: new TextEncoder().encode(`payload-${messageId}`), sentAt: 1000 };
  }

  function batch(parts: Partial<MailboxWriteBatch>): MailboxWriteBatch {
    return { acks: [], enqueues: [], mailboxQuota: 100, now: Date.now(), ...parts };
  }

  /**
   * What Redis runs for one ack or send, seen through MONITOR (commands inside the script included, EVALSHA itself
   * not), lower-cased command first, up to an ECHO marker sent after it.
   */
  async function watchCommands(): Promise<{ ran: (work: MailboxWriteBatch['acks'][number] | EnvelopeToStore) => Promise<string[][]>; stop: () => void }> {
    const monitor = await monitorRedis(redis.url);
    let commands: string[][] = [];
    let marked = { mark: '', seen: () => {} };
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (String(args[0]).toLowerCase() === 'echo' && args[1] === marked.mark) marked.seen();
      else commands.push(args.map(String));
    });
    const ran = async (work: MailboxWriteBatch['acks'][number] | EnvelopeToStore) => {
      commands = [];
      await store.commitMailboxBatch(batch('mailbox' in work ? { acks: [work] } : { enqueues: [work] }));
      const mark = `mark-${Math.random()}`;
      await new Promise<void>((seen) => {
        marked = { mark, seen };
        void store.redis.echo(mark);
      });
      return commands.filter((args) => args[0]!.toLowerCase() !== 'evalsha').map((args) => [args[0]!.toLowerCase(), ...args.slice(1)]);
    };
    return { ran, stop: () => monitor.disconnect() };
  }

  it('keeps a dedup record for the retention after the last ack, then lets it expire', async () => {
    await store.commitMailboxBatch(batch({ enqueues: [envelope('old', [bob, carol]), envelope('kept', [bob])] }));
    const oldRecord = redisKeys.dedup(alice, 'old');
    // Pending deliveries: the record carries the long ceiling TTL, never the retention.
    expect(await store.redis.pttl(oldRecord)).toBeGreaterThan(RETENTION_MS);
    // One of two deliveries acked: still pending elsewhere.
    await store.commitMailboxBatch(batch({ acks: [{ mailbox: carol, through: 1, also: [] }] }));
    expect(await store.redis.pttl(oldRecord)).toBeGreaterThan(RETENTION_MS);
    // The last delivery was acked longer than the retention ago: the record is gone, the id can be sent again.
    await store.commitMailboxBatch(batch({ now: Date.now() - RETENTION_MS - 1, acks: [{ mailbox: bob, through: 1, also: [] }] }));
    expect(await store.redis.exists(oldRecord)).toBe(0);
    // Acked just now: kept for the retention.
    await store.commitMailboxBatch(batch({ acks: [{ mailbox: bob, through: 2, also: [] }] }));
    const ttl = await store.redis.pttl(redisKeys.dedup(alice, 'kept'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(RETENTION_MS);
    const resend = await store.commitMailboxBatch(batch({ enqueues: [envelope('old', [bob]), envelope('kept', [bob])] }));
    expect(resend.enqueues.map((o) => o.status)).toEqual(['stored', 'duplicate']);
  });

  it('counts down a dedup record acked before the store of its envelope finished', async () => {
    // A fast device acks a delivery between its append and the dedup record being marked done.
    await store.commitMailboxBatch(batch({ enqueues: [envelope('fast', [bob])] }));
    await store.redis.del(redisKeys.dedup(alice, 'fast'));
    await store.commitMailboxBatch(batch({ acks: [{ mailbox: bob, through: 1, also: [] }] }));
    expect(await store.redis.get(redisKeys.dedup(alice, 'fast'))).toBe('-1');
    expect(await store.redis.pttl(redisKeys.dedup(alice, 'fast'))).toBeGreaterThan(RETENTION_MS);
  });

  it('reads and counts down dedup records and mailboxes written in the layout before counters and 0-* ids', async () => {
    // That layout: the record a hash {done, left}, the seq a counter of its own (the stream's last id was the same).
    // Its relays ran sagas, which wrote mailbox indexes: the scan at start of a relay on such a Redis marks it.
    await store.redis.set(redisKeys.sagas, '1');
    await store.redis.hset(redisKeys.dedup(alice, 'legacy'), 'done', '1', 'left', '1');
    await store.redis.pexpire(redisKeys.dedup(alice, 'legacy'), RETENTION_MS * 10);
    const name = deliveryName(alice, 'legacy');
    await store.redis.xadd(redisKeys.mailbox(bob), '0-6', 'm', 'older', 'u', 'carol', 'd', '1', 't', '900', 'p', 'y', 'x', '');
    await store.redis.xadd(redisKeys.mailbox(bob), '0-7', 'm', 'legacy', 'u', 'alice', 'd', '1', 't', '1000', 'p', 'x');
    await store.redis.zadd(redisKeys.mailboxIndex(bob), 7, name);
    // Entries with a field per part (from b0fedc1 on with a field x too) read as the one-field layout does.
    const older = { seq: 6, messageId: 'older', from: carol, payload: new TextEncoder().encode('y'), sentAt: 900 };
    expect(await store.pageMailbox(bob, 0, 10)).toEqual([older, { seq: 7, messageId: 'legacy', from: alice, payload: new TextEncoder().encode('x'), sentAt: 1000 }]);
    const resend = await store.commitMailboxBatch(batch({ enqueues: [envelope('legacy', [bob]), envelope('next', [bob])] }));
    expect(resend.enqueues).toEqual([{ status: 'duplicate' }, { status: 'stored', deliveries: [{ recipient: bob, seq: 8 }] }]);
    expect((await store.pageMailbox(bob, 7, 10))[0]).toEqual({ seq: 8, messageId: 'next', from: alice, payload: new TextEncoder().encode('payload-next'), sentAt: 1000 });
    await store.commitMailboxBatch(batch({ acks: [{ mailbox: bob, through: 7, also: [] }] }));
    expect(await store.redis.hgetall(redisKeys.dedup(alice, 'legacy'))).toEqual({ done: '1', left: '0' });
    expect(await store.redis.pttl(redisKeys.dedup(alice, 'legacy'))).toBeLessThanOrEqual(RETENTION_MS);
    // Everything acked and trimmed: the stream still hands out the next seq, never an old one.
    await store.commitMailboxBatch(batch({ acks: [{ mailbox: bob, through: 8, also: [] }] }));
    expect(await store.pendingCount(bob)).toBe(0);
    const after = await store.commitMailboxBatch(batch({ enqueues: [envelope('after', [bob])] }));
    expect(after.enqueues).toEqual([{ status: 'stored', deliveries: [{ recipient: bob, seq: 9 }] }]);
  });

  it('deletes the deliveries an ack names as pushed without reading them, and checks, marks and counts down a dedup record in one command each', async () => {
    // A fresh Redis: the store's scan at start finds no mailbox index, so the scripts look for none.
    await expect.poll(() => store.redis.get(redisKeys.sagas)).toBe('0');
    await store.commitMailboxBatch(batch({ enqueues: ['p1', 'p2', 'p3', 'p4', 'p5'].map((id) => envelope(id, [bob])) }));
    const pushed = (...seqs: number[]) => seqs.map((seq) => ({ seq, from: alice, messageId: `p${seq}` }));
    const namesAll = true;
    const record = (id: string) => store.redis.get(redisKeys.dedup(alice, id));
    const { ran, stop } = await watchCommands();
    try {
      // Every delivery up to through named: deleted by id, no look for any left unnamed, one SET per record.
      const named = await ran({ mailbox: bob, through: 2, also: [], pushed: pushed(1, 2), namesAll });
      expect(named.filter(([command]) => command === 'xrange')).toEqual([]);
      // Each record's last delivery: counted down by one SET that also reads what it was.
      expect(named.filter(([command, key]) => ['get', 'incrby', 'pexpireat', 'xtrim', 'exists'].includes(command!) && key !== redisKeys.sagas)).toEqual([]);
      expect(named.filter(([command]) => command === 'set').map(([, key, value, option, , get]) => [key, value, option, get])).toEqual([
        [redisKeys.dedup(alice, 'p1'), '0', 'PXAT', 'GET'],
        [redisKeys.dedup(alice, 'p2'), '0', 'PXAT', 'GET'],
      ]);
      expect(await store.pageMailbox(bob, 0, 10)).toMatchObject([{ seq: 3 }, { seq: 4 }, { seq: 5 }]);
      expect(await store.redis.pttl(redisKeys.dedup(alice, 'p1'))).toBeLessThanOrEqual(RETENTION_MS);
      // Named again, already gone: counted down no further (a record below zero would let a resend be stored again).
      await ran({ mailbox: bob, through: 2, also: [], pushed: pushed(1, 2), namesAll });
      expect([await record('p1'), await record('p2')]).toEqual(['0', '0']);
      // An ack that does not say it names them all looks for deliveries up to through: one is read for its name, then
      // trimmed and counted down.
      const unnamed = await ran({ mailbox: bob, through: 3, also: [5], pushed: pushed(5) });
      expect(unnamed.some(([command, , , , , count]) => command === 'xrange' && count === '256')).toBe(true);
      expect([await record('p3'), await record('p5')]).toEqual(['0', '0']);
      // Named with one already gone: the delivery left is deleted, but XDEL does not say which one was there, so no
      // record of that ack is counted down: p4's keeps its ceiling rather than expiring early.
      await ran({ mailbox: bob, through: 4, also: [], pushed: pushed(3, 4) });
      expect(await store.pendingCount(bob)).toBe(0);
      expect(await record('p4')).toBe('1');
      expect(await store.redis.pttl(redisKeys.dedup(alice, 'p4'))).toBeGreaterThan(RETENTION_MS);
      // A send is checked and marked by one SET NX … GET, before its append: no GET of its own.
      const put = await ran(envelope('p6', [bob, carol]));
      expect(put.filter(([command, key]) => ['get', 'set', 'xadd'].includes(command!) && key !== redisKeys.sagas).map(([command, key, value, ...rest]) => [command, key, value, rest.at(-1)])).toEqual([
        ['set', redisKeys.dedup(alice, 'p6'), '2', 'GET'],
        ['xadd', redisKeys.mailbox(bob), '0-*', 'payload-p6'],
        ['xadd', redisKeys.mailbox(carol), '0-*', 'payload-p6'],
      ]);
      expect(await record('p6')).toBe('2');
      expect(put.filter(([command]) => command === 'exists')).toEqual([]);
      // Refused (carol's mailbox is full), a new record is taken back.
      await store.commitMailboxBatch(batch({ mailboxQuota: 1, enqueues: [envelope('p7', [bob, carol])] }));
      expect(await store.redis.exists(redisKeys.dedup(alice, 'p7'))).toBe(0);
    } finally {
      stop();
    }
  });

  it('looks a recipient up in its devices hash only where its mailbox stream cannot tell, and takes no seq for a refused send', async () => {
    const dave: Address = { user: 'dave', device: 1 };
    const looks = (commands: string[][]) => commands.filter(([command]) => command === 'hexists').map(([, key]) => key);
    const { ran, stop } = await watchCommands();
    try {
      // Bob was never sent to: he has no stream, so the append (NOMKSTREAM) adds nothing and the hash is read.
      const first = await ran(envelope('n1', [bob]));
      expect(first.filter(([command]) => command === 'xadd').map((args) => args.slice(0, 4))).toEqual([
        ['xadd', redisKeys.mailbox(bob), 'NOMKSTREAM', '0-*'],
        ['xadd', redisKeys.mailbox(bob), '0-*', entryHead(alice, 'n1', 1000)],
      ]);
      expect(looks(first)).toEqual([redisKeys.devices('bob')]);
      // His stream exists now (empty or not): no look.
      expect(looks(await ran(envelope('n2', [bob])))).toEqual([]);
      await store.commitMailboxBatch(batch({ acks: [{ mailbox: bob, through: 2, also: [] }] }));
      expect(await store.pendingCount(bob)).toBe(0);
      expect(looks(await ran(envelope('n3', [bob])))).toEqual([]);
      // Dave is unknown: refused, with no stream made for him and no dedup record left.
      const refused = await store.commitMailboxBatch(batch({ enqueues: [envelope('n4', [dave])] }));
      expect(refused.enqueues).toEqual([{ status: 'unknown_recipient', recipients: [dave] }]);
      expect(await store.redis.exists(redisKeys.mailbox(dave), redisKeys.dedup(alice, 'n4'))).toBe(0);
      // Several recipients: an empty mailbox's device is looked up before any append, so a refusal appends nothing.
      const both = await ran(envelope('n5', [bob, dave]));
      expect(looks(both)).toEqual([redisKeys.devices('dave')]);
      expect(both.filter(([command]) => command === 'xadd')).toEqual([]);
      expect((await store.commitMailboxBatch(batch({ enqueues: [envelope('n6', [bob])] }))).enqueues).toEqual([
        { status: 'stored', deliveries: [{ recipient: bob, seq: 4 }] },
      ]);
      // Bob's mailbox holds entries, carol's stream does not exist: only carol is looked up.
      expect(looks(await ran(envelope('n7', [bob, carol])))).toEqual([redisKeys.devices('carol')]);
    } finally {
      stop();
    }
  });

  it("sends a one-device put its dedup record's and mailbox's keys only: the devices hash is named by the mailbox's key", async () => {
    const client = new Redis(redis.url);
    const calls: Buffer[] = [];
    const recording = new Proxy(client, {
      get(target, prop) {
        if (prop === 'evalsha') {
          return (sha: string, keyCount: number, ...rest: Array<string | number | Buffer>) => {
            calls.push(rest[keyCount] as Buffer);
            return client.evalsha(sha, keyCount, ...rest);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const recorded = new RedisRelayStore(recording, { dedupRetentionMs: RETENTION_MS });
    try {
      const names = (call: Buffer | undefined) => ['devices', 'mb:1', 'dd:1:'].filter((part) => call?.includes(part));
      // Bob has no stream yet: the script reads the devices hash whose key it took from the mailbox's, and stores.
      const one = await recorded.commitMailboxBatch(batch({ enqueues: [envelope('k1', [bob])] }));
      expect(one.enqueues).toEqual([{ status: 'stored', deliveries: [{ recipient: bob, seq: 1 }] }]);
      expect(names(calls.at(-1))).toEqual(['mb:1', 'dd:1:']);
      const ghost: Address = { user: 'ghost', device: 1 };
      expect((await recorded.commitMailboxBatch(batch({ enqueues: [envelope('k2', [ghost])] }))).enqueues).toEqual([{ status: 'unknown_recipient', recipients: [ghost] }]);
      // Several devices: the devices hashes travel with the call.
      await recorded.commitMailboxBatch(batch({ enqueues: [envelope('k3', [bob, carol])] }));
      expect(names(calls.at(-1))).toEqual(['devices', 'mb:1', 'dd:1:']);
    } finally {
      client.disconnect();
    }
  });

  it('looks behind a named ack only after an ack of this relay on that mailbox failed', async () => {
    const client = new Redis(redis.url);
    let failing = false;
    const flaky = new Proxy(client, {
      get(target, prop) {
        if (prop === 'evalsha' && failing) {
          failing = false;
          return () => Promise.reject(new Error('READONLY You can\'t write against a read only replica.'));
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const relay = new RedisRelayStore(flaky, { dedupRetentionMs: RETENTION_MS });
    try {
      await relay.commitMailboxBatch(batch({ enqueues: ['f1', 'f2', 'f3'].map((id) => envelope(id, [bob])) }));
      const ack = (through: number) => ({ mailbox: bob, through, also: [], pushed: [{ seq: through, from: alice, messageId: `f${through}` }], namesAll: true });
      await relay.commitMailboxBatch(batch({ enqueues: ['f1', 'f2', 'f3', 'f4', 'f5'].map((id) => envelope(id, [bob])) }));
      failing = true;
      await expect(relay.commitMailboxBatch(batch({ acks: [ack(1)] }))).rejects.toThrow('READONLY');
      // The next ack names only f2 (the pump freed f1 with the failed one): f1 is found behind it, deleted and counted down.
      await relay.commitMailboxBatch(batch({ acks: [ack(2)] }));
      expect((await relay.pageMailbox(bob, 0, 10)).map((d) => d.messageId)).toEqual(['f3', 'f4', 'f5']);
      expect([await store.redis.get(redisKeys.dedup(alice, 'f1')), await store.redis.get(redisKeys.dedup(alice, 'f2'))]).toEqual(['0', '0']);
      // That look covered the failed ack: later acks that name all look no more (one that skips f3 leaves it).
      await relay.commitMailboxBatch(batch({ acks: [ack(4)] }));
      expect((await relay.pageMailbox(bob, 0, 10)).map((d) => d.messageId)).toEqual(['f3', 'f5']);
    } finally {
      await relay.close();
    }
  });

  it('stores a send retried after a relay died mid-store once per mailbox, with the seq it first got', async () => {
    // The dead relay appended to bob's mailbox and died before carol's append and before the dedup record.
    const name = deliveryName(alice, 'half');
    // It ran sagas (WAIT), so it had set the marker that tells the scripts mailbox indexes may exist.
    await store.redis.set(redisKeys.sagas, '1');
    const round = new ScriptRound(store.redis, { sagas: true, expireAt: 0, ceiling: 0 });
    const appended = round.add(
      'append',
      'bob',
      [redisKeys.devices('bob'), redisKeys.mailbox(bob), redisKeys.mailboxIndex(bob)],
      [name, 100, entryHead(alice, 'half', 1000), Buffer.from('payload-half'), bob.device],
    );
    await round.run();
    expect(await appended).toEqual(['ok', 1]);
    const retry = await store.commitMailboxBatch(batch({ enqueues: [envelope('half', [bob, carol])] }));
    expect(retry.enqueues).toEqual([{ status: 'stored', deliveries: [{ recipient: bob, seq: 1 }, { recipient: carol, seq: 1 }] }]);
    expect((await store.pageMailbox(bob, 0, 10)).map((d) => d.messageId)).toEqual(['half']);
    expect(await store.pendingCount(carol)).toBe(1);
    const again = await store.commitMailboxBatch(batch({ enqueues: [envelope('half', [bob, carol])] }));
    expect(again.enqueues).toEqual([{ status: 'duplicate' }]);
  });

  it('learns at start whether mailbox indexes may exist, and looks for them only then', async () => {
    await expect.poll(() => store.redis.get(redisKeys.sagas)).toBe('0');
    // An index a relay of an earlier version left: a relay that starts on this Redis finds it.
    await store.redis.del(redisKeys.sagas);
    await store.redis.zadd(redisKeys.mailboxIndex(carol), 1, deliveryName(bob, 'old'));
    const later = await openRedisStore({ urls: [redis.url], dedupRetentionMs: RETENTION_MS });
    await expect.poll(() => later.redis.get(redisKeys.sagas)).toBe('1');
    await later.close();
    // A relay with WAIT marks it before its first saga, also where a scan had found none.
    await store.redis.set(redisKeys.sagas, '0');
    const waiting = new RedisRelayStore(new Redis(redis.url), { dedupRetentionMs: RETENTION_MS, waitReplicas: 1 });
    await expect.poll(() => store.redis.get(redisKeys.sagas)).toBe('1');
    await waiting.close();
    // Its first attempt failed (Redis restarting, say): its first batch tries again before any saga.
    await store.redis.set(redisKeys.sagas, '0');
    const client = new Redis(redis.url);
    let refused = false;
    const flaky = new Proxy(client, {
      get(target, prop) {
        if (prop === 'set' && !refused) {
          refused = true;
          return () => Promise.reject(new Error('LOADING Redis is loading the dataset in memory'));
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const retrying = new RedisRelayStore(flaky, { dedupRetentionMs: RETENTION_MS, waitReplicas: 1, waitTimeoutMs: 10 });
    // No replica answers its WAIT: the batch fails, but not before the marker is set.
    await expect(retrying.commitMailboxBatch(batch({ enqueues: [envelope('waited', [carol])] }))).rejects.toThrow();
    expect(await store.redis.get(redisKeys.sagas)).toBe('1');
    await retrying.close();
    // Marked: a send looks in each recipient's index (where an unfinished saga's append may be), an ack deletes there.
    const monitor = await monitorRedis(redis.url);
    const commands: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => commands.push(args.map(String)));
    try {
      await store.commitMailboxBatch(batch({ enqueues: [envelope('looked', [carol])] }));
      await store.commitMailboxBatch(batch({ acks: [{ mailbox: carol, through: 1, also: [], pushed: [{ seq: 1, from: alice, messageId: 'looked' }] }] }));
      await expect.poll(() => commands.filter(([command]) => command!.toLowerCase() === 'exists').length).toBe(2);
    } finally {
      monitor.disconnect();
    }
  });

  it('writes a batch of sends and acks in one script call on a single Redis, with messages for several users too', async () => {
    const users = Array.from({ length: 12 }, (_, i) => ({ user: `user${i}`, device: 1 }));
    for (const address of users) await store.registerDevice({ address, identityKey: 'A'.repeat(43) + '=', registeredAt: 1 });
    await store.commitMailboxBatch(batch({ enqueues: users.map((user, i) => envelope(`first-${i}`, [user])) }));
    const evalshaCalls = async () => Number(/cmdstat_evalsha:calls=(\d+)/.exec(await store.redis.info('commandstats'))?.[1] ?? 0);
    let before = await evalshaCalls();
    const result = await store.commitMailboxBatch(
      batch({ acks: users.map((mailbox) => ({ mailbox, through: 1, also: [] })), enqueues: users.map((user, i) => envelope(`second-${i}`, [user])) }),
    );
    expect(result.enqueues.every((outcome) => outcome.status === 'stored')).toBe(true);
    expect((await evalshaCalls()) - before).toBe(1);
    expect(await store.pendingCount(users[0]!)).toBe(1);
    expect(await store.redis.pttl(redisKeys.dedup(alice, 'first-0'))).toBeLessThanOrEqual(RETENTION_MS);
    // Marked stored with the append: a resend is a duplicate, and the record awaits its one delivery.
    expect(await store.redis.get(redisKeys.dedup(alice, 'second-0'))).toBe('1');
    before = await evalshaCalls();
    const mixed = await store.commitMailboxBatch(batch({ enqueues: [envelope('second-0', [users[0]!]), envelope('third', [users[1]!]), envelope('group', [bob, carol])] }));
    expect(mixed.enqueues.map((outcome) => outcome.status)).toEqual(['duplicate', 'stored', 'stored']);
    expect((await evalshaCalls()) - before).toBe(1);
    expect(await store.redis.get(redisKeys.dedup(alice, 'group'))).toBe('2');
    // Stored atomically with their marking, so no mailbox index is written.
    expect(await store.redis.exists(redisKeys.mailboxIndex(users[0]!), redisKeys.mailboxIndex(bob), redisKeys.mailboxIndex(carol))).toBe(0);
  });

  describe('overlapping batches', () => {
    /** A store whose first script call naming the dedup record of `gated` (its batch's store) waits until the test opens it. */
    function gatedStore(gated: string) {
      const client = new Redis(redis.url, { enableAutoPipelining: true });
      let open = () => {};
      const gate = new Promise<void>((resolve) => (open = resolve));
      let gatedOnce = false;
      const evalsha = (sha: string, keyCount: number, ...rest: Array<string | number | Buffer>) => {
        const keys = rest.slice(0, keyCount);
        if (keys.includes(redisKeys.dedup(alice, gated)) && !gatedOnce) {
          gatedOnce = true;
          return gate.then(() => client.evalsha(sha, keyCount, ...rest));
        }
        return client.evalsha(sha, keyCount, ...rest);
      };
      const proxy = new Proxy(client, {
        get(target, prop) {
          if (prop === 'evalsha') return evalsha;
          const value = Reflect.get(target, prop, target) as unknown;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      return { store: new RedisRelayStore(proxy, { dedupRetentionMs: RETENTION_MS }), open };
    }

    it('lets a batch for other mailboxes finish while an earlier one waits for Redis', async () => {
      const gated = gatedStore('slow');
      const slow = gated.store.commitMailboxBatch(batch({ enqueues: [envelope('slow', [bob])] }));
      const fast = await gated.store.commitMailboxBatch(batch({ enqueues: [envelope('fast', [carol])] }));
      expect(fast.enqueues).toEqual([{ status: 'stored', deliveries: [{ recipient: carol, seq: 1 }] }]);
      gated.open();
      expect((await slow).enqueues).toEqual([{ status: 'stored', deliveries: [{ recipient: bob, seq: 1 }] }]);
      await gated.store.close();
    });

    it('keeps two overlapping batches to one mailbox in call order', async () => {
      // Submitted while the first waits for Redis: the second's write to bob waits for the first's.
      const gated = gatedStore('first');
      const first = gated.store.commitMailboxBatch(batch({ enqueues: [envelope('first', [bob])] }));
      const second = gated.store.commitMailboxBatch(batch({ enqueues: [envelope('second', [bob])] }));
      await new Promise((resolve) => setImmediate(resolve));
      gated.open();
      await Promise.all([first, second]);
      expect((await store.pageMailbox(bob, 0, 10)).map((d) => [d.seq, d.messageId])).toEqual([
        [1, 'first'],
        [2, 'second'],
      ]);
      await gated.store.close();
    });

    it('answers a resend that overlaps its first send as a duplicate, stored once', async () => {
      const gated = gatedStore('twice');
      const first = gated.store.commitMailboxBatch(batch({ enqueues: [envelope('twice', [bob])] }));
      const resend = gated.store.commitMailboxBatch(batch({ enqueues: [envelope('twice', [bob])] }));
      gated.open();
      expect((await first).enqueues).toEqual([{ status: 'stored', deliveries: [{ recipient: bob, seq: 1 }] }]);
      expect((await resend).enqueues).toEqual([{ status: 'duplicate' }]);
      expect(await store.redis.get(redisKeys.dedup(alice, 'twice'))).toBe('1');
      await gated.store.close();
    });
  });

  it('keeps every key of one user in one cluster slot', () => {
    const keys = [
      redisKeys.devices('Bob'),
      redisKeys.mailbox(bob),
      redisKeys.mailboxIndex(bob),
      redisKeys.dedup(bob, 'm1'),
      redisKeys.signedPrekeys('bob'),
      redisKeys.lastResortKemPrekeys('bob'),
      redisKeys.prekeyQueue({ user: 'bob', device: 2 }, 'kem'),
      redisKeys.prekeyValues(bob, 'otk'),
      redisKeys.prekeyArrivals(bob),
    ];
    expect(new Set(keys.map((key) => /\{([^}]*)\}/.exec(key)?.[1]))).toEqual(new Set(['bob']));
  });
});
