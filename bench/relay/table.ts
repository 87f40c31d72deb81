// Renders the side-by-side table of a bench run: one column per system, each cell the median over repetitions
// with [min–max] when there were several, followed by the machine, the caveats and the verdict on the issue's goal.
import type { MachineInfo } from './machine';
import type { BenchOptions, SystemName } from './options';
import type { LoadResult, PhaseResult, SystemRunResult } from './system-run';

export const SYSTEM_LABELS: Record<SystemName, [string, string]> = {
  parley: ['Parley relay', '(durable mailboxes, fsync)'],
  socketio: ['socket.io 4.8', '(direct routing, stores nothing)'],
  rabbitmq: ['RabbitMQ 3.10', '(quorum queue per device, confirms)'],
  'parley-baseline': ['Parley baseline', '(--baseline-dir)'],
};

/** The issue's goal: p99 under this at the fixed rate, and at least socket.io's max throughput. */
export const P99_GOAL_MS = 50;

export interface Spread {
  median: number;
  min: number;
  max: number;
  values: number[];
}

export function spread(values: Array<number | undefined>): Spread | undefined {
  const defined = values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (defined.length === 0) return undefined;
  const mid = Math.floor(defined.length / 2);
  const median = defined.length % 2 === 1 ? defined[mid]! : (defined[mid - 1]! + defined[mid]!) / 2;
  return { median, min: defined[0]!, max: defined[defined.length - 1]!, values: defined };
}

export type Pick = (run: LoadResult) => number | undefined;
export type Format = (value: number) => string;

/** A line of the table: a heading (no pick) or a figure picked from each run and shown as median [min–max]. */
export interface Row {
  label: string;
  pick?: Pick;
  format?: Format;
}

/** A column of the table: one system, the runs of all its repetitions. */
export interface Column {
  title: string;
  subtitle: string;
  runs: LoadResult[];
}

export const phase = (run: LoadResult, name: PhaseResult['name']) => run.phases.find((p) => p.name === name);
export const count: Format = (v) => Math.round(v).toLocaleString('en-US');
export const ms: Format = (v) => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
export const percent: Format = (v) => `${v.toFixed(0)}%`;
export const mib: Format = (v) => v.toFixed(0);

/** Picks a figure of the named phase of a run. */
export function ofPhase(name: PhaseResult['name'], pick: (p: PhaseResult) => number | undefined): Pick {
  return (run) => {
    const p = phase(run, name);
    return p === undefined ? undefined : pick(p);
  };
}

export const errorCount = (p: PhaseResult) => Object.values(p.errors).reduce((a, b) => a + b, 0);

/** The relay's group commits over the window (relay-counters.ts); undefined for the other systems. */
const sendsPerCommit = (p: PhaseResult) => {
  const commits = p.counters['relay.commits'];
  return commits === undefined || commits === 0 ? undefined : (p.counters['relay.sends'] ?? 0) / commits;
};

function rows(options: BenchOptions): Row[] {
  const rate = (pick: (p: PhaseResult) => number | undefined) => ofPhase('rate', pick);
  const max = (pick: (p: PhaseResult) => number | undefined) => ofPhase('max', pick);
  return [
    { label: `Max throughput (closed loop, ${options.window} sends in flight per device)` },
    { label: '  server CPU per message (µs)', pick: max((p) => p.serverCpuPerMessageUs), format: count },
    { label: '  delivered messages/s', pick: max((p) => p.deliveredPerSecond), format: count },
    { label: '  delivery latency p50 (ms)', pick: max((p) => p.latencyMs.p50), format: ms },
    { label: '  delivery latency p99 (ms)', pick: max((p) => p.latencyMs.p99), format: ms },
    { label: '  server CPU (100% = one core)', pick: max((p) => p.serverCpuPercent), format: percent },
    { label: '  server disk writes per message (bytes)', pick: max((p) => p.serverDiskBytesPerMessage), format: count },
    { label: '  sends per commit (Parley)', pick: max(sendsPerCommit), format: count },
    { label: '  generator CPU', pick: max((p) => p.generatorCpuPercent), format: percent },
    { label: '  lost / errors / unanswered', pick: max((p) => p.lost + errorCount(p) + p.unanswered), format: count },
    { label: `Fixed offered rate ${count(options.rate)} msg/s (open loop)` },
    { label: '  server CPU per message (µs)', pick: rate((p) => p.serverCpuPerMessageUs), format: count },
    { label: '  delivered messages/s', pick: rate((p) => p.deliveredPerSecond), format: count },
    { label: '  delivery latency p50 (ms)', pick: rate((p) => p.latencyMs.p50), format: ms },
    { label: '  delivery latency p99 (ms)', pick: rate((p) => p.latencyMs.p99), format: ms },
    { label: '  delivery latency max (ms)', pick: rate((p) => p.latencyMs.max), format: ms },
    { label: '  sender ack p50 (ms)', pick: rate((p) => p.ackLatencyMs.p50), format: ms },
    { label: '  sender ack p99 (ms)', pick: rate((p) => p.ackLatencyMs.p99), format: ms },
    { label: '  lost (acked, never delivered)', pick: rate((p) => p.lost), format: count },
    { label: '  errors + unanswered sends', pick: rate((p) => errorCount(p) + p.unanswered), format: count },
    { label: '  server CPU (100% = one core)', pick: rate((p) => p.serverCpuPercent), format: percent },
    { label: '  server disk writes per message (bytes)', pick: rate((p) => p.serverDiskBytesPerMessage), format: count },
    { label: '  sends per commit (Parley)', pick: rate(sendsPerCommit), format: count },
    { label: '  generator CPU', pick: rate((p) => p.generatorCpuPercent), format: percent },
    { label: 'Server memory, RSS (MiB)' },
    { label: `  after ${count(options.devices)} devices connected`, pick: (run) => run.memoryMiB.afterConnect, format: mib },
    { label: '  peak', pick: (run) => run.memoryMiB.peak, format: mib },
    { label: '  end', pick: (run) => run.memoryMiB.end, format: mib },
  ];
}

