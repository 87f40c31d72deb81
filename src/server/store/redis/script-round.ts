// One round of a mailbox batch's work on Redis: the operations of the round (MAILBOX_OPS: check, probe, append,
// undo, put, ack, release, settle) are gathered while the batch is prepared and sent together, as one EVALSHA on a single Redis
// and one per user on Redis Cluster (every key of a user shares its slot; keys of several users may not meet in one
// script there). A batch of any size thus costs Redis a few script calls rather than several per message, and the
// relay builds and parses a few requests rather than several per message.
import { normalizeUsername } from '../../../shared/protocol';
import { MAILBOX_OPS, runScript, type RedisClient } from './redis-scripts';
import { StringPack } from './string-pack';

export type MailboxOp = 'check' | 'probe' | 'append' | 'undo' | 'put' | 'ack' | 'release' | 'settle';

interface Operation {
  op: MailboxOp;
  keys: readonly string[];
  args: ReadonlyArray<string | number | Uint8Array>;
  resolve: (reply: unknown) => void;
  reject: (error: unknown) => void;
}

export class ScriptRound {
  /** Operations by script call: by user on a cluster, all in one on a single Redis. */
  private readonly calls = new Map<string, Operation[]>();
  private readonly cluster: boolean;

  constructor(private readonly redis: RedisClient) {
    this.cluster = 'nodes' in redis;
  }

  get size(): number {
    let count = 0;
    for (const operations of this.calls.values()) count += operations.length;
    return count;
  }

  /** Adds an operation over keys of `user`'s slot; its promise settles once the round has run. */
  add(op: MailboxOp, user: string, keys: readonly string[], args: ReadonlyArray<string | number | Uint8Array>): Promise<unknown> {
    const call = this.cluster ? normalizeUsername(user) : '';
    let resolve: (reply: unknown) => void = () => {};
    let reject: (error: unknown) => void = () => {};
    const reply = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A caller that stopped waiting (an earlier step failed) leaves no unhandled rejection behind.
    reply.catch(() => undefined);
    const operations = this.calls.get(call) ?? [];
    operations.push({ op, keys, args, resolve, reject });
    this.calls.set(call, operations);
    return reply;
  }

  /** Sends the round's script calls together (auto-pipelined: one round trip per Redis node). */
  async run(): Promise<void> {
    const calls = [...this.calls.values()];
    this.calls.clear();
    await Promise.all(
      calls.map(async (operations) => {
        // One packed argument (MAILBOX_OPS unpacks it); the first key, in the slot of every key of the call, routes it.
        const pack = new StringPack().array(operations.length);
        for (const { op, keys, args } of operations) {
          pack.array(2 + keys.length + args.length).item(op).item(keys.length);
          for (const key of keys) pack.item(key);
          for (const arg of args) pack.item(arg);
        }
        try {
          const replies = (await runScript(this.redis, MAILBOX_OPS, [operations[0]!.keys[0]!], [pack.finish()])) as unknown[];
          operations.forEach((operation, i) => operation.resolve(replies[i]));
        } catch (error) {
          for (const operation of operations) operation.reject(error);
        }
      }),
    );
  }
}
