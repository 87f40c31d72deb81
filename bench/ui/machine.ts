// The machine a bench:ui run happened on: CPU, cores, memory, Node, Chromium, load average, git revision.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  chromium: string;
  loadAverageAtStart: number[];
}

export function loadAverage(): number[] {
  return loadavg().map((value) => Math.round(value * 100) / 100);
}

export function machineInfo(chromium: string): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${osType()} ${release()}`,
    chromium,
    loadAverageAtStart: loadAverage(),
  };
}

export function gitRevision(cwd: string): { commit: string; dirtyPaths: string[] } | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench/ui', 'e2e/support'], { cwd, encoding: 'utf8' });
    return { commit, dirtyPaths: status.split('\n').filter((line) => line.trim() !== '') };
  } catch {
    return undefined;
  }
}
