// `npm run bench:ui`: the desktop UI's performance with the real core and a real relay on loopback, the real renderer
// build in Debian's Chromium (browser shell). Measures opening a chat with a long history sealed at rest, search
// over it, scrolling it, memory, send latency with a short vs a long history, purging expired disappearing messages
// and catching up on messages that waited on the relay. Prints one table against the goals of issues 4, 13 and 14
// and writes everything as JSON under bench/results/. Options: --help.
import { chromium } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromiumLaunchOptions } from '../../e2e/support/chromium';
import { BenchWorld, REPO_ROOT } from './harness';
import { gitRevision, loadAverage, machineInfo } from './machine';
import { OptionsError, parseOptions, usage } from './options';
import { runBench } from './phases';
import { renderTable } from './table';

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    process.stderr.write(`${error.message}\n\n${usage()}\n`);
    return 2;
  }
  if (options === null) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const browser = await chromium.launch(chromiumLaunchOptions());
  const machine = machineInfo(browser.version());
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`bench:ui — ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, Chromium ${machine.chromium}, load ${machine.loadAverageAtStart.join(' ')}`);
  const startedAt = new Date();
  const world = new BenchWorld(browser);
  let results;
  try {
    results = await runBench(world, options, log);
  } finally {
    await world.dispose();
    await browser.close();
  }
  const loadAverageAtEnd = loadAverage();
  const table = renderTable(results, options, { ...machine, loadAverageAtEnd });
  process.stdout.write(`\n${table}\n`);

  const resultsDir = resolve(REPO_ROOT, options.resultsDir);
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `ui-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const record = {
    benchmark: 'ui',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    git: gitRevision(REPO_ROOT),
    machine: { ...machine, loadAverageAtEnd },
    options,
    table,
    results,
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(`\nResults: ${file}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:ui failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
