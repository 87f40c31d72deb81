// The report of a bench:scale run: a capacity table (devices held at once, memory per connection) and a throughput
// table (sustained msg/s, latency, CPU and Redis work per message), one column per system, cells as median
// [min–max] over repetitions, with bench/relay's table code; then what each side does and the issue's goal.
import type { MachineInfo } from '../relay/machine';
import type { LoadResult, PhaseResult } from '../relay/system-run';
import { count, errorCount, mib, ms, ofPhase, percent, renderColumns, spread, type Column, type Format, type Row } from '../relay/table';
import type { ScaleOptions, ScaleSystem } from './options';

export interface ScaleRun extends LoadResult {
  system: ScaleSystem;
  /** 0 for the capacity run, 1… for throughput repetitions. */
  repetition: number;
}

export function systemLabel(system: ScaleSystem, nodes: number): [string, string] {
  switch (system) {
    case 'parley-sqlite':
      return ['Parley, 1 relay', '(SQLite, fsync)'];
    case 'parley-redis':
      return [`Parley, ${nodes} relays`, '(one Redis, AOF)'];
    case 'socketio-redis':
      return [`socket.io 4.8, ${nodes} nodes`, '(redis-streams-adapter)'];
  }
}

/**
 * Memory the servers gained per connected device, KiB: the slope from the first step to the last one held, which
 * leaves out what a fresh process allocates while it warms up (from no device when only one step was held).
 */
export function memoryPerConnectionKiB(run: LoadResult): number | undefined {
  const held = run.connectSteps.filter((step) => step.devices > 0);
  const first = held.length >= 2 ? held[0] : run.connectSteps[0];
  const last = held.at(-1);
  if (first?.rssMiB === undefined || last?.rssMiB === undefined || last.devices === first.devices) return undefined;
  return ((last.rssMiB - first.rssMiB) * 1024) / (last.devices - first.devices);
}

/** A counter of the measured window per message delivered in it. */
function perMessage(p: PhaseResult, counter: string): number | undefined {
  const value = p.counters[counter];
  const delivered = p.deliveredPerSecond * p.measuredSeconds;
  return value === undefined || delivered === 0 ? undefined : value / delivered;
}

const decimal: Format = (v) => v.toFixed(2);
const kib: Format = (v) => v.toFixed(1);

function capacityRows(options: ScaleOptions): Row[] {
  const rate = (pick: (p: PhaseResult) => number | undefined) => ofPhase('rate', pick);
  return [
    { label: `Capacity: up to ${count(options.capacity)} authenticated devices at once, ${count(options.capacityStep)} per step` },
    { label: '  devices held', pick: (run) => run.connectSteps.at(-1)?.devices, format: count },
    { label: '  seconds to connect them', pick: (run) => run.connectSeconds, format: decimal },
    { label: "  servers' RSS before any device (MiB)", pick: (run) => run.connectSteps[0]?.rssMiB, format: mib },
    { label: "  servers' RSS with every device (MiB)", pick: (run) => run.connectSteps.at(-1)?.rssMiB, format: mib },
    { label: '  memory per connection (KiB)', pick: memoryPerConnectionKiB, format: kib },
    { label: `  delivered msg/s at ${count(options.capacityRate)} offered`, pick: rate((p) => p.deliveredPerSecond), format: count },
    { label: '  delivery latency p99 (ms)', pick: rate((p) => p.latencyMs.p99), format: ms },
    { label: '  lost / errors + unanswered', pick: rate((p) => p.lost + errorCount(p) + p.unanswered), format: count },
  ];
}

function throughputRows(options: ScaleOptions): Row[] {
  const sections: Array<[PhaseResult['name'], string]> = [
    ['max', `Sustained: closed loop, ${options.window} sends in flight per device, ${count(options.devices)} devices`],
    ['rate', `Fixed offered rate ${count(options.rate)} msg/s (open loop), ${count(options.devices)} devices`],
  ];
  return sections.flatMap(([name, title]) => {
    const of = (pick: (p: PhaseResult) => number | undefined) => ofPhase(name, pick);
    return [
      { label: title },
      { label: '  delivered messages/s', pick: of((p) => p.deliveredPerSecond), format: count },
      { label: '  delivery latency p50 (ms)', pick: of((p) => p.latencyMs.p50), format: ms },
      { label: '  delivery latency p99 (ms)', pick: of((p) => p.latencyMs.p99), format: ms },
      { label: '  sender ack p99 (ms)', pick: of((p) => p.ackLatencyMs.p99), format: ms },
      { label: '  server CPU, every process (100% = one core)', pick: of((p) => p.serverCpuPercent), format: percent },
      { label: '  server CPU per message, every process (µs)', pick: of((p) => p.serverCpuPerMessageUs), format: count },
      { label: '  of which Redis (µs)', pick: of((p) => mul(perMessage(p, 'redis.cpuSeconds'), 1e6)), format: count },
      { label: '  Redis commands per message', pick: of((p) => perMessage(p, 'redis.calls')), format: decimal },
      { label: '  lost (acked, never delivered)', pick: of((p) => p.lost), format: count },
      { label: '  errors + unanswered sends', pick: of((p) => errorCount(p) + p.unanswered), format: count },
    ];
  });
}

function mul(value: number | undefined, factor: number): number | undefined {
  return value === undefined ? undefined : value * factor;
}

