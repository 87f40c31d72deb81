// Options of `npm run bench:scale`: each a flag (`--capacity 5000`) or an environment variable
// (`BENCH_SCALE_CAPACITY=5000`); the flag wins. `--quick` swaps the defaults for a run of a minute or two that checks
// the bench works (a few hundred devices, 1–2 s phases); flags given with it still win.
import { OptionsError, listOf, parseSpecs, usageOf, type OptionSpec } from '../relay/option-specs';
import type { PhaseName } from '../relay/options';

export { OptionsError };

/**
 * parley-sqlite: one relay on SQLite. parley-redis: `nodes` relays on one Redis (AOF). socketio-redis: `nodes`
 * socket.io servers joined by @socket.io/redis-streams-adapter on one Redis of their own.
 */
export const SCALE_SYSTEMS = ['parley-sqlite', 'parley-redis', 'socketio-redis'] as const;
export type ScaleSystem = (typeof SCALE_SYSTEMS)[number];

export interface ScaleOptions {
  quick: boolean;
  /** Devices the capacity step tries to hold at once on each system. */
  capacity: number;
  /** Devices added per capacity step (the servers' memory is read after each). */
  capacityStep: number;
  /** Offered msg/s with every capacity device connected, to show they are live. */
  capacityRate: number;
  /** Measured seconds of that phase. */
  capacityDuration: number;
  /** Devices of the throughput phases. */
  devices: number;
  rate: number;
  durationS: number;
  maxDurationS: number;
  warmupS: number;
  payloadBytes: number;
  window: number;
  repetitions: number;
  generators: number;
  /** Relay or socket.io processes of the clustered systems. */
  nodes: number;
  /** appendfsync of the Redis under the Parley relays. */
  redisFsync: 'always' | 'everysec';
  nice: number;
  /** Extra node flags for every relay and socket.io process, e.g. --cpu-prof --cpu-prof-dir=/tmp/prof. */
  serverNodeArgs: string[];
  systems: ScaleSystem[];
  phases: PhaseName[];
  resultsDir: string;
}

type SpecKey = Exclude<keyof ScaleOptions, 'phases'>;

const SPECS: OptionSpec<SpecKey>[] = [
  { key: 'quick', flag: 'quick', kind: 'boolean', fallback: 'false', help: 'short check run: small defaults for every count and duration' },
  { key: 'capacity', flag: 'capacity', kind: 'int', fallback: '10000', help: 'devices connected at once in the capacity step, per system' },
  { key: 'capacityStep', flag: 'capacity-step', kind: 'int', fallback: '2000', help: 'devices added per capacity step (memory read after each)' },
  { key: 'capacityRate', flag: 'capacity-rate', kind: 'int', fallback: '1000', help: 'offered msg/s with every capacity device connected' },
  { key: 'capacityDuration', flag: 'capacity-duration', kind: 'number', fallback: '5', help: 'measured seconds of that phase' },
  { key: 'devices', flag: 'devices', kind: 'int', fallback: '1000', help: 'devices of the throughput phases' },
  { key: 'rate', flag: 'rate', kind: 'int', fallback: '2000', help: 'offered msg/s of the fixed-rate phase' },
  { key: 'durationS', flag: 'duration', kind: 'number', fallback: '10', help: 'measured seconds at the fixed rate' },
  { key: 'maxDurationS', flag: 'max-duration', kind: 'number', fallback: '8', help: 'measured seconds of the closed-loop phase' },
  { key: 'warmupS', flag: 'warmup', kind: 'number', fallback: '3', help: 'warm-up seconds before each measured phase' },
  { key: 'payloadBytes', flag: 'payload', kind: 'int', fallback: '256', help: 'payload bytes per message' },
  { key: 'window', flag: 'window', kind: 'int', fallback: '2', help: 'sends in flight per device in the closed-loop phase' },
  { key: 'repetitions', flag: 'repetitions', kind: 'int', fallback: '3', help: 'throughput runs of each system, alternating' },
  { key: 'generators', flag: 'generators', kind: 'int', fallback: '1', help: 'load generator processes' },
  { key: 'nodes', flag: 'nodes', kind: 'int', fallback: '3', help: 'processes of parley-redis and socketio-redis' },
  { key: 'redisFsync', flag: 'redis-fsync', kind: 'string', fallback: 'always', help: "appendfsync of the Parley relays' Redis: always or everysec" },
  { key: 'nice', flag: 'nice', kind: 'signed', fallback: '0', help: 'nice value for every process of the bench (negative needs root)' },
  {
    key: 'serverNodeArgs',
    flag: 'server-node-args',
    kind: 'string',
    fallback: '',
    help: 'extra node flags for every relay and socket.io process, as one =-joined value: --server-node-args="--cpu-prof --cpu-prof-dir=/tmp/p"',
  },
  { key: 'systems', flag: 'systems', kind: 'string', fallback: SCALE_SYSTEMS.join(','), help: `comma-separated: ${SCALE_SYSTEMS.join(',')}` },
  { key: 'resultsDir', flag: 'results-dir', kind: 'string', fallback: 'bench/results', help: 'where the JSON results go' },
];

/** The defaults of --quick (every other option keeps its default). */
const QUICK: Partial<Record<SpecKey, string>> = {
  capacity: '600',
  capacityStep: '300',
  capacityRate: '200',
  capacityDuration: '1',
  devices: '100',
  rate: '300',
  durationS: '2',
  maxDurationS: '2',
  warmupS: '1',
  repetitions: '1',
};

export function usage(): string {
  return usageOf('npm run bench:scale', SPECS, 'BENCH_SCALE_');
}

/** Returns undefined when --help was asked for. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): ScaleOptions | undefined {
  const quick = argv.includes('--quick') || ['true', '1'].includes(env.BENCH_SCALE_QUICK?.trim() ?? '');
  const specs = quick ? SPECS.map((s) => ({ ...s, fallback: QUICK[s.key] ?? s.fallback })) : SPECS;
  const out = parseSpecs(specs, 'BENCH_SCALE_', argv, env);
  if (out === undefined) return undefined;
  const redisFsync = String(out.redisFsync);
  if (redisFsync !== 'always' && redisFsync !== 'everysec') throw new OptionsError(`--redis-fsync must be always or everysec, got ${JSON.stringify(redisFsync)}`);
  const options = {
    ...out,
    redisFsync,
    serverNodeArgs: String(out.serverNodeArgs).split(/\s+/).filter((arg) => arg !== ''),
    systems: listOf('systems', String(out.systems), SCALE_SYSTEMS),
    phases: ['rate', 'max'],
  } as ScaleOptions;
  if (options.devices < 2 || options.capacity < 2) throw new OptionsError('--devices and --capacity must be at least 2');
  if (options.generators > Math.min(options.devices, options.capacity)) throw new OptionsError('--generators must not exceed --devices or --capacity');
  return options;
}

/** Cumulative device counts of the capacity steps: step, 2·step, …, capacity. */
export function capacitySteps(options: Pick<ScaleOptions, 'capacity' | 'capacityStep'>): number[] {
  const steps: number[] = [];
  for (let devices = options.capacityStep; devices < options.capacity; devices += options.capacityStep) steps.push(devices);
  steps.push(options.capacity);
  return steps;
}