function cell(runs: LoadResult[], pick: Pick, format: Format): string {
  const s = spread(runs.map(pick));
  if (s === undefined) return 'n/a';
  if (s.values.length === 1) return format(s.median);
  return `${format(s.median)} [${format(s.min)}–${format(s.max)}]`;
}

export interface Verdict {
  /** Parley's median server CPU per delivered message at or below socket.io's, at the fixed rate and in closed loop. */
  cpuMet: boolean | undefined;
  throughputMet: boolean | undefined;
  p99Met: boolean | undefined;
  /** Parley's max throughput at least twice RabbitMQ's, and its p99 at the fixed rate lower. */
  rabbitMet: boolean | undefined;
  lost: number;
  text: string[];
}

/** The goals of issue 14, on the medians of this run's repetitions. */
export function verdict(results: SystemRunResult[], options: BenchOptions): Verdict {
  const of = (system: SystemName) => results.filter((r) => r.system === system);
  const median = (system: SystemName, name: PhaseResult['name'], pick: (p: PhaseResult) => number | undefined) =>
    spread(of(system).map((r) => {
      const p = phase(r, name);
      return p === undefined ? undefined : pick(p);
    }))?.median;
  const cpu = (system: SystemName, name: PhaseResult['name']) => median(system, name, (p) => p.serverCpuPerMessageUs);
  const maxOf = (system: SystemName) => median(system, 'max', (p) => p.deliveredPerSecond);
  const p99Of = (system: SystemName) => median(system, 'rate', (p) => p.latencyMs.p99);
  const lost = of('parley').reduce((sum, r) => sum + r.phases.reduce((s, p) => s + p.lost, 0), 0);
  const text: string[] = [];
  const mark = (met: boolean) => (met ? 'MET' : 'NOT MET');

  let cpuMet: boolean | undefined;
  const cpuPairs = (['rate', 'max'] as const).map((name) => [name, cpu('parley', name), cpu('socketio', name)] as const);
  if (cpuPairs.every(([, parley, socket]) => parley !== undefined && socket !== undefined)) {
    cpuMet = cpuPairs.every(([, parley, socket]) => parley! <= socket!);
    const parts = cpuPairs.map(([name, parley, socket]) => `${name === 'rate' ? `at ${count(options.rate)}/s` : 'at saturation'} ${count(parley!)} vs ${count(socket!)} µs`);
    text.push(`server CPU per delivered message, Parley vs socket.io: ${parts.join('; ')} — ${mark(cpuMet)}`);
  }
  let throughputMet: boolean | undefined;
  const parleyMax = maxOf('parley');
  const socketMax = maxOf('socketio');
  if (parleyMax !== undefined && socketMax !== undefined) {
    throughputMet = parleyMax >= socketMax;
    text.push(`max throughput: Parley ${count(parleyMax)}/s vs socket.io ${count(socketMax)}/s (×${(parleyMax / socketMax).toFixed(2)}) — ${mark(throughputMet)}`);
  }
  let p99Met: boolean | undefined;
  const parleyP99 = p99Of('parley');
  if (parleyP99 !== undefined) {
    p99Met = parleyP99 < P99_GOAL_MS;
    text.push(`p99 at ${count(options.rate)} msg/s under ${P99_GOAL_MS} ms: Parley ${ms(parleyP99)} ms — ${mark(p99Met)}`);
  }
  let rabbitMet: boolean | undefined;
  const rabbitMax = maxOf('rabbitmq');
  const rabbitP99 = p99Of('rabbitmq');
  if (parleyMax !== undefined && rabbitMax !== undefined && parleyP99 !== undefined && rabbitP99 !== undefined) {
    rabbitMet = parleyMax >= 2 * rabbitMax && parleyP99 < rabbitP99;
    text.push(
      `vs RabbitMQ: throughput ${count(parleyMax)}/s vs ${count(rabbitMax)}/s (×${(parleyMax / rabbitMax).toFixed(2)}, goal ×2), ` +
        `p99 at ${count(options.rate)}/s ${ms(parleyP99)} vs ${ms(rabbitP99)} ms — ${mark(rabbitMet)}`,
    );
  }
  if (of('parley').length > 0) text.push(`Parley lost messages (all phases, all runs): ${lost}${lost === 0 ? '' : ' — FAILURE'}`);
  return { cpuMet, throughputMet, p99Met, rabbitMet, lost, text };
}

