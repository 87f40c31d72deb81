// One run of one system: start its server, then measureLoad: start the generators, connect every device (in steps
// if asked, reading the servers' memory after each), run the phases (each with its own warm-up), drain, and turn the
// generators' reports into per-phase results. measureLoad takes any set of servers (one relay, or the nodes of a
// cluster and their Redis), so bench:scale measures clusters with the same code. Every process started here is
// stopped before returning, whether the run succeeded or not.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mergeHistograms, quantileMs, type HistogramData } from './histogram';
import type { DriverName } from './load-driver';
import { CpuMeter, diskWriteBytes, memory } from './machine';
import { sharedNow, type GeneratorReport, type PhaseSpec } from './messages';
import type { BenchOptions, SystemName } from './options';
import { GeneratorProcess, REPO_ROOT, onCleanup, startServer, type Placement, type ServerProcess } from './processes';
import { startRabbitMq } from './rabbitmq-server';
import { readRelayCounters } from './relay-counters';

/** How long the parent waits, after the last send was answered, for every acked message to arrive. */
const DELIVERY_DRAIN_TIMEOUT_MS = 20_000;
/** Lead time between announcing a phase and its start, so every generator starts on time. */
const PHASE_LEAD_MS = 300;

export interface LatencySummary {
  p50: number | undefined;
  p99: number | undefined;
  p999: number | undefined;
  max: number | undefined;
  samples: number;
}

export interface PhaseResult {
  name: 'rate' | 'max';
  mode: 'open' | 'closed';
  /** Offered messages/s (open loop) — undefined in closed loop. */
  offered: number | undefined;
  window: number | undefined;
  measuredSeconds: number;
  sentPerSecond: number;
  deliveredPerSecond: number;
  /** send → recipient receives, messages sent inside the window. */
  latencyMs: LatencySummary;
  /** send → sender acked (Parley `sent` = durable; socket.io ack = forwarded). */
  ackLatencyMs: LatencySummary;
  sent: number;
  acked: number;
  errors: Record<string, number>;
  unanswered: number;
  /** Acked but never delivered. */
  lost: number;
  duplicates: number;
  maxScheduleLagMs: number;
  serverCpuPercent: number | undefined;
  /** Server CPU time per delivered message, µs: the efficiency figure least disturbed by other load. */
  serverCpuPerMessageUs: number | undefined;
  /** Differences of the target's counters (e.g. Redis commands) over the measured window; {} without counters. */
  counters: Record<string, number>;
  /** Bytes the server wrote to storage over the measured window (/proc/<pid>/io write_bytes). */
  serverDiskBytes: number | undefined;
  serverDiskBytesPerMessage: number | undefined;
  generatorCpuPercent: number | undefined;
  /** From the end of the load to the last acked message delivered. */
  drainMs: number;
  drained: boolean;
}

export interface ConnectStep {
  /** Devices connected after this step (0: the servers before any device). */
  devices: number;
  seconds: number;
  /** Servers' RSS summed, MiB. */
  rssMiB: number | undefined;
}

export interface LoadResult {
  devices: number;
  /** Memory after each connect step, from the servers with no device on. */
  connectSteps: ConnectStep[];
  /** Why connecting stopped before every device was on (then no phase ran). */
  connectError: string | undefined;
  connectSeconds: number;
  /** Largest offset between two generators' clocks, estimated over IPC (latency spans generators; 0 with one). */
  clockSkewMs: number;
  memoryMiB: { afterConnect: number | undefined; peak: number | undefined; end: number | undefined };
  phases: PhaseResult[];
}

export interface SystemRunResult extends LoadResult {
  system: SystemName;
  repetition: number;
}

/** What measureLoad drives: where devices connect and which processes are the system. */
export interface LoadTarget {
  driver: DriverName;
  /** Device g connects to urls[g % urls.length]. */
  urls: string[];
  /** The system's processes (every node, and its Redis): their CPU, memory and disk writes are the server's. */
  pids: number[];
  /** Read when each measured window opens and closes; the differences land in PhaseResult.counters. */
  counters?: () => Promise<Record<string, number>>;
}

