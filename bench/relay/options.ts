// Options of `npm run bench:relay`: each one a CLI flag (`--devices 500`) or an environment variable
// (`BENCH_RELAY_DEVICES=500`); the flag wins. `--help` prints them with their defaults.
import { OptionsError, listOf, parseSpecs, usageOf, type OptionSpec } from './option-specs';

export { OptionsError };

/** `parley-baseline` is the relay of another checkout (--baseline-dir), for before/after numbers in one run. */
export const SYSTEMS = ['parley', 'socketio', 'rabbitmq', 'parley-baseline'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export const PHASES = ['rate', 'max'] as const;
export type PhaseName = (typeof PHASES)[number];

export interface BenchOptions {
  /** Devices (WebSocket clients), split evenly over the generator processes. */
  devices: number;
  /** Offered aggregate rate of the fixed-rate phase, messages per second. */
  rate: number;
  /** Measured seconds of the fixed-rate phase (after its warm-up). */
  durationS: number;
  /** Measured seconds of the closed-loop maximum-throughput phase (after its warm-up). */
  maxDurationS: number;
  /** Warm-up seconds before each measured phase (load applied, nothing recorded). */
  warmupS: number;
  /** Payload bytes per message (raw bytes for Parley and RabbitMQ, base64 in socket.io's JSON). */
  payloadBytes: number;
  /** Sends in flight per device in the closed-loop phase. */
  window: number;
  repetitions: number;
  /** Load generator processes. */
  generators: number;
  /** Pin the server to CPU 0 and the generators to the other CPUs (taskset). */
  pin: boolean;
  /** nice(1) value for every process of the bench (servers and generators alike); 0 leaves priorities alone. */
  nice: number;
  systems: SystemName[];
  /** Which phases run, in this order. */
  phases: PhaseName[];
  /** Extra node flags for the server processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
  serverNodeArgs: string[];
  /** Directory for the JSON results. */
  resultsDir: string;
  /** The Parley checkout whose relay runs as `parley` (default: this repository). */
  relayDir: string;
  /** A checkout of Parley (with node_modules reachable) whose relay runs as `parley-baseline`; '' for none. */
  baselineDir: string;
}

const SPECS: OptionSpec<keyof BenchOptions>[] = [
  { key: 'devices', flag: 'devices', kind: 'int', fallback: '1000', help: 'authenticated devices (WebSocket clients)' },
  { key: 'rate', flag: 'rate', kind: 'int', fallback: '5000', help: 'offered messages/s in the fixed-rate phase' },
  { key: 'durationS', flag: 'duration', kind: 'number', fallback: '10', help: 'measured seconds at the fixed rate' },
  { key: 'maxDurationS', flag: 'max-duration', kind: 'number', fallback: '8', help: 'measured seconds of the closed-loop max phase' },
  { key: 'warmupS', flag: 'warmup', kind: 'number', fallback: '3', help: 'warm-up seconds before each measured phase' },
  { key: 'payloadBytes', flag: 'payload', kind: 'int', fallback: '256', help: 'payload bytes per message (raw for Parley and RabbitMQ, base64 for socket.io)' },
  { key: 'window', flag: 'window', kind: 'int', fallback: '2', help: 'sends in flight per device in the closed-loop phase' },
  { key: 'repetitions', flag: 'repetitions', kind: 'int', fallback: '3', help: 'runs of each system, alternating' },
  { key: 'generators', flag: 'generators', kind: 'int', fallback: '1', help: 'load generator processes' },
  { key: 'pin', flag: 'pin', kind: 'boolean', fallback: 'false', help: 'taskset: server on CPU 0, generators on the rest' },
  { key: 'nice', flag: 'nice', kind: 'signed', fallback: '0', help: 'nice value for servers and generators alike (e.g. -5 on a shared machine; negative needs root)' },
  { key: 'systems', flag: 'systems', kind: 'string', fallback: 'parley,socketio,rabbitmq', help: 'comma-separated: parley,socketio,rabbitmq' },
  { key: 'phases', flag: 'phases', kind: 'string', fallback: PHASES.join(','), help: 'comma-separated, in order: rate (fixed rate), max (closed loop)' },
  { key: 'serverNodeArgs', flag: 'server-node-args', kind: 'string', fallback: '', help: 'extra node flags for the servers, as one =-joined value: --server-node-args="--cpu-prof --cpu-prof-dir=/tmp/p"' },
  { key: 'resultsDir', flag: 'results-dir', kind: 'string', fallback: 'bench/results', help: 'where the JSON results go' },
  { key: 'relayDir', flag: 'relay-dir', kind: 'string', fallback: '.', help: 'the Parley checkout whose relay runs as parley' },
  {
    key: 'baselineDir',
    flag: 'baseline-dir',
    kind: 'string',
    fallback: '',
    help: 'also run the relay of this other checkout, as parley-baseline (before/after in one run)',
  },
];

export function usage(): string {
  return usageOf('npm run bench:relay', SPECS, 'BENCH_RELAY_');
}

/** Returns undefined when --help was asked for. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | undefined {
  const out = parseSpecs(SPECS, 'BENCH_RELAY_', argv, env);
  if (out === undefined) return undefined;
  const systems = listOf('systems', String(out.systems), SYSTEMS);
  if (String(out.baselineDir) !== '' && !systems.includes('parley-baseline')) systems.push('parley-baseline');
  if (systems.includes('parley-baseline') && String(out.baselineDir) === '') throw new OptionsError('parley-baseline needs --baseline-dir');
  const options = {
    ...out,
    systems,
    phases: listOf('phases', String(out.phases), PHASES),
    serverNodeArgs: String(out.serverNodeArgs).split(/\s+/).filter((arg) => arg !== ''),
  } as BenchOptions;
  if (options.devices < 2) throw new OptionsError('--devices must be at least 2');
  if (options.generators > options.devices) throw new OptionsError('--generators must not exceed --devices');
  return options;
}
