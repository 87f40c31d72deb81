// The media bench's tables: throughput of Parley beside the plain copy with the ratio and the goal (≥ 50% of the
// plain copy both ways), then peak memory growth of the app side and the server side (goal < 64 MiB).
import type { MachineInfo } from '../relay/machine';

export interface Measurement {
  seconds: number;
  mbPerSecond: number;
  /** Peak RSS growth in bytes (undefined where /proc is not available). */
  appGrowth: number | undefined;
  serverGrowth: number | undefined;
  /** CPU seconds (user + system) of the process per GiB of the file (undefined where /proc is not available). */
  appCpuPerGiB: number | undefined;
  serverCpuPerGiB: number | undefined;
}

export interface TableInput {
  mib: number;
  runs: number;
  machine: MachineInfo;
  loadAtEnd: number[];
  commit: string | undefined;
  measurements: Record<string, Measurement[]>;
}

const GOAL_RATIO = 0.5;
const GOAL_RSS_MIB = 64;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function spread(values: number[], digits = 0): string {
  const f = (v: number) => v.toFixed(digits);
  return `${f(median(values))} [${f(Math.min(...values))}–${f(Math.max(...values))}]`;
}

function mibOf(values: Array<number | undefined>): number[] | undefined {
  if (values.some((v) => v === undefined)) return undefined;
  return values.map((v) => v! / 2 ** 20);
}

function render(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`).join('\n');
}

export function printTables(input: TableInput): void {
  const m = input.measurements;
  const rate = (key: string) => m[key]!.map((x) => x.mbPerSecond);
  const ratio = (parley: string, plain: string) => median(rate(parley)) / median(rate(plain));
  const upRatio = ratio('parley-up', 'plain-up');
  const downRatio = ratio('parley-down', 'plain-down');
  const out: string[] = [];
  out.push(`\nbench:media — ${input.mib} MiB file, ${input.runs} runs, MB/s of the plaintext file, median [min–max]`);
  out.push(`commit ${input.commit ?? 'unknown'} · ${input.machine.cpuModel} × ${input.machine.cores} · Node ${input.machine.node}`);
  out.push(`load average at start ${input.machine.loadAverageAtStart.join(' ')}, at end ${input.loadAtEnd.join(' ')}\n`);
  out.push(
    render([
      ['direction', 'Parley', 'plain HTTP copy', 'Parley ÷ plain', `goal ≥ ${GOAL_RATIO * 100}%`],
      ['send', spread(rate('parley-up')), spread(rate('plain-up')), `${(upRatio * 100).toFixed(0)}%`, upRatio >= GOAL_RATIO ? 'met' : 'NOT met'],
      ['receive', spread(rate('parley-down')), spread(rate('plain-down')), `${(downRatio * 100).toFixed(0)}%`, downRatio >= GOAL_RATIO ? 'met' : 'NOT met'],
    ]),
  );
  out.push('\nsend:    Parley reads the file, encrypts it (AES-256-GCM per 64 KiB chunk + SHA-256) into the local encrypted copy and');
  out.push('         uploads that copy as it is written with tus (POST + PATCH) to the relay, which writes it to disk and flushes it');
  out.push('         (fdatasync) before it answers the last request. Plain: one HTTP PUT of the file, written to disk by a bare');
  out.push('         Node server, flushed (fdatasync) before it answers. Both answer once the file would survive a power loss.');
  out.push('receive: Parley GETs the blob (HTTP Range-capable), authenticates and decrypts every chunk as it arrives, hashes it,');
  out.push('         and writes the ciphertext as the local encrypted copy. Plain: one HTTP GET of the file written to disk.\n');
  const rows: string[][] = [['process', 'Parley send', 'Parley receive', 'plain send', 'plain receive', `goal < ${GOAL_RSS_MIB} MiB`]];
  for (const side of ['appGrowth', 'serverGrowth'] as const) {
    const cells = ['parley-up', 'parley-down', 'plain-up', 'plain-down'].map((key) => {
      const values = mibOf(m[key]!.map((x) => x[side]));
      return values ? `${spread(values, 1)} MiB` : 'n/a';
    });
    const parleyWorst = mibOf([...m['parley-up']!, ...m['parley-down']!].map((x) => x[side]));
    const verdict = parleyWorst ? (Math.max(...parleyWorst) < GOAL_RSS_MIB ? 'met' : 'NOT met') : 'n/a';
    rows.push([side === 'appGrowth' ? 'app (main process) peak RSS growth' : 'relay / plain server peak RSS growth', ...cells, verdict]);
  }
  out.push(render(rows));
  const cpuRows: string[][] = [['process', 'Parley send', 'Parley receive', 'plain send', 'plain receive']];
  for (const side of ['appCpuPerGiB', 'serverCpuPerGiB'] as const) {
    const cells = ['parley-up', 'parley-down', 'plain-up', 'plain-down'].map((key) => {
      const values = m[key]!.map((x) => x[side]);
      return values.some((v) => v === undefined) ? 'n/a' : `${spread(values as number[], 2)} s`;
    });
    cpuRows.push([side === 'appCpuPerGiB' ? 'app (main process) CPU per GiB' : 'relay / plain server CPU per GiB', ...cells]);
  }
  out.push('\nCPU seconds (user + system) per GiB of the file, median [min–max]: the load-robust cost of each side.\n');
  out.push(render(cpuRows));
  process.stdout.write(`${out.join('\n')}\n`);
}