/** A warning when other work was running at the start: one load unit per four cores is already enough to skew latencies. */
export function busyMachineWarning(machine: MachineInfo): string | undefined {
  const [oneMinute] = machine.loadAverageAtStart;
  if (oneMinute <= machine.cores / 4) return undefined;
  return (
    `WARNING: the machine was busy before the bench started (load average ${oneMinute} on ${machine.cores} cores): ` +
    'the servers competed for CPU with other work, and these numbers say more about that than about them.'
  );
}

export function renderTable(
  results: SystemRunResult[],
  options: BenchOptions,
  machine: MachineInfo,
  placementNote: string,
  loadAverageAtEnd: number[],
): string {
  const columns = options.systems.map((s) => ({
    title: SYSTEM_LABELS[s][0],
    subtitle: SYSTEM_LABELS[s][1],
    runs: results.filter((r) => r.system === s),
  }));
  const reps = options.repetitions;
  const [l1, l5, l15] = machine.loadAverageAtStart;
  const lines = [
    `Relay benchmark — ${count(options.devices)} authenticated devices sending to random other devices, ` +
      `${options.payloadBytes}-byte payloads, ${reps} repetition${reps === 1 ? '' : 's'}${reps > 1 ? ' (median [min–max])' : ''}`,
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}, ` +
      `load average at start ${l1} / ${l5} / ${l15}, at end ${loadAverageAtEnd.join(' / ')}`,
    `Load: ${placementNote}; ${options.warmupS} s warm-up before each phase, ${options.durationS} s measured at the fixed rate, ` +
      `${options.maxDurationS} s in closed loop`,
    '',
    ...renderColumns(columns, rows(options)),
    '',
    'Notes:',
    "  - socket.io stores nothing: its ack means the message was handed to the recipient's socket buffer, and a recipient",
    "    that is offline or crashes loses it. Parley's `sent` means stored in the recipient's mailbox and fdatasynced to disk",
    '    (PARLEY_RELAY_DURABILITY=disk); Parley recipients also ack every delivery, which the relay deletes durably.',
    '  - RabbitMQ: one durable quorum queue per device (its mailbox), one AMQP connection per device, persistent publishes on',
    '    a confirm channel (the confirm is "sent", given once the queue\'s log is synced), manual consumer acks, prefetch 1,024;',
    '    recipients ack once per event-loop turn (multiple=true), as Parley recipients ack once per received frame.',
    '  - Payloads: raw bytes for Parley (binary frames) and RabbitMQ; base64 inside socket.io\'s JSON, its natural format.',
    '  - Parley devices are registered and authenticated by Ed25519 challenge–response; socket.io and RabbitMQ clients are not',
    '    (RabbitMQ checks a shared user name and password).',
    '  - Latency is from the moment the sender writes the message to the moment the recipient has parsed it, on one clock',
    `    (the system clock; an IPC check bounds any offset between the generators' clocks by ${Math.max(0, ...results.map((r) => r.clockSkewMs)).toFixed(2)} ms). It includes`,
    '    the load generator, which shares this machine with the server. Max throughput is a closed loop (each device keeps',
    '    its sends in flight); the fixed rate is an open loop (sends on schedule whatever the answers).',
  ];
  return lines.join('\n');
}

/** The table's lines: titles, subtitles, then one line per row, figures right-aligned under their column. */
export function renderColumns(columns: readonly Column[], rows: readonly Row[]): string[] {
  const header = ['', ...columns.map((c) => c.title)];
  const subheader = ['', ...columns.map((c) => c.subtitle)];
  const body = rows.map((row) =>
    row.pick === undefined
      ? [row.label, ...columns.map(() => '')]
      : [row.label, ...columns.map((c) => cell(c.runs, row.pick!, row.format ?? String))],
  );
  const table = [header, subheader, ...body];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ').trimEnd();
  return table.map(line);
}