export type LoadOptions = Pick<
  BenchOptions,
  'devices' | 'generators' | 'payloadBytes' | 'phases' | 'rate' | 'window' | 'durationS' | 'maxDurationS' | 'warmupS'
>;

export interface RunPlacement {
  server: Placement;
  generators: Placement;
}

export async function runSystem(
  system: SystemName,
  options: BenchOptions,
  repetition: number,
  placement: RunPlacement,
  log: (line: string) => void,
): Promise<SystemRunResult> {
  const dataDir = system === 'parley' || system === 'parley-baseline' ? mkdtempSync(join(tmpdir(), 'parley-bench-')) : undefined;
  const removeDataDir = () => {
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  };
  const forgetCleanup = onCleanup(removeDataDir);
  let server: ServerProcess | undefined;
  try {
    server = await startSystemServer(system, options, placement.server, dataDir);
    const driver: DriverName = system === 'socketio' || system === 'rabbitmq' ? system : 'parley';
    const metricsUrl = server.metricsUrl;
    const counters = metricsUrl === undefined ? undefined : () => readRelayCounters(metricsUrl);
    const result = await measureLoad({ driver, urls: [server.url], pids: [server.pid], ...(counters && { counters }) }, options, placement.generators, log);
    if (result.connectError !== undefined) throw new Error(result.connectError);
    return { system, repetition, ...result };
  } finally {
    await server?.stop();
    removeDataDir();
    forgetCleanup();
  }
}

/**
 * Starts the generators, connects options.devices devices (in `steps`, cumulative device counts, when given; all at
 * once otherwise), then runs options.phases against the target. A failed connect step ends the run with
 * connectError set and no phases. The generators are stopped before this returns; the target is the caller's.
 */
export async function measureLoad(
  target: LoadTarget,
  options: LoadOptions,
  placement: Placement,
  log: (line: string) => void,
  steps: readonly number[] = [options.devices],
): Promise<LoadResult> {
  const generators: GeneratorProcess[] = [];
  try {
    const epochMs = sharedNow();
    const runTag = `b${Math.random().toString(36).slice(2, 8)}`;
    for (let g = 0; g < options.generators; g++) {
      generators.push(
        GeneratorProcess.start(
          {
            generator: g,
            generators: options.generators,
            driver: target.driver,
            urls: target.urls,
            devices: options.devices,
            payloadBytes: options.payloadBytes,
            runTag,
            epochMs,
          },
          placement,
        ),
      );
    }
    const rss = () => sumOf(target.pids.map((pid) => memory(pid)?.rssMiB));
    const connectSteps: ConnectStep[] = [{ devices: 0, seconds: 0, rssMiB: rss() }];
    const connectStarted = sharedNow();
    let connectError: string | undefined;
    for (const upTo of steps) {
      const stepStarted = sharedNow();
      try {
        await Promise.all(generators.map((g) => g.request({ type: 'connect', upTo }, 'connected')));
      } catch (error) {
        connectError = `connecting devices ${connectSteps.at(-1)!.devices}–${upTo - 1} failed: ${error instanceof Error ? error.message : String(error)}`;
        break;
      }
      await sleep(500);
      connectSteps.push({ devices: upTo, seconds: (sharedNow() - stepStarted) / 1000, rssMiB: rss() });
      if (steps.length > 1) log(`  ${upTo} devices connected (${connectSteps.at(-1)!.seconds.toFixed(1)} s), servers' RSS ${connectSteps.at(-1)!.rssMiB?.toFixed(0)} MiB`);
    }
    const connectSeconds = (sharedNow() - connectStarted) / 1000;
    const afterConnect = connectSteps.at(-1)!.rssMiB;
    if (connectError !== undefined) {
      log(`  ${connectError}`);
      return { devices: options.devices, connectSteps, connectError, connectSeconds, clockSkewMs: 0, memoryMiB: { afterConnect, peak: undefined, end: undefined }, phases: [] };
    }
    log(`  ${options.devices} devices connected in ${connectSeconds.toFixed(1)} s`);
    const offsets = await measureClockOffsets(generators);
    const clockSkewMs = Math.max(...offsets) - Math.min(...offsets);

    const phases: PhaseResult[] = [];
    let index = 0;
    for (const name of options.phases) {
      const result = await runPhase(name, index, options, target, generators, offsets);
      const reports = await Promise.all(generators.map((g) => g.request({ type: 'report' }, 'report')));
      completeFromReports(result, index, reports.map((r) => r.report));
      log(`  ${describePhase(result)}`);
      phases.push(result);
      index += 1;
    }
    const end = target.pids.map((pid) => memory(pid));
    await Promise.all(generators.map((g) => g.request({ type: 'close' }, 'closed').catch(() => undefined)));
    return {
      devices: options.devices,
      connectSteps,
      connectError,
      connectSeconds,
      clockSkewMs,
      memoryMiB: { afterConnect, peak: sumOf(end.map((m) => m?.peakRssMiB)), end: sumOf(end.map((m) => m?.rssMiB)) },
      phases,
    };
  } finally {
    for (const generator of generators) generator.kill();
  }
}

