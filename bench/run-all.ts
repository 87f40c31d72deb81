// `npm run bench`: runs every benchmark (each bench/<name>/run.ts), one after another, in name order. Benchmarks
// take their options from namespaced environment variables (e.g. BENCH_RELAY_DEVICES), which pass through;
// to give one benchmark flags, run it alone (`npm run bench:relay -- --help`). Exits non-zero if any failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const benches = readdirSync(benchDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(benchDir, entry.name, 'run.ts')))
  .map((entry) => entry.name)
  .sort();

const failed: string[] = [];
for (const name of benches) {
  process.stdout.write(`\n=== bench/${name} ===\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, name, 'run.ts')], { stdio: 'inherit' });
  if (result.status !== 0) failed.push(name);
}
if (benches.length === 0) process.stdout.write('no benchmarks found (bench/<name>/run.ts)\n');
if (failed.length > 0) {
  process.stderr.write(`failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
