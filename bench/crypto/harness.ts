// Timing and machine facts for the crypto benchmark. Each system runs in its own child process (its own heap, JIT
// and garbage collector, as in a real app); the parent runs their slices of a row one after another, alternating
// the order, so load from elsewhere on the machine falls on all systems alike. Each slice gives one rate; a system's
// figure is the median of its slices' rates with their minimum and maximum, wall clock and CPU (the latter steadier
// on a shared machine).
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';

/** One unit of work; may be async (libsignal's API is). */
export type Operation = () => unknown;

export interface SliceResult {
  count: number;
  wallMs: number;
  cpuUs: number;
}

/** Median of the per-slice rates, with the smallest and largest. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface Rate {
  /** Operations per second of wall-clock time. */
  wall: Spread;
  /** Operations per CPU-second of the system's process (all threads). */
  cpu: Spread;
  /** Timed slices the figures come from. */
  slices: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** Runs `op` back to back for about `ms`; returns how many ran and the wall and CPU time they took. */
export async function runSlice(op: Operation, ms: number): Promise<SliceResult> {
  let count = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let now = start;
  do {
    const result = op();
    if (result instanceof Promise) await result;
    count++;
    now = performance.now();
  } while (now - start < ms);
  const cpu = process.cpuUsage(cpuStart);
  return { count, wallMs: now - start, cpuUs: cpu.user + cpu.system };
}

export interface SliceRunner {
  slice(ms: number): Promise<SliceResult>;
}

/** Warm-up slice each, then `seconds` of timed slices per system, interleaved A, B, C, C, B, A, ... */
export async function interleavedRates(runners: readonly SliceRunner[], seconds: number, sliceMs: number): Promise<Rate[]> {
  for (const runner of runners) await runner.slice(sliceMs);
  const wall = runners.map((): number[] => []);
  const cpu = runners.map((): number[] => []);
  const rounds = Math.max(3, Math.round((seconds * 1000) / sliceMs));
  for (let round = 0; round < rounds; round++) {
    const order = runners.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const r = await runners[i]!.slice(sliceMs);
      wall[i]!.push((r.count * 1000) / r.wallMs);
      cpu[i]!.push((r.count * 1e6) / Math.max(1, r.cpuUs));
    }
  }
  return runners.map((_, i) => ({ wall: spread(wall[i]!), cpu: spread(cpu[i]!), slices: rounds }));
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  node: string;
  openssl: string;
  os: string;
  memoryGiB: number;
  loadAverage: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    node: process.version,
    openssl: process.versions.openssl ?? 'unknown',
    os: `${osType()} ${release()}`,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}