/** The sum, or undefined when any part is unknown. */
function sumOf(values: Array<number | undefined>): number | undefined {
  return values.some((v) => v === undefined) ? undefined : values.reduce<number>((a, b) => a + b!, 0);
}

function startSystemServer(system: SystemName, options: BenchOptions, placement: Placement, dataDir: string | undefined): Promise<ServerProcess> {
  if (system === 'rabbitmq') return startRabbitMq(placement);
  if (system === 'socketio') return startSocketIoServer({}, options.serverNodeArgs, placement);
  if (dataDir === undefined) throw new Error('the relay needs a data directory');
  const cwd = resolve(REPO_ROOT, system === 'parley-baseline' ? options.baselineDir : options.relayDir);
  // A metrics endpoint on a free port: the bench reads the relay's commit counters from it.
  return startRelay({ cwd, dataDir, env: { PARLEY_RELAY_METRICS_PORT: '0' }, nodeArgs: options.serverNodeArgs, placement });
}

/**
 * The real relay (`src/server/main.ts` of `cwd`) on 127.0.0.1, a free port, `dataDir`, durability `disk`, logging
 * warnings only; `env` adds or overrides settings (e.g. PARLEY_STORE=redis). Every other PARLEY_* variable of the
 * bench's environment passes through.
 */
export function startRelay(options: { cwd: string; dataDir: string; env: NodeJS.ProcessEnv; nodeArgs: string[]; placement: Placement }): Promise<ServerProcess> {
  return startServer({
    entry: 'src/server/main.ts',
    cwd: options.cwd,
    listeningEvent: 'relay.listening',
    env: {
      ...process.env,
      PARLEY_RELAY_HOST: '127.0.0.1',
      PARLEY_RELAY_PORT: '0',
      PARLEY_DATA_DIR: options.dataDir,
      PARLEY_RELAY_DURABILITY: 'disk',
      PARLEY_RELAY_LOG_LEVEL: 'warn',
      ...options.env,
    },
    nodeArgs: options.nodeArgs,
    placement: options.placement,
    withIpc: false,
  });
}

/** The socket.io peer (socketio-server.ts); `env` may name a Redis (BENCH_SOCKETIO_REDIS_URL) to make it one node of several. */
export function startSocketIoServer(env: NodeJS.ProcessEnv, nodeArgs: string[], placement: Placement): Promise<ServerProcess> {
  return startServer({
    entry: 'bench/relay/socketio-server.ts',
    cwd: REPO_ROOT,
    listeningEvent: 'bench.listening',
    env: { ...process.env, ...env },
    nodeArgs,
    placement,
    withIpc: true,
  });
}

