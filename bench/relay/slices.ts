// Relay CPU per delivered message of several relay variants, measured in interleaved slices in one process: the
// A/B least disturbed by other work on the machine for a change to the relay and its client alike (a protocol change).
// Each variant is a checkout (its `src/server/main.ts` and its `bench/relay/parley-driver.ts`, so each relay is driven
// by its own client code) plus relay settings, with devices of its own sending at a fixed rate per device to random
// others of them. Slices take turns (the order reversed every round); in each, after a warm-up second, the relay's
// CPU (user + system, all threads) over the messages delivered. Only the relay's CPU counts: the drivers run here.
// Each slice also says how many `ack` frames of their own the devices wrote per message delivered, and how many sends
// carried an ack, where the variant's driver counts them.
//
//   npx tsx bench/relay/slices.ts --variant base=/tmp/base --variant new=. [--variant g20=.,PARLEY_RELAY_COMMIT_GATHER_MS=20]
//       [--variant sgc=.,--single-threaded-gc]   (a setting starting with -- is a Node option of the relay process)
//       [--devices 200] [--per-device 5] [--slice 6] [--slices 6]
//
// A checkout made with `git archive <commit> | tar -x -C <dir>` and `ln -s "$PWD/node_modules" <dir>/` will do.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { LoadDriver, LoadEvents } from './load-driver';
import { cpuSeconds } from './machine';
import { killAllChildren, type ServerProcess } from './processes';
import { startRelay } from './system-run';

const WARM_UP_MS = 1_000;
const TICK_MS = 10;

interface AckCounts {
  alone: number;
  carried: number;
}

interface Variant {
  name: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  nodeArgs: string[];
  relay?: ServerProcess;
  dataDir?: string;
  driver?: LoadDriver & { ackCounts?: AckCounts };
  delivered: number;
  failed: number;
  /** µs of relay CPU per delivered message, one per slice. */
  perMessage: number[];
}

const { values } = parseArgs({
  options: {
    variant: { type: 'string', multiple: true },
    devices: { type: 'string', default: '200' },
    'per-device': { type: 'string', default: '5' },
    slice: { type: 'string', default: '6' },
    slices: { type: 'string', default: '6' },
  },
});
const devices = Number(values.devices);
const perDevice = Number(values['per-device']);
const sliceMs = Number(values.slice) * 1000;
const rounds = Number(values.slices);
const variants: Variant[] = (values.variant ?? []).map(parseVariant);
if (variants.length < 2) throw new Error('name at least two variants: --variant name=dir[,SETTING=value…]');

function parseVariant(spec: string): Variant {
  const [name, rest] = spec.split(/=(.*)/s, 2);
  const [dir, ...settings] = (rest ?? '').split(',');
  if (!name || !dir) throw new Error(`--variant ${spec}: expected name=dir[,SETTING=value…]`);
  const nodeArgs = settings.filter((setting) => setting.startsWith('--'));
  const env = Object.fromEntries(settings.filter((setting) => !setting.startsWith('--')).map((setting) => setting.split(/=(.*)/s, 2) as [string, string]));
  return { name, dir: resolve(dir), env, nodeArgs, delivered: 0, failed: 0, perMessage: [] };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function start(variant: Variant, runTag: string): Promise<void> {
  variant.dataDir = mkdtempSync(join(tmpdir(), 'parley-slices-'));
  variant.relay = await startRelay({ cwd: variant.dir, dataDir: variant.dataDir, env: variant.env, nodeArgs: variant.nodeArgs, placement: {} });
  const module = (await import(pathToFileURL(join(variant.dir, 'bench/relay/parley-driver.ts')).href)) as {
    ParleyDriver: new (urls: readonly string[], runTag: string, payload: Uint8Array, events: LoadEvents) => LoadDriver & { ackCounts?: AckCounts };
  };
  const events: LoadEvents = {
    acked: () => {},
    failed: () => void variant.failed++,
    delivered: () => void variant.delivered++,
  };
  variant.driver = new module.ParleyDriver([variant.relay.url], `${runTag}${variant.name}`, new Uint8Array(256).fill(7), events);
  await variant.driver.connect(Array.from({ length: devices }, (_, i) => ({ global: i, local: i })));
}

let sequence = 0;
async function slice(variant: Variant): Promise<void> {
  const driver = variant.driver!;
  const pid = variant.relay!.pid;
  const perTick = (devices * perDevice * TICK_MS) / 1000;
  let owed = 0;
  const timer = setInterval(() => {
    for (owed += perTick; owed >= 1; owed--) {
      const from = Math.floor(Math.random() * devices);
      const to = (from + 1 + Math.floor(Math.random() * (devices - 1))) % devices;
      driver.send(from, to, `s${(sequence++).toString(36).padStart(9, '0')}`);
    }
  }, TICK_MS);
  await sleep(WARM_UP_MS);
  const cpuBefore = cpuSeconds(pid)!;
  const deliveredBefore = variant.delivered;
  const acksBefore = { ...driver.ackCounts };
  const startedAt = performance.now();
  await sleep(sliceMs - WARM_UP_MS);
  const cpu = cpuSeconds(pid)! - cpuBefore;
  const delivered = variant.delivered - deliveredBefore;
  const seconds = (performance.now() - startedAt) / 1000;
  clearInterval(timer);
  const perMessage = (cpu / delivered) * 1e6;
  variant.perMessage.push(perMessage);
  const counts = driver.ackCounts;
  const acks =
    counts === undefined
      ? ''
      : `  ack frames/msg ${((counts.alone - acksBefore.alone!) / delivered).toFixed(2)}, sends carrying an ack ${(((counts.carried - acksBefore.carried!) / delivered) * 100).toFixed(0)}%`;
  console.log(
    `${variant.name.padEnd(12)} ${perMessage.toFixed(1).padStart(7)} µs/msg  ${(delivered / seconds).toFixed(0).padStart(6)} msg/s  relay CPU ${((cpu / seconds) * 100).toFixed(1)}%  failed ${variant.failed}${acks}`,
  );
  await sleep(500); // the last acks of the slice (held up to ACK_DELAY_MS) leave before the next one
}

try {
  const runTag = Date.now().toString(36);
  for (const variant of variants) await start(variant, runTag);
  console.log(`${variants.length} relays, ${devices} devices each at ${perDevice} sends/s; ${rounds} rounds of ${sliceMs / 1000} s slices`);
  for (let round = 0; round < rounds; round++) {
    for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) await slice(variant);
  }
  const [first, ...others] = variants;
  for (const variant of variants) {
    const xs = variant.perMessage;
    console.log(`${variant.name}: median ${median(xs).toFixed(1)} µs/msg [${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}]`);
  }
  for (const variant of others) {
    const cheaper = variant.perMessage.filter((x, i) => x < first!.perMessage[i]!).length;
    console.log(`${variant.name} cheaper than ${first!.name} in ${cheaper} of ${rounds} rounds`);
  }
} finally {
  for (const variant of variants) await variant.driver?.close();
  for (const variant of variants) await variant.relay?.stop();
  for (const variant of variants) if (variant.dataDir) rmSync(variant.dataDir, { recursive: true, force: true });
  killAllChildren();
}
