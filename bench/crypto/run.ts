// `npx tsx bench/crypto/run.ts` (npm run bench:crypto): Parley's protocol layer with the portable noble provider
// and with the node:crypto provider, side by side with @signalapp/libsignal-client doing the same work, measured
// in the same run on the same machine. Options: --seconds N (timed per row and repetition, default 1),
// --reps N (default 3; the median is shown), --rows id,id (default all), --no-noble, or the environment
// variables BENCH_CRYPTO_SECONDS / BENCH_CRYPTO_REPS.
import { nodeCryptoProvider } from '../../src/main/core/crypto/node-provider';
import { nobleCryptoProvider } from '../../src/shared/crypto/noble-provider';
import { machineInfo, median, opsPerSecond, type Rate } from './harness';
import { parleySystem } from './parley';
import { ROWS, type BenchSystem, type RowId } from './rows';
import { renderTable } from './table';

interface Options {
  seconds: number;
  reps: number;
  rows: RowId[];
  noble: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    seconds: Number(process.env.BENCH_CRYPTO_SECONDS ?? 1),
    reps: Number(process.env.BENCH_CRYPTO_REPS ?? 3),
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
    else if (arg === '--reps') options.reps = Number(value());
    else if (arg === '--rows') options.rows = value().split(',') as RowId[];
    else if (arg === '--no-noble') options.noble = false;
    else throw new Error(`unknown option ${arg}`);
  }
  if (!(options.seconds > 0) || !Number.isInteger(options.reps) || options.reps < 1) throw new Error('bad --seconds/--reps');
  const known = new Set<string>(ROWS.map((r) => r.id));
  for (const row of options.rows) if (!known.has(row)) throw new Error(`unknown row ${row}`);
  return options;
}

async function loadLibsignal(): Promise<{ system?: BenchSystem; version?: string; error?: string }> {
  try {
    const { libsignalSystem } = await import('./libsignal');
    const pkg = await import('@signalapp/libsignal-client/package.json', { with: { type: 'json' } });
    return { system: libsignalSystem, version: (pkg.default as { version: string }).version };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const machine = machineInfo();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const libsignal = await loadLibsignal();
  if (libsignal.error) log(`libsignal-client unavailable, benchmarking without it: ${libsignal.error}`);
  const systems: BenchSystem[] = [
    ...(options.noble ? [parleySystem(nobleCryptoProvider)] : []),
    parleySystem(nodeCryptoProvider),
    ...(libsignal.system ? [libsignal.system] : []),
  ];
  log(`bench:crypto — ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverage}`);
  const samples = new Map<string, Rate[]>();
  for (const row of ROWS.filter((r) => options.rows.includes(r.id))) {
    for (let rep = 0; rep < options.reps; rep++) {
      const order = rep % 2 === 0 ? systems : [...systems].reverse();
      for (const system of order) {
        const op = await system.prepare[row.id]();
        const value = await opsPerSecond(op, options.seconds, Math.min(0.3, options.seconds / 3));
        const key = `${row.id}/${system.name}`;
        samples.set(key, [...(samples.get(key) ?? []), value]);
        log(`  ${row.id.padEnd(11)} ${system.name.padEnd(17)} rep ${rep + 1}: ${value.wall.toFixed(1)}/s (${value.cpu.toFixed(1)} per CPU-s)`);
      }
    }
  }
  const summary = (pick: (r: Rate) => number) => new Map([...samples].map(([key, values]) => [key, median(values.map(pick))]));
  const common = { machine, options, systems: systems.map((s) => s.name), libsignalVersion: libsignal.version, libsignalError: libsignal.error };
  process.stdout.write(
    `\n${renderTable({ ...common, results: summary((r) => r.wall), cpuResults: summary((r) => r.cpu) })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
