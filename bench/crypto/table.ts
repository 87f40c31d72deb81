// The side-by-side tables: one row per workload, one column per system, the ratio of the accelerated Parley to
// libsignal, and libsignal's figure as the issue recorded it; then the same per CPU-second; then the goal.
import type { MachineInfo } from './harness';
import { ROWS, type RowId } from './rows';

export interface TableInput {
  machine: MachineInfo;
  options: { seconds: number; sliceMs: number; rows: RowId[] };
  systems: string[];
  /** Median wall-clock ops/s keyed by `${row}/${system}`. */
  results: Map<string, number>;
  /** Median ops per CPU-second, same keys. */
  cpuResults: Map<string, number>;
  libsignalVersion?: string | undefined;
  libsignalError?: string | undefined;
}

const LIBSIGNAL = 'libsignal-client';
const FAST = 'Parley (node)';

function format(value: number | undefined): string {
  if (value === undefined) return 'n/a';
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(1);
}

function grid(input: TableInput, results: Map<string, number>, withAnchor: boolean): string[] {
  const { systems, options } = input;
  const hasAnchor = systems.includes(LIBSIGNAL);
  const header = ['workload', ...systems, ...(hasAnchor ? ['node ÷ libsignal'] : []), ...(withAnchor ? ['issue: libsignal'] : [])];
  const lines: string[][] = [header];
  for (const row of ROWS.filter((r) => options.rows.includes(r.id))) {
    const fast = results.get(`${row.id}/${FAST}`);
    const anchor = results.get(`${row.id}/${LIBSIGNAL}`);
    lines.push([
      row.label,
      ...systems.map((s) => format(results.get(`${row.id}/${s}`))),
      ...(hasAnchor ? [fast !== undefined && anchor !== undefined ? `${(fast / anchor).toFixed(2)}×` : 'n/a'] : []),
      ...(withAnchor ? [row.anchor ? `≈${row.anchor.toLocaleString('en-US')}` : ''] : []),
    ]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const render = (l: string[]) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [render(lines[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...lines.slice(1).map(render)];
}

export function renderTable(input: TableInput): string {
  const { machine, options, results, cpuResults } = input;
  const out = [
    `Crypto benchmark — ${options.seconds} s per row and system, the systems interleaved in ${options.sliceMs} ms slices; higher is better`,
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; Node ${machine.node}, OpenSSL ${machine.openssl}; load average at start ${machine.loadAverage}`,
    `libsignal: ${input.libsignalVersion ? `@signalapp/libsignal-client ${input.libsignalVersion} (Node binding, in-memory stores)` : `not measured (${input.libsignalError ?? 'not loaded'})`}`,
    '',
    'Operations per second (wall clock)',
    ...grid(input, results, true),
    '',
    'Operations per CPU-second of each system\'s own process (less sensitive to other load on the machine)',
    ...grid(input, cpuResults, false),
    '',
    'Each system runs in its own process. A setup is X3DH (libsignal: PQXDH with a last-resort Kyber prekey) plus',
    'one 1 KiB message each way, with a fresh one-time prekey each time; Parley memoizes the Ed25519→X25519 form of a',
    'contact identity key, so a first contact with a never-seen identity pays one more point decoding. A group send is',
    'one encryption and one signature whatever the group size; the relay fans the single ciphertext out. Every',
    'decrypt is checked.',
  ];
  const verdicts: string[] = [];
  for (const row of ROWS.filter((r) => options.rows.includes(r.id))) {
    const fast = results.get(`${row.id}/${FAST}`);
    const anchor = results.get(`${row.id}/${LIBSIGNAL}`);
    if (fast === undefined || anchor === undefined) continue;
    const cpuFast = cpuResults.get(`${row.id}/${FAST}`)!;
    const cpuAnchor = cpuResults.get(`${row.id}/${LIBSIGNAL}`)!;
    verdicts.push(
      `  ${fast >= anchor ? 'meets ' : 'BEHIND'} ${row.label} (${(fast / anchor).toFixed(2)}× wall, ${(cpuFast / cpuAnchor).toFixed(2)}× CPU)`,
    );
  }
  if (verdicts.length > 0) out.push('', `Goal (issue 3): ${FAST} at least matches libsignal on every row`, ...verdicts);
  return out.join('\n');
}
