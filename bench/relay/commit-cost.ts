// CPU per message of the SQLite store's group commit, two relay checkouts (or two commit sizes) interleaved in one
// process, so a change to the store gets a before/after that the machine's load disturbs alike. In-process: no
// sockets, frames or load generator, only commitMailboxBatch with durability `disk` (its fdatasync and the
// checkpoint worker count, being threads of this process). Each commit holds k random one-to-one sends among
// 1,000 devices plus one cumulative ack per mailbox that got a delivery `--ack-lag` commits before, as under
// `npm run bench:relay`, where a device's ack trails its delivery by the client's hold (70 ms on average with a
// 100 ms hold at 5 sends/s per device, 126 ms with 250 ms) plus the relay's gathering: 8–14 commits of 10 ms. The lag
// sets how many deliveries are pending, hence how many pages of the deliveries table a commit rewrites (README.md,
// "Relay CPU, session 11"). Prints the median CPU per message of each side and in how many slices B was cheaper.
//
//   npx tsx bench/relay/commit-cost.ts <checkout A> <checkout B> [--k 25] [--k-b 50] [--ack-lag 1] [--ack-lag-b N]
//       [--slices 30] [--messages 1500]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { MailboxAck, MailboxStore, RelayStore } from '../../src/server/store/relay-store';
import { loadAverageNow } from './results';

const DEVICES = 1_000;
const WARM_UP_COMMITS = 300;

interface Side {
  name: string;
  k: number;
  lag: number;
  store: RelayStore;
  dataDir: string;
  commit: () => Promise<void>;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    k: { type: 'string', default: '25' },
    'k-b': { type: 'string' },
    'ack-lag': { type: 'string', default: '1' },
    'ack-lag-b': { type: 'string' },
    slices: { type: 'string', default: '30' },
    messages: { type: 'string', default: '1500' },
  },
});
if (positionals.length !== 2) {
  console.error('usage: npx tsx bench/relay/commit-cost.ts <checkout A> <checkout B> [--k 25] [--k-b 50] [--ack-lag 1] [--ack-lag-b N] [--slices 30] [--messages 1500]');
  process.exit(2);
}
const k = Number(values.k);
const kB = Number(values['k-b'] ?? values.k);
const lag = Number(values['ack-lag']);
const lagB = Number(values['ack-lag-b'] ?? values['ack-lag']);
const slices = Number(values.slices);
const messagesPerSlice = Number(values.messages);
const payload = randomBytes(256);
let nextId = 0;

async function openSide(name: string, checkout: string, sends: number, ackLag: number): Promise<Side> {
  const module = (await import(join(resolve(checkout), 'src/server/store/sqlite/sqlite-store.ts'))) as {
    openSqliteStore: (options: { dataDir: string; durability: 'disk' }) => RelayStore;
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-commit-cost-'));
  const store = module.openSqliteStore({ dataDir, durability: 'disk' });
  for (let i = 0; i < DEVICES; i++) await store.registerDevice({ address: { user: `user${i}`, device: 1 }, identityKey: 'k', registeredAt: 1 });
  /** The acks of the last commits' deliveries, oldest first: each is committed ackLag commits after its deliveries. */
  const trailing: MailboxAck[][] = [];
  const commit = async () => {
    trailing.push(await commitOnce(store, sends, trailing.length >= ackLag ? trailing.shift()! : []));
  };
  return { name, k: sends, lag: ackLag, store, dataDir, commit };
}

/** One commit of `sends` random sends and `acks`; returns the acks of the deliveries it made. */
async function commitOnce(store: MailboxStore, sends: number, acks: MailboxAck[]): Promise<MailboxAck[]> {
  const enqueues = Array.from({ length: sends }, () => {
    const from = Math.floor(Math.random() * DEVICES);
    const to = (from + 1 + Math.floor(Math.random() * (DEVICES - 1))) % DEVICES;
    // Time-ordered ids, as Parley's client makes them.
    const messageId = `m${(Date.now() * 1_000 + nextId++).toString(36).padStart(12, '0')}`;
    return { sender: { user: `user${from}`, device: 1 }, messageId, recipients: [{ user: `user${to}`, device: 1 }], payload, sentAt: Date.now() };
  });
  const result = await store.commitMailboxBatch({ acks, enqueues, mailboxQuota: 100_000, now: Date.now(), durable: true });
  const through = new Map<string, number>();
  for (const outcome of result.enqueues) {
    if (outcome.status !== 'stored') continue;
    for (const delivery of outcome.deliveries) through.set(delivery.recipient.user, Math.max(through.get(delivery.recipient.user) ?? 0, delivery.seq));
  }
  return [...through].map(([user, seq]) => ({ mailbox: { user, device: 1 }, through: seq, also: [] }));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const a = await openSide('A', positionals[0]!, k, lag);
const b = await openSide('B', positionals[1]!, kB, lagB);
const loadAtStart = loadAverageNow();
for (let i = 0; i < WARM_UP_COMMITS; i++) {
  await a.commit();
  await b.commit();
}
const perMessage = new Map<Side, number[]>([
  [a, []],
  [b, []],
]);
for (let slice = 0; slice < slices; slice++) {
  for (const side of slice % 2 === 0 ? [a, b] : [b, a]) {
    const commits = Math.max(1, Math.round(messagesPerSlice / side.k));
    const before = process.cpuUsage();
    for (let i = 0; i < commits; i++) await side.commit();
    const used = process.cpuUsage(before);
    perMessage.get(side)!.push((used.user + used.system) / (commits * side.k));
  }
}
const cheaper = perMessage.get(b)!.filter((value, i) => value < perMessage.get(a)![i]!).length;
for (const side of [a, b]) {
  console.log(`${side.name}: k = ${side.k}, acks ${side.lag} commits later, ${median(perMessage.get(side)!).toFixed(1)} µs of CPU per message (median of ${slices} slices)`);
}
console.log(`B cheaper in ${cheaper} of ${slices} slices; load average ${loadAtStart.join(' ')} → ${loadAverageNow().join(' ')}`);
for (const side of [a, b]) {
  await side.store.close();
  rmSync(side.dataDir, { recursive: true, force: true });
}
