// `npm run bench:relay`: the Parley relay against a socket.io server doing the same direct routing, measured in the
// same run on the same machine. Each system runs in its own child process with the load generators in others;
// repetitions alternate the order of the systems. Prints one side-by-side table and writes the full results as
// JSON under bench/results/. Options: `npm run bench:relay -- --help`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { gitRevision, machineInfo } from './machine';
import { OptionsError, parseOptions, usage, type BenchOptions, type SystemName } from './options';
import { REPO_ROOT, killAllChildren } from './processes';
import { rabbitmqInstalled } from './rabbitmq-server';
import { runSystem, type RunPlacement, type SystemRunResult } from './system-run';
import { busyMachineWarning, renderTable, verdict } from './table';

function placementFor(options: BenchOptions, cores: number): { placement: RunPlacement; note: string } {
  const generators = `${options.generators} generator process${options.generators === 1 ? '' : 'es'}`;
  const nice = options.nice === 0 ? undefined : options.nice;
  const niceNote = nice === undefined ? '' : `, every bench process at nice ${nice}`;
  if (!options.pin) return { placement: { server: { nice }, generators: { nice } }, note: `${generators}, no CPU pinning${niceNote}` };
  if (cores < 2) throw new OptionsError('--pin needs at least 2 CPUs');
  const rest = cores === 2 ? '1' : `1-${cores - 1}`;
  return {
    placement: { server: { cpus: '0', nice }, generators: { cpus: rest, nice } },
    note: `${generators}; server pinned to CPU 0, generators to CPU ${rest}${niceNote}`,
  };
}

async function main(): Promise<number> {
  let options: BenchOptions | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof OptionsError) && !(error instanceof TypeError)) throw error;
    process.stderr.write(`${error.message}\n\n${usage()}\n`);
    return 2;
  }
  if (options === undefined) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (options.systems.includes('rabbitmq') && !rabbitmqInstalled()) {
    process.stderr.write('rabbitmq-server is not installed: apt-get install rabbitmq-server, or leave it out with --systems parley,socketio\n');
    return 2;
  }
  const machine = machineInfo();
  const { placement, note } = placementFor(options, machine.cores);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`bench:relay — ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}`);
  const startedAt = new Date();
  const results: SystemRunResult[] = [];
  for (let repetition = 1; repetition <= options.repetitions; repetition++) {
    const order: SystemName[] = repetition % 2 === 1 ? options.systems : [...options.systems].reverse();
    for (const system of order) {
      log(`[${repetition}/${options.repetitions}] ${system}`);
      results.push(await runSystem(system, options, repetition, placement, log));
    }
  }
  const loadAverageAtEnd = loadavg().map((v) => Math.round(v * 100) / 100);
  const table = renderTable(results, options, machine, note, loadAverageAtEnd);
  const goal = verdict(results, options);
  const warning = busyMachineWarning(machine);
  process.stdout.write(`\n${table}\n\nGoals (issue 14):\n${goal.text.map((t) => `  ${t}`).join('\n')}\n${warning === undefined ? '' : `\n${warning}\n`}`);

  const resultsDir = resolve(REPO_ROOT, options.resultsDir);
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `relay-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const record = {
    benchmark: 'relay',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    git: gitRevision(REPO_ROOT),
    machine: { ...machine, loadAverageAtEnd },
    options,
    placement: note,
    goal,
    warning,
    table,
    runs: results,
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(`\nResults: ${file}\n`);
  return 0;
}

main().then(
  (code) => {
    killAllChildren();
    process.exit(code);
  },
  (error: unknown) => {
    killAllChildren();
    process.stderr.write(`bench:relay failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
