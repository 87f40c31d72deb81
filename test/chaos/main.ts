// `npm run chaos`: a seeded fault run against relays on one Redis (test/chaos/chaos-run.ts). Flags: --seed (default:
// random, printed), --duration seconds (60), --steps (0 = as many as fit the duration), --relays (3), --clients (4),
// --min-gap/--max-gap acknowledged sends between steps (20/60), --groups (every other text to a group of all clients).
// Exits 1 if anything was lost, duplicated or reordered.
import { parseArgs } from 'node:util';
import { randomInt } from 'node:crypto';
import { runChaos } from './chaos-run';
import { chaosPassed, renderChaosReport } from './report';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    duration: { type: 'string', default: '60' },
    steps: { type: 'string', default: '0' },
    relays: { type: 'string', default: '3' },
    clients: { type: 'string', default: '4' },
    'min-gap': { type: 'string', default: '20' },
    'max-gap': { type: 'string', default: '60' },
    groups: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write('npm run chaos -- [--seed N] [--duration 60] [--steps 0] [--relays 3] [--clients 4] [--min-gap 20] [--max-gap 60] [--groups]\n');
  process.exit(0);
}

function count(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    process.stderr.write(`--${name} must be an integer of at least ${min}, got ${text}\n`);
    process.exit(2);
  }
  return value;
}

const seed = values.seed === undefined ? randomInt(1, 2 ** 31) : count('seed', values.seed, 0);
process.stdout.write(`chaos seed ${seed}\n`);
const options = {
  seed,
  durationS: count('duration', values.duration, 0),
  steps: count('steps', values.steps, 0),
  relays: count('relays', values.relays, 2),
  clients: count('clients', values.clients, 2),
  minGap: count('min-gap', values['min-gap'], 1),
  maxGap: count('max-gap', values['max-gap'], 1),
  groups: values.groups,
  recoveryTimeoutMs: 120_000,
  log: (line: string) => process.stdout.write(`${line}\n`),
};
if (options.maxGap < options.minGap) {
  process.stderr.write('--max-gap must be at least --min-gap\n');
  process.exit(2);
}
if (options.durationS === 0 && options.steps === 0) {
  process.stderr.write('give --duration or --steps (both 0 would never end)\n');
  process.exit(2);
}

try {
  const report = await runChaos(options);
  process.stdout.write(`\n${renderChaosReport(report)}\n`);
  process.exit(chaosPassed(report) ? 0 : 1);
} catch (error) {
  process.stderr.write(`chaos run (seed ${seed}) failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
