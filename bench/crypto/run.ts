// `npx tsx bench/crypto/run.ts` (npm run bench:crypto): Parley's protocol layer with the portable noble provider
// and with the node:crypto provider, side by side with @signalapp/libsignal-client doing the same work, measured
// in the same run on the same machine: each system in its own process, their work interleaved in short slices,
// each slice one sample. Options: --seconds N (timed seconds per row and system, default 3), --slice MS (default
// 200), --rows id,id (default all), --no-noble; or the environment variables BENCH_CRYPTO_SECONDS / BENCH_CRYPTO_SLICE_MS.
import { interleavedRates, machineInfo, type Spread } from './harness';
import { ROWS, type RowId } from './rows';
import { SystemProcess } from './system-process';
import { renderTable } from './table';

interface Options {
  seconds: number;
  sliceMs: number;
  rows: RowId[];
  noble: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    seconds: Number(process.env.BENCH_CRYPTO_SECONDS ?? 3),
    sliceMs: Number(process.env.BENCH_CRYPTO_SLICE_MS ?? 200),
    rows: ROWS.map((r) => r.id),
    noble: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--seconds') options.seconds = Number(value());
    else if (arg === '--slice') options.sliceMs = Number(value());
    else if (arg === '--rows') options.rows = value().split(',') as RowId[];
    else if (arg === '--no-noble') options.noble = false;
    else throw new Error(`unknown option ${arg} (options: --seconds N, --slice MS, --rows id,id, --no-noble)`);
  }
  if (!(options.seconds > 0) || !(options.sliceMs >= 10)) throw new Error('--seconds must be > 0 and --slice ≥ 10');
  const known = new Set<string>(ROWS.map((r) => r.id));
  for (const row of options.rows) if (!known.has(row)) throw new Error(`unknown row ${row} (rows: ${[...known].join(', ')})`);
  return options;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const machine = machineInfo();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`bench:crypto — ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverage}`);
  const systems: SystemProcess[] = [];
  for (const id of [...(options.noble ? (['noble'] as const) : []), 'node'] as const) systems.push(await SystemProcess.start(id));
  let libsignalError: string | undefined;
  const libsignal = await SystemProcess.start('libsignal').catch((error: unknown) => {
    libsignalError = error instanceof Error ? error.message : String(error);
    log(`libsignal-client unavailable, benchmarking without it: ${libsignalError}`);
    return undefined;
  });
  if (libsignal) systems.push(libsignal);
  const results = new Map<string, Spread>();
  const cpuResults = new Map<string, Spread>();
  try {
    for (const row of ROWS.filter((r) => options.rows.includes(r.id))) {
      for (const system of systems) await system.prepare(row.id);
      const rates = await interleavedRates(systems, options.seconds, options.sliceMs);
      systems.forEach((system, i) => {
        const rate = rates[i]!;
        results.set(`${row.id}/${system.name}`, rate.wall);
        cpuResults.set(`${row.id}/${system.name}`, rate.cpu);
        log(`  ${row.id.padEnd(11)} ${system.name.padEnd(17)} ${rate.wall.median.toFixed(1)}/s [${rate.wall.min.toFixed(1)}–${rate.wall.max.toFixed(1)}] (${rate.cpu.median.toFixed(1)} per CPU-s)`);
      });
    }
  } finally {
    for (const system of systems) system.stop();
  }
  const table = renderTable({
    machine,
    options,
    systems: systems.map((s) => s.name),
    results,
    cpuResults,
    libsignalVersion: libsignal?.version,
    libsignalError,
  });
  process.stdout.write(`\n${table}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
