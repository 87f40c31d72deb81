// The side-by-side tables: one row per workload, one column per system (median ops/s over the timed slices, with
// [min–max]), the ratio of the accelerated Parley to libsignal; the same per CPU-second; then one line per row on
// what each side does, and the goal.
import type { MachineInfo, Spread } from './harness';
import { ROWS, type RowId } from './rows';

export interface TableInput {
  machine: MachineInfo;
  options: { seconds: number; sliceMs: number; rows: RowId[] };
  systems: string[];
  /** Wall-clock ops/s per slice, keyed by `${row}/${system}`. */
  results: Map<string, Spread>;
  /** Ops per CPU-second per slice, same keys. */
  cpuResults: Map<string, Spread>;
  libsignalVersion?: string | undefined;
  libsignalError?: string | undefined;
}

const LIBSIGNAL = 'libsignal-client';
const FAST = 'Parley (node)';

function number(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(1);
}

function cell(spread: Spread | undefined): string {
  if (spread === undefined) return 'n/a';
  return `${number(spread.median)} [${number(spread.min)}–${number(spread.max)}]`;
}

function grid(input: TableInput, results: Map<string, Spread>): string[] {
  const { systems, options } = input;
  const hasAnchor = systems.includes(LIBSIGNAL);
  const header = ['workload', ...systems, ...(hasAnchor ? ['node ÷ libsignal (medians)'] : [])];
  const lines: string[][] = [header];
  for (const row of ROWS.filter((r) => options.rows.includes(r.id))) {
    const fast = results.get(`${row.id}/${FAST}`);
    const anchor = results.get(`${row.id}/${LIBSIGNAL}`);
    lines.push([
      row.label,
      ...systems.map((s) => cell(results.get(`${row.id}/${s}`))),
      ...(hasAnchor ? [fast && anchor ? `${(fast.median / anchor.median).toFixed(2)}×` : 'n/a'] : []),
    ]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const render = (l: string[]) => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [render(lines[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...lines.slice(1).map(render)];
}

export function renderTable(input: TableInput): string {
  const { machine, options, results, cpuResults } = input;
  const rows = ROWS.filter((r) => options.rows.includes(r.id));
  const out = [
    `Crypto benchmark — ${options.seconds} s per row and system in ${options.sliceMs} ms slices, the systems interleaved; ` +
      'each figure is the median over the slices with [min–max]; higher is better',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; Node ${machine.node}, OpenSSL ${machine.openssl}; load average at start ${machine.loadAverage}`,
    `libsignal: ${input.libsignalVersion ? `@signalapp/libsignal-client ${input.libsignalVersion} (Node binding, in-memory stores that serialize every record)` : `not measured (${input.libsignalError ?? 'not loaded'})`}`,
    '',
    'Operations per second (wall clock)',
    ...grid(input, results),
    '',
    'Operations per CPU-second of each system\'s own process (less sensitive to other load on the machine)',
    ...grid(input, cpuResults),
    '',
    'What each side does per operation (each system in its own process; every decrypt is checked):',
    ...rows.flatMap((row) => [`  ${row.label}`, `    Parley:    ${row.parley}`, `    libsignal: ${row.libsignal}`]),
  ];
  const verdicts: string[] = [];
  for (const row of rows) {
    const fast = results.get(`${row.id}/${FAST}`);
    const anchor = results.get(`${row.id}/${LIBSIGNAL}`);
    if (!fast || !anchor) continue;
    const cpuFast = cpuResults.get(`${row.id}/${FAST}`)!;
    const cpuAnchor = cpuResults.get(`${row.id}/${LIBSIGNAL}`)!;
    const ratio = fast.median / anchor.median;
    const shortBy = ratio >= 1 ? '' : ` — short by ${Math.round((1 - ratio) * 100)}%`;
    verdicts.push(`  ${ratio >= 1 ? 'meets ' : 'BEHIND'} ${row.label} (${ratio.toFixed(2)}× wall, ${(cpuFast.median / cpuAnchor.median).toFixed(2)}× CPU)${shortBy}`);
  }
  if (verdicts.length > 0) out.push('', `Goal (issue 10): ${FAST} at least libsignal on every row, medians compared`, ...verdicts);
  return out.join('\n');
}
