// `npm run bench:relay`: the Parley relay against a socket.io server doing the same direct routing, measured in the
// same run on the same machine. Each system runs in its own child process with the load generators in others;
// repetitions alternate the order of the systems. Prints one side-by-side table and writes the full results as
// JSON under bench/results/. Options: `npm run bench:relay -- --help`.
import { machineInfo } from './machine';
import { optionsOrExitCode } from './option-specs';
import { OptionsError, parseOptions, usage, type BenchOptions, type SystemName } from './options';
import { rabbitmqInstalled } from './rabbitmq-server';
import { loadAverageNow, runBench, writeResults } from './results';
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
  const options = optionsOrExitCode((argv) => parseOptions(argv), usage);
  if (typeof options === 'number') return options;
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
  const loadAverageAtEnd = loadAverageNow();
  const table = renderTable(results, options, machine, note, loadAverageAtEnd);
  const goal = verdict(results, options);
  const warning = busyMachineWarning(machine);
  process.stdout.write(`\n${table}\n\nGoals (issue 14):\n${goal.text.map((t) => `  ${t}`).join('\n')}\n${warning === undefined ? '' : `\n${warning}\n`}`);
  const file = writeResults('relay', options.resultsDir, startedAt, { ...machine, loadAverageAtEnd }, { options, placement: note, goal, warning, table, runs: results });
  process.stdout.write(`\nResults: ${file}\n`);
  return 0;
}

runBench('bench:relay', main);
