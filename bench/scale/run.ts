// `npm run bench:scale`: how far Parley scales on this machine, against socket.io on Redis, in one run. First, per
// system, the most authenticated devices it holds at once (connected in steps up to --capacity, the servers' memory
// read after each, then a short fixed-rate phase to show every connection is live); then sustained msg/s (closed
// loop) and p99 at a fixed rate for one SQLite relay, --nodes relays on one Redis and --nodes socket.io nodes with
// the Redis Streams adapter, the systems alternating over the repetitions. Prints the tables and writes the full
// results as JSON under bench/results/. Options: `npm run bench:scale -- --help`; `--quick` checks it in a minute or two.
import { machineInfo } from '../relay/machine';
import { loadAverageNow, runBench, writeResults } from '../relay/results';
import { busyMachineWarning } from '../relay/table';
import { optionsOrExitCode } from '../relay/option-specs';
import { parseOptions, usage } from './options';
import { runScaleBench } from './scale-run';
import { renderScaleReport, scaleGoal } from './table';

async function main(): Promise<number> {
  const options = optionsOrExitCode((argv) => parseOptions(argv), usage);
  if (typeof options === 'number') return options;
  const machine = machineInfo();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`bench:scale — ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}`);
  const startedAt = new Date();
  const runs = await runScaleBench(options, log);
  const loadAverageAtEnd = loadAverageNow();
  const report = renderScaleReport(runs, options, machine, loadAverageAtEnd);
  const goal = scaleGoal(runs, options);
  const warning = busyMachineWarning(machine);
  process.stdout.write(`\n${report}\n\nGoal (issue 16):\n${goal.text.map((t) => `  ${t}`).join('\n')}\n${warning === undefined ? '' : `\n${warning}\n`}`);
  const file = writeResults('scale', options.resultsDir, startedAt, { ...machine, loadAverageAtEnd }, { options, goal, warning, report, runs });
  process.stdout.write(`\nResults: ${file}\n`);
  return goal.parleyLost === 0 ? 0 : 1;
}

runBench('bench:scale', main);