async function runPhase(
  name: 'rate' | 'max',
  index: number,
  options: LoadOptions,
  target: LoadTarget,
  generators: GeneratorProcess[],
  clockOffsets: readonly number[],
): Promise<PhaseResult> {
  const measuredSeconds = name === 'rate' ? options.durationS : options.maxDurationS;
  const startAt = sharedNow() + PHASE_LEAD_MS;
  const measureFrom = startAt + options.warmupS * 1000;
  const measureTo = measureFrom + measuredSeconds * 1000;
  const spec: PhaseSpec = {
    index,
    name,
    mode: name === 'rate' ? 'open' : 'closed',
    rate: options.rate,
    window: options.window,
    startAt,
    measureFrom,
    measureTo,
  };
  let serverCpu: number | undefined;
  let generatorCpu: number | undefined;
  let serverDiskBytes: number | undefined;
  const counters: Record<string, number> = {};
  const disk = () => sumOf(target.pids.map(diskWriteBytes));
  const meters = (async () => {
    await sleep(measureFrom - sharedNow());
    const serverMeter = new CpuMeter(target.pids);
    const generatorMeter = new CpuMeter(generators.map((g) => g.pid));
    const diskBefore = disk();
    const countersBefore = await target.counters?.();
    await sleep(measureTo - sharedNow());
    serverCpu = serverMeter.percent();
    generatorCpu = generatorMeter.percent();
    const diskAfter = disk();
    const countersAfter = await target.counters?.();
    if (diskBefore !== undefined && diskAfter !== undefined) serverDiskBytes = diskAfter - diskBefore;
    for (const [key, value] of Object.entries(countersAfter ?? {})) counters[key] = value - (countersBefore?.[key] ?? 0);
  })();
  await Promise.all(generators.map((g, i) => g.request({ type: 'phase', phase: inGeneratorClock(spec, clockOffsets[i] ?? 0) }, 'phaseSent')));
  await meters;

  // Every send is answered (or given up on); now wait until every acked message has arrived somewhere.
  let drained = false;
  const deadline = sharedNow() + DELIVERY_DRAIN_TIMEOUT_MS;
  while (sharedNow() < deadline) {
    const progress = await Promise.all(generators.map((g) => g.request({ type: 'progress' }, 'progress')));
    const acked = progress.reduce((sum, p) => sum + (p.progress.acked[index] ?? 0), 0);
    const delivered = progress.reduce((sum, p) => sum + (p.progress.delivered[index] ?? 0), 0);
    if (delivered >= acked) {
      drained = true;
      break;
    }
    await sleep(50);
  }
  const drainMs = Math.max(0, sharedNow() - measureTo);
  return {
    name,
    mode: spec.mode,
    offered: spec.mode === 'open' ? options.rate : undefined,
    window: spec.mode === 'closed' ? options.window : undefined,
    measuredSeconds,
    sentPerSecond: 0,
    deliveredPerSecond: 0,
    latencyMs: summarize(mergeHistograms([])),
    ackLatencyMs: summarize(mergeHistograms([])),
    sent: 0,
    acked: 0,
    errors: {},
    unanswered: 0,
    lost: 0,
    duplicates: 0,
    maxScheduleLagMs: 0,
    serverCpuPercent: serverCpu,
    serverCpuPerMessageUs: undefined,
    counters,
    serverDiskBytes,
    serverDiskBytesPerMessage: undefined,
    generatorCpuPercent: generatorCpu,
    drainMs,
    drained,
  };
}

