// The runs of one bench:scale: capacity once per system, then the throughput repetitions, each system started
// fresh for each run and stopped after it (bench/scale/systems.ts), measured by bench/relay's measureLoad.
import type { Placement } from '../relay/processes';
import { measureLoad, type LoadOptions } from '../relay/system-run';
import { capacitySteps, type ScaleOptions, type ScaleSystem } from './options';
import { startScaleSystem } from './systems';
import type { ScaleRun } from './table';

/** One system: start it, measure, stop it. `repetition` 0 is the capacity run. */
export async function runScaleSystem(
  system: ScaleSystem,
  options: ScaleOptions,
  repetition: number,
  log: (line: string) => void,
): Promise<ScaleRun> {
  const placement: Placement = { nice: options.nice === 0 ? undefined : options.nice };
  const running = await startScaleSystem(system, options, placement);
  try {
    const capacity = repetition === 0;
    const load: LoadOptions = capacity
      ? { ...options, devices: options.capacity, rate: options.capacityRate, durationS: options.capacityDuration, phases: ['rate'] }
      : options;
    const steps = capacity ? capacitySteps(options) : [options.devices];
    return { system, repetition, ...(await measureLoad(running.target, load, placement, log, steps)) };
  } finally {
    await running.stop();
  }
}

/** Every run of a bench:scale: capacity once per system, then the throughput repetitions in alternating order. */
export async function runScaleBench(options: ScaleOptions, log: (line: string) => void): Promise<ScaleRun[]> {
  const runs: ScaleRun[] = [];
  for (const system of options.systems) {
    log(`[capacity] ${system}`);
    runs.push(await runScaleSystem(system, options, 0, log));
  }
  for (let repetition = 1; repetition <= options.repetitions; repetition++) {
    const order = repetition % 2 === 1 ? options.systems : [...options.systems].reverse();
    for (const system of order) {
      log(`[${repetition}/${options.repetitions}] ${system}`);
      runs.push(await runScaleSystem(system, options, repetition, log));
    }
  }
  return runs;
}
