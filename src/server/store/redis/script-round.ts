// One round of a mailbox batch's work on Redis: the operations of the round (MAILBOX_OPS: check, probe, append,
// undo, put, ack, release, settle) are gathered while the batch is prepared and sent together, as one EVALSHA on a single Redis
// and one per user on Redis Cluster (every key of a user shares its slot; keys of several users may not meet in one
// script there). A batch of any size thus costs Redis a few script calls rather than several per message, and the
// relay builds and parses a few requests rather than several per message.
import { normalizeUsername } from '../../../shared/protocol';
import { redisKeys } from './redis-keys';
import { MAILBOX_OPS, runScript, type RedisClient } from './redis-scripts';
import { StringPack } from './string-pack';

export type MailboxOp = 'check' | 'probe' | 'append' | 'undo' | 'put' | 'ack' | 'release' | 'settle';

interface Operation {
  op: MailboxOp;
  keys: readonly string[];
  args: ReadonlyArray<string | number | Uint8Array>;
  reply: OperationReply;
}

/**
 * The reply of one operation, once its round has run: read at once with value(), or awaited (a promise is made only
 * then, so a batch that reads its replies after run() makes none per operation).
 */
export class OperationReply implements PromiseLike<unknown> {
  private outcome: { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
  private waiting: { promise: Promise<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void } | undefined;

  /** The script's reply to this operation; throws its call's error. Only once the round has run. */
  value(): unknown {
    if (this.outcome === undefined) throw new Error('the round has not run');
    if (!this.outcome.ok) throw this.outcome.error;
    return this.outcome.value;
  }

  then<T = unknown, E = never>(onValue?: ((value: unknown) => T | PromiseLike<T>) | null, onError?: ((error: unknown) => E | PromiseLike<E>) | null): Promise<T | E> {
    if (this.waiting === undefined) {
      let resolve: (value: unknown) => void = () => {};
      let reject: (error: unknown) => void = () => {};
      const promise = new Promise<unknown>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.waiting = { promise, resolve, reject };
      if (this.outcome !== undefined) this.settleWaiting();
    }
    return this.waiting.promise.then(onValue, onError);
  }

  settle(outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): void {
    this.outcome = outcome;
    if (this.waiting !== undefined) this.settleWaiting();
  }

  private settleWaiting(): void {
    const outcome = this.outcome!;
    if (outcome.ok) this.waiting!.resolve(outcome.value);
    else this.waiting!.reject(outcome.error);
  }
}

/** What every script call of a round carries once, for all of its operations. */
export interface RoundContext {
  /** This relay runs sagas (Redis Cluster, or WAIT), so mailbox indexes are expected; else the script reads the sagas marker (redis-keys.ts). */
  sagas: boolean;
  /** When a dedup record whose last delivery is acked expires (ms since the epoch). */
  expireAt: number;
  /** The safety TTL (ms) of a dedup record whose deliveries are pending. */
  ceiling: number;
}

export class ScriptRound {
  /** Operations by script call: by user on a cluster, all in one on a single Redis. */
  private readonly calls = new Map<string, Operation[]>();
  private readonly cluster: boolean;

  constructor(
    private readonly redis: RedisClient,
    private readonly context: RoundContext,
  ) {
    this.cluster = 'nodes' in redis;
  }

  get size(): number {
    let count = 0;
    for (const operations of this.calls.values()) count += operations.length;
    return count;
  }

  /**
   * Adds an operation over keys of `user`'s slot; its reply is there once the round has run. Arguments: strings and
   * bytes reach the script as Lua strings, numbers (safe integers) as Lua numbers.
   */
  add(op: MailboxOp, user: string, keys: readonly string[], args: ReadonlyArray<string | number | Uint8Array>): OperationReply {
    const call = this.cluster ? normalizeUsername(user) : '';
    const reply = new OperationReply();
    let operations = this.calls.get(call);
    if (operations === undefined) {
      operations = [];
      this.calls.set(call, operations);
    }
    operations.push({ op, keys, args, reply });
    return reply;
  }

  /** Sends the round's script calls together (auto-pipelined: one round trip per Redis node). */
  async run(): Promise<void> {
    const calls = [...this.calls.values()];
    this.calls.clear();
    await Promise.all(
      calls.map(async (operations) => {
        // One packed argument, a flat array (MAILBOX_OPS unpacks it): the context, then per operation its name, key and
        // argument counts, keys and arguments. The first key, in the slot of every key of the call, routes it; on a
        // single Redis the sagas marker follows.
        const { sagas, expireAt, ceiling } = this.context;
        let items = 3;
        for (const { keys, args } of operations) items += 3 + keys.length + args.length;
        const pack = new StringPack()
          .array(items)
          .item(sagas ? 1 : 0)
          .item(String(expireAt))
          .item(String(ceiling));
        for (const { op, keys, args } of operations) {
          pack.item(op).item(keys.length).item(args.length);
          for (const key of keys) pack.item(key);
          for (const arg of args) pack.item(arg);
        }
        const keys = this.cluster ? [operations[0]!.keys[0]!] : [operations[0]!.keys[0]!, redisKeys.sagas];
        try {
          const replies = (await runScript(this.redis, MAILBOX_OPS, keys, [pack.finish()])) as unknown[];
          for (let i = 0; i < operations.length; i++) operations[i]!.reply.settle({ ok: true, value: replies[i] });
        } catch (error) {
          for (const operation of operations) operation.reply.settle({ ok: false, error });
        }
      }),
    );
  }
}