/** Redis commands per delivered message in the closed-loop phase, by command, median over repetitions, most first. */
export function commandMix(runs: LoadResult[]): Array<[string, number]> {
  const names = new Set(runs.flatMap((run) => Object.keys(ofPhaseCounters(run))).filter((key) => key.startsWith('redis.calls.')));
  const mix: Array<[string, number]> = [];
  for (const name of names) {
    const median = spread(runs.map(ofPhase('max', (p) => perMessage(p, name))))?.median;
    if (median !== undefined && median >= 0.005) mix.push([name.slice('redis.calls.'.length), median]);
  }
  return mix.sort((a, b) => b[1] - a[1]);
}

function ofPhaseCounters(run: LoadResult): Record<string, number> {
  return run.phases.find((p) => p.name === 'max')?.counters ?? {};
}

export interface ScaleGoal {
  /** Parley on Redis carries at least what socket.io on Redis carries (closed-loop medians). */
  met: boolean | undefined;
  /** Acked but never delivered, over every Parley run. */
  parleyLost: number;
  text: string[];
}

export function scaleGoal(runs: ScaleRun[], options: ScaleOptions): ScaleGoal {
  const sustained = (system: ScaleSystem) =>
    spread(runs.filter((r) => r.system === system && r.repetition > 0).map(ofPhase('max', (p) => p.deliveredPerSecond)))?.median;
  const parleyLost = runs
    .filter((r) => r.system !== 'socketio-redis')
    .reduce((sum, run) => sum + run.phases.reduce((s, p) => s + p.lost, 0), 0);
  const text: string[] = [];
  const parley = sustained('parley-redis');
  const socket = sustained('socketio-redis');
  let met: boolean | undefined;
  if (parley !== undefined && socket !== undefined) {
    met = parley >= socket && parleyLost === 0;
    text.push(
      `${options.nodes} Parley relays on Redis ${count(parley)} msg/s vs ${options.nodes} socket.io nodes ${count(socket)} msg/s ` +
        `(×${(parley / socket).toFixed(2)}), Parley lost ${parleyLost} — ${met ? 'MET' : 'NOT MET'}`,
    );
  }
  text.push(`Parley lost messages (every Parley run and phase, capacity included): ${parleyLost}${parleyLost === 0 ? '' : ' — FAILURE'}`);
  return { met, parleyLost, text };
}

export function renderScaleReport(runs: ScaleRun[], options: ScaleOptions, machine: MachineInfo, loadAverageAtEnd: number[]): string {
  const columns = (repetitions: (run: ScaleRun) => boolean): Column[] =>
    options.systems.map((system) => {
      const [title, subtitle] = systemLabel(system, options.nodes);
      return { title, subtitle, runs: runs.filter((r) => r.system === system && repetitions(r)) };
    });
  const reps = options.repetitions;
  const [l1, l5, l15] = machine.loadAverageAtStart;
  const failures = runs.filter((r) => r.connectError !== undefined).map((r) => `  - ${r.system}: ${r.connectError}`);
  const mixes = options.systems
    .filter((system) => system !== 'parley-sqlite')
    .map((system) => {
      const mix = commandMix(runs.filter((r) => r.system === system && r.repetition > 0));
      return `  - ${systemLabel(system, options.nodes)[0]}: ${mix.length === 0 ? 'n/a' : mix.map(([name, n]) => `${name} ${n.toFixed(2)}`).join(', ')}`;
    });
  return [
    `Scale benchmark — ${count(options.payloadBytes)}-byte payloads to random other devices; capacity once per system, ` +
      `throughput ${reps} repetition${reps === 1 ? '' : 's'}${reps > 1 ? ' (median [min–max])' : ''}, systems alternating`,
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}, ` +
      `load average at start ${l1} / ${l5} / ${l15}, at end ${loadAverageAtEnd.join(' / ')}`,
    `Load: ${options.generators} generator process${options.generators === 1 ? '' : 'es'}${options.nice === 0 ? '' : `, nice ${options.nice}`}; ` +
      `${options.warmupS} s warm-up before each phase, ${options.durationS} s measured at the fixed rate, ${options.maxDurationS} s in closed loop`,
    '',
    ...renderColumns(columns((r) => r.repetition === 0), capacityRows(options)),
    '',
    ...renderColumns(columns((r) => r.repetition > 0), throughputRows(options)),
    ...(failures.length === 0 ? [] : ['', 'Connecting stopped early:', ...failures]),
    '',
    'Redis commands per delivered message, closed loop (every command Redis ran, those inside Lua scripts included):',
    ...mixes,
    '',
    'What each side does:',
    "  - Parley (both columns): the real relay. Devices register and authenticate by Ed25519 challenge–response; `sent` means",
    "    stored in the recipient's mailbox and durable (SQLite: fdatasync; Redis: AOF with appendfsync " +
      `${options.redisFsync}); recipients ack every`,
    '    deliver frame and the relay deletes what was acked. On one Redis a relay writes each batch of sends and acks in one',
    "    Lua script call and, when a recipient is connected to another relay, PUBLISHes the stored deliveries to it.",
    `  - socket.io: ${options.nodes} nodes of the bench's socket.io server with @socket.io/redis-streams-adapter on a Redis of its own`,
    '    (no persistence). Each device joins a room of its own; a message is emitted to the recipient\'s room, which the',
    '    adapter appends to one Redis stream read by every node (XREAD). The sender is acked once the message is handed to',
    '    the adapter; nothing is stored for a device that is not connected, and no one is authenticated.',
    '  - Devices are spread over the nodes round-robin; a message goes to a random device, so most cross nodes.',
    '  - "Server CPU, every process" sums every node and its Redis. Memory per connection is what the servers\' RSS (every',
    '    node, and Redis) gained from the first capacity step to the last, divided by the devices added in between.',
  ].join('\n');
}