/** Fills the counters and latencies of a drained phase from the generators' reports. */
function completeFromReports(phase: PhaseResult, index: number, reports: GeneratorReport[]): void {
  const senders = reports.map((r) => r.senders.find((s) => s.phase === index));
  const receivers = reports.map((r) => r.receivers.find((s) => s.phase === index));
  const sum = <T>(items: Array<T | undefined>, pick: (item: T) => number) => items.reduce((total, item) => total + (item === undefined ? 0 : pick(item)), 0);
  phase.sent = sum(senders, (s) => s.sent);
  phase.acked = sum(senders, (s) => s.acked);
  phase.unanswered = sum(senders, (s) => s.unanswered);
  phase.sentPerSecond = sum(senders, (s) => s.sentInWindow) / phase.measuredSeconds;
  phase.deliveredPerSecond = sum(receivers, (r) => r.deliveredInWindow) / phase.measuredSeconds;
  phase.duplicates = sum(receivers, (r) => r.duplicates);
  if (phase.serverCpuPercent !== undefined && phase.deliveredPerSecond > 0) {
    phase.serverCpuPerMessageUs = (phase.serverCpuPercent / 100 / phase.deliveredPerSecond) * 1e6;
  }
  const deliveredInWindow = phase.deliveredPerSecond * phase.measuredSeconds;
  if (phase.serverDiskBytes !== undefined && deliveredInWindow > 0) {
    phase.serverDiskBytesPerMessage = phase.serverDiskBytes / deliveredInWindow;
  }
  phase.maxScheduleLagMs = Math.max(0, ...senders.map((s) => s?.maxScheduleLagMs ?? 0));
  phase.latencyMs = summarize(mergeHistograms(receivers.flatMap((r) => (r === undefined ? [] : [r.latency]))));
  phase.ackLatencyMs = summarize(mergeHistograms(senders.flatMap((s) => (s === undefined ? [] : [s.ackLatency]))));
  const errors: Record<string, number> = {};
  for (const sender of senders) {
    for (const [code, count] of Object.entries(sender?.errors ?? {})) errors[code] = (errors[code] ?? 0) + count;
  }
  phase.errors = errors;
  phase.lost = 0;
  reports.forEach((origin, g) => {
    const sender = senders[g];
    if (sender === undefined) return;
    for (let seq = sender.seqFrom; seq < sender.seqTo; seq++) {
      if (hasBit(origin.ackedBits, seq) && !reports.some((r) => hasBit(r.deliveredBits[g], seq))) phase.lost += 1;
    }
  });
}

function hasBit(bits: Uint8Array | undefined, i: number): boolean {
  if (bits === undefined) return false;
  const byte = bits[i >>> 3];
  return byte !== undefined && (byte & (1 << (i & 7))) !== 0;
}

function summarize(histogram: HistogramData): LatencySummary {
  return {
    p50: quantileMs(histogram, 0.5),
    p99: quantileMs(histogram, 0.99),
    p999: quantileMs(histogram, 0.999),
    max: quantileMs(histogram, 1),
    samples: histogram.count,
  };
}

/** Estimates each generator's clock offset from the parent's by the IPC round trip with the least delay. */
/**
 * Each generator's clock minus this process's, in ms (the reading with the shortest round trip of 20). The shared
 * clock is wall-clock based and fixed at each process's start, so a step of the system clock (NTP) between the
 * start of this process and a generator's shows here as seconds: the phase times each generator gets are shifted by
 * its offset, so it still sends in the window this process measures.
 */
async function measureClockOffsets(generators: GeneratorProcess[]): Promise<number[]> {
  const offsets: number[] = [];
  for (const generator of generators) {
    let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
    for (let i = 0; i < 20; i++) {
      const before = sharedNow();
      const { now } = await generator.request({ type: 'clock' }, 'clock');
      const after = sharedNow();
      if (after - before < best.rtt) best = { rtt: after - before, offset: now - (before + after) / 2 };
    }
    offsets.push(best.offset);
  }
  return offsets;
}

/** A phase's times as read on a generator's clock (`offset`: its clock minus this process's). */
export function inGeneratorClock(spec: PhaseSpec, offset: number): PhaseSpec {
  return { ...spec, startAt: spec.startAt + offset, measureFrom: spec.measureFrom + offset, measureTo: spec.measureTo + offset };
}

function describePhase(phase: PhaseResult): string {
  const what = phase.mode === 'open' ? `${phase.offered} msg/s offered` : `closed loop, ${phase.window} in flight/device`;
  return (
    `${phase.name} (${what}): ${Math.round(phase.deliveredPerSecond)} delivered/s, ` +
    `p50 ${fmt(phase.latencyMs.p50)} ms, p99 ${fmt(phase.latencyMs.p99)} ms, ` +
    `server CPU ${fmt(phase.serverCpuPercent, 0)}% (${fmt(phase.serverCpuPerMessageUs, 0)} µs/msg), ` +
    `disk ${fmt(phase.serverDiskBytesPerMessage, 0)} B/msg, ` +
    `generators CPU ${fmt(phase.generatorCpuPercent, 0)}%` +
    (phase.drained ? '' : ' (NOT DRAINED)')
  );
}

function fmt(value: number | undefined, digits = 2): string {
  return value === undefined ? 'n/a' : value.toFixed(digits);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
