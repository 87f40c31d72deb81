// How a bench ends: its report printed, and its full record written as JSON to
// `<resultsDir>/<benchmark>-<start time>.json` (git ignores bench/results/) with the git revision and the machine's
// load at the end; runBench turns main's exit code into the process's, ending every child process either way.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { gitRevision, type MachineInfo } from './machine';
import { REPO_ROOT, killAllChildren } from './processes';

/** The load average now, to two decimals. */
export function loadAverageNow(): number[] {
  return loadavg().map((v) => Math.round(v * 100) / 100);
}

/** Writes the record (the fields given plus benchmark, times, git and machine) and returns the file's path. */
export function writeResults(
  benchmark: string,
  resultsDir: string,
  startedAt: Date,
  machine: MachineInfo & { loadAverageAtEnd: number[] },
  fields: Record<string, unknown>,
): string {
  const dir = resolve(REPO_ROOT, resultsDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${benchmark}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const record = {
    benchmark,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    git: gitRevision(REPO_ROOT),
    machine,
    ...fields,
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

/** Runs a bench's main and exits with its code (1 on an exception), every child process killed first. */
export function runBench(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      killAllChildren();
      process.exit(code);
    },
    (error: unknown) => {
      killAllChildren();
      process.stderr.write(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
