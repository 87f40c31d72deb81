// What the bench knows about the machine and about its child processes: CPU model, cores, Node, load average,
// and per-process CPU time, memory and disk writes from /proc (Linux; elsewhere those read as undefined and print
// as n/a).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  node: string;
  os: string;
  memoryGiB: number;
  loadAverageAtStart: [number, number, number];
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  const [one, five, fifteen] = loadavg();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    node: process.version,
    os: `${osType()} ${release()}`,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: [round2(one ?? 0), round2(five ?? 0), round2(fifteen ?? 0)],
  };
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU seconds of a process, all threads included. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return undefined;
  }
}

/** Bytes a process has caused to be written to storage (dirtied pages of files), or undefined where unknown. */
export function diskWriteBytes(pid: number): number | undefined {
  try {
    const match = /^write_bytes:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

export interface MemorySample {
  rssMiB: number;
  /** Peak RSS over the process's life (VmHWM). */
  peakRssMiB: number;
}

export function memory(pid: number): MemorySample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Snapshot of CPU time of several processes, to compute utilisation over an interval. */
export class CpuMeter {
  private readonly start: Array<number | undefined>;
  private readonly startedAt = performance.now();

  constructor(private readonly pids: readonly number[]) {
    this.start = pids.map(cpuSeconds);
  }

  /** Percent of one core used since construction, summed over the processes. */
  percent(): number | undefined {
    const elapsed = (performance.now() - this.startedAt) / 1000;
    let used = 0;
    for (let i = 0; i < this.pids.length; i++) {
      const before = this.start[i];
      const after = cpuSeconds(this.pids[i]!);
      if (before === undefined || after === undefined) return undefined;
      used += after - before;
    }
    return elapsed > 0 ? (used / elapsed) * 100 : undefined;
  }
}

export function gitRevision(cwd: string): { commit: string; dirtyPaths: string[] } | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'src/server', 'src/shared/protocol', 'bench'], { cwd, encoding: 'utf8' });
    return { commit, dirtyPaths: status.split('\n').filter((line) => line.trim() !== '') };
  } catch {
    return undefined;
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
