// bench:ui options: flags, or BENCH_UI_* environment variables (what `npm run bench` passes through).

export interface UiBenchOptions {
  /** Messages in the chat that is opened and scrolled. */
  history: number;
  /** Messages of history in the long chat of the send-latency comparison. */
  sendHistory: number;
  /** Messages waiting on the relay for the catch-up. */
  catchUp: number;
  openRepetitions: number;
  /** Sends per chat in the latency comparison (in interleaved blocks of 10). */
  sendRepetitions: number;
  scrollSeconds: number;
  /** Runs of each search query (through the app's search code, and typed into the sidebar). */
  searchRepetitions: number;
  /** Expired disappearing messages purged while frames are recorded. */
  purge: number;
  /** Seconds from the expected end of seeding the disappearing messages to their expiry (to open their chat). */
  purgeLeadSeconds: number;
  resultsDir: string;
  /** When set, a V8 CPU profile of the page during the purge is written here (.cpuprofile, for DevTools). */
  purgeProfile: string;
  /** When set, a Chromium trace of the purge (page, browser and GPU processes, IndexedDB and GC) is written here (.json, for DevTools). */
  purgeTrace: string;
  /** Chromium's CPU throttling rate during the purge (1: none; 4: a machine four times slower). */
  purgeCpuThrottle: number;
  /** When set, a Chromium trace of the catch-up, from launch until the chat list is current, is written here (.json, for DevTools). */
  catchUpTrace: string;
  /**
   * `all`; `catch-up` to run only the catch-up (no seeding, opening, scrolling or send latency); `history` to run
   * only the history at rest (the long chat seeded, opened, searched, and the purge; no scrolling, send or catch-up);
   * `purge` to run only the purge (its chat seeded and opened).
   */
  only: 'all' | 'catch-up' | 'history' | 'purge';
}

const PARTS = ['all', 'catch-up', 'history', 'purge'] as const;

export class OptionsError extends Error {}

const SPECS: { key: keyof UiBenchOptions; flag: string; env: string; fallback: number | string; help: string }[] = [
  { key: 'history', flag: 'history', env: 'BENCH_UI_HISTORY', fallback: 100_000, help: 'messages in the chat that is opened and scrolled' },
  { key: 'sendHistory', flag: 'send-history', env: 'BENCH_UI_SEND_HISTORY', fallback: 200_000, help: 'history of the long chat in the send-latency comparison' },
  { key: 'catchUp', flag: 'catch-up', env: 'BENCH_UI_CATCH_UP', fallback: 5_000, help: 'messages waiting on the relay for the catch-up' },
  { key: 'openRepetitions', flag: 'open-reps', env: 'BENCH_UI_OPEN_REPS', fallback: 20, help: 'times the long chat is opened' },
  { key: 'sendRepetitions', flag: 'send-reps', env: 'BENCH_UI_SEND_REPS', fallback: 30, help: 'sends per chat in the latency comparison' },
  { key: 'scrollSeconds', flag: 'scroll-seconds', env: 'BENCH_UI_SCROLL_SECONDS', fallback: 5, help: 'seconds of each scrolling run' },
  { key: 'searchRepetitions', flag: 'search-reps', env: 'BENCH_UI_SEARCH_REPS', fallback: 10, help: 'runs of each search query' },
  { key: 'purge', flag: 'purge', env: 'BENCH_UI_PURGE', fallback: 10_000, help: 'expired disappearing messages purged while frames are recorded' },
  { key: 'purgeLeadSeconds', flag: 'purge-lead', env: 'BENCH_UI_PURGE_LEAD', fallback: 40, help: 'seconds from the expected end of seeding them to their expiry' },
  { key: 'purgeProfile', flag: 'purge-profile', env: 'BENCH_UI_PURGE_PROFILE', fallback: '', help: 'write a CPU profile of the page during the purge to this file' },
  { key: 'purgeTrace', flag: 'purge-trace', env: 'BENCH_UI_PURGE_TRACE', fallback: '', help: 'write a Chromium trace of the purge (IndexedDB, GC, frames) to this file' },
  { key: 'catchUpTrace', flag: 'catch-up-trace', env: 'BENCH_UI_CATCH_UP_TRACE', fallback: '', help: 'write a Chromium trace of the catch-up (launch, page tasks, IndexedDB, GC) to this file' },
  { key: 'purgeCpuThrottle', flag: 'purge-cpu-throttle', env: 'BENCH_UI_PURGE_CPU_THROTTLE', fallback: 1, help: 'Chromium CPU throttling rate while purging (4: four times slower)' },
  { key: 'resultsDir', flag: 'results-dir', env: 'BENCH_UI_RESULTS_DIR', fallback: 'bench/results', help: 'where the JSON results go' },
  { key: 'only', flag: 'only', env: 'BENCH_UI_ONLY', fallback: 'all', help: `what to run: ${PARTS.join(' or ')}` },
];

export function usage(): string {
  const lines = SPECS.map((spec) => `  --${spec.flag.padEnd(16)} ${spec.help} (${spec.env}, default ${spec.fallback})`);
  return [
    'npm run bench:ui -- [options]',
    ...lines,
    '  --help             this text',
    'The relay runs in its own process with this environment: PARLEY_RELAY_* variables set when starting the bench',
    '(e.g. PARLEY_RELAY_DELIVERY_WINDOW) reach it and are recorded with the results.',
  ].join('\n');
}

/** The options, or null when --help was asked for. */
export function parseOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): UiBenchOptions | null {
  const values = new Map<string, string>();
  for (const spec of SPECS) {
    const fromEnv = env[spec.env];
    if (fromEnv !== undefined && fromEnv !== '') values.set(spec.flag, fromEnv);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return null;
    const [flag, inline] = arg.replace(/^--/, '').split('=', 2) as [string, string | undefined];
    if (!arg.startsWith('--') || !SPECS.some((spec) => spec.flag === flag)) throw new OptionsError(`unknown option ${arg}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new OptionsError(`--${flag} needs a value`);
    values.set(flag, value);
  }
  const options: Record<string, number | string> = {};
  for (const spec of SPECS) {
    const raw = values.get(spec.flag);
    if (spec.key === 'only') {
      const part = raw ?? spec.fallback;
      if (!(PARTS as readonly string[]).includes(String(part))) throw new OptionsError(`--only must be one of ${PARTS.join(', ')} (got ${raw})`);
      options[spec.key] = part;
      continue;
    }
    if (typeof spec.fallback === 'string') {
      options[spec.key] = raw ?? spec.fallback;
      continue;
    }
    const value = raw === undefined ? spec.fallback : Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new OptionsError(`--${spec.flag} must be a positive whole number (got ${raw})`);
    options[spec.key] = value;
  }
  return options as unknown as UiBenchOptions;
}
