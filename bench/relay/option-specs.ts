// Command-line options of a bench, each a flag (`--devices 500`) or an environment variable
// (`BENCH_RELAY_DEVICES=500`, prefix per bench); the flag wins. Specs carry the default and the help line, so
// `--help` prints every option with its variable and default. Shared by bench:relay and bench:scale.
import { parseArgs } from 'node:util';

export interface OptionSpec<K extends string> {
  key: K;
  flag: string;
  kind: 'int' | 'signed' | 'number' | 'boolean' | 'string';
  fallback: string;
  help: string;
}

export class OptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionsError';
  }
}

export function usageOf<K extends string>(command: string, specs: readonly OptionSpec<K>[], envPrefix: string): string {
  const lines = specs.map((s) => {
    const env = envName(envPrefix, s);
    return `  --${s.flag.padEnd(17)} ${env.padEnd(31)} ${s.help} (default: ${s.fallback === '' ? 'none' : s.fallback})`;
  });
  return [`Usage: ${command} -- [options]`, '', ...lines, '  --help'].join('\n');
}

/** Every spec's value (numbers checked, booleans read, strings as given); undefined when --help was asked for. */
export function parseSpecs<K extends string>(
  specs: readonly OptionSpec<K>[],
  envPrefix: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
): Record<K, number | boolean | string> | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: 'boolean' },
      ...Object.fromEntries(specs.map((s) => [s.flag, { type: s.kind === 'boolean' ? ('boolean' as const) : ('string' as const) }])),
    },
  });
  if (values.help === true) return undefined;
  const raw = (s: OptionSpec<K>): string => {
    const flag = (values as Record<string, string | boolean | undefined>)[s.flag];
    if (flag !== undefined) return String(flag);
    return env[envName(envPrefix, s)]?.trim() || s.fallback;
  };
  const out = {} as Record<K, number | boolean | string>;
  for (const s of specs) {
    const text = raw(s);
    switch (s.kind) {
      case 'int':
        out[s.key] = positive(s, text, true);
        break;
      case 'number':
        out[s.key] = positive(s, text, false);
        break;
      case 'signed': {
        const value = Number(text);
        if (!Number.isInteger(value) || value < -20 || value > 19) throw new OptionsError(`--${s.flag} must be an integer from -20 to 19, got ${JSON.stringify(text)}`);
        out[s.key] = value;
        break;
      }
      case 'boolean':
        out[s.key] = text === 'true' || text === '1';
        break;
      case 'string':
        out[s.key] = text;
        break;
    }
  }
  return out;
}

/** A comma-separated list whose every entry is one of `allowed`. */
export function listOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!(allowed as readonly string[]).includes(name)) throw new OptionsError(`--${flag}: unknown value ${JSON.stringify(name)}`);
  }
  return names as T[];
}

function envName(prefix: string, s: { flag: string }): string {
  return `${prefix}${s.flag.toUpperCase().replaceAll('-', '_')}`;
}

function positive(s: { flag: string }, text: string, integer: boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new OptionsError(`--${s.flag} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * The options of this process's command line, or the exit code when there are none to run with: 0 after printing the
 * usage for --help, 2 after printing what was wrong and the usage.
 */
export function optionsOrExitCode<T>(parse: (argv: string[]) => T | undefined, usage: () => string): T | number {
  try {
    const options = parse(process.argv.slice(2));
    if (options !== undefined) return options;
    process.stdout.write(`${usage()}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof OptionsError) && !(error instanceof TypeError)) throw error;
    process.stderr.write(`${error.message}\n\n${usage()}\n`);
    return 2;
  }
}
