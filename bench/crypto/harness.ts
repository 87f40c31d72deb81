// Timing and machine facts for the crypto benchmark: each operation runs back to back for a fixed time after a
// warm-up, and a row's figure is the median over repetitions, with systems alternating order between repetitions.
// Both wall-clock and CPU-time rates are kept: on a machine shared with other work the second is the steadier.
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';

/** One unit of work; may be async (libsignal's API is). */
export type Operation = () => unknown;

export interface Rate {
  /** Operations per second of wall-clock time: what the figures are. */
  wall: number;
  /** Operations per CPU-second of this process (all threads): steadier when other work shares the machine. */
  cpu: number;
}

export async function opsPerSecond(op: Operation, seconds: number, warmupSeconds: number): Promise<Rate> {
  const run = async (budgetMs: number): Promise<Rate> => {
    let count = 0;
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    let now = start;
    while (now - start < budgetMs) {
      const result = op();
      if (result instanceof Promise) await result;
      count++;
      now = performance.now();
    }
    const cpu = process.cpuUsage(cpuStart);
    return { wall: (count * 1000) / (now - start), cpu: (count * 1e6) / Math.max(1, cpu.user + cpu.system) };
  };
  await run(warmupSeconds * 1000);
  return run(seconds * 1000);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
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
