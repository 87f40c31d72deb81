// Runs the relay as a real child process (`node --import tsx src/server/main.ts`) on a given data directory and
// port 0, for tests that need signals, kill -9 and restarts. Parses the `relay.listening` line for the address.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RelayProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RelayProcess {
  url: string;
  httpUrl: string;
  port: number;
  pid: number;
  dataDir: string;
  /** Every stdout line so far (JSON log lines). */
  readonly output: readonly string[];
  readonly exited: Promise<RelayProcessExit>;
  kill(signal?: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if still running after `timeoutMs`; resolves with the exit. */
  stop(timeoutMs?: number): Promise<RelayProcessExit>;
}

export interface SpawnRelayOptions {
  dataDir: string;
  /** Extra PARLEY_* variables; host is always 127.0.0.1. */
  env?: Record<string, string>;
  /** Default 0 (any free port); a restart that clients must find again passes the previous port. */
  port?: number;
  startTimeoutMs?: number;
}

export async function spawnRelay(options: SpawnRelayOptions): Promise<RelayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PARLEY_RELAY_LOG_LEVEL: 'warn',
      PARLEY_RELAY_METRICS_PORT: 'off',
      ...options.env,
      PARLEY_RELAY_HOST: '127.0.0.1',
      PARLEY_RELAY_PORT: String(options.port ?? 0),
      PARLEY_DATA_DIR: options.dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const errors: string[] = [];
  // 'close' rather than 'exit': it comes after stdout has been read to the end, so `output` is complete.
  const exited = new Promise<RelayProcessExit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => errors.push(chunk));

  const listening = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`relay did not start within ${options.startTimeoutMs ?? 20_000} ms: ${errors.join('').slice(0, 2000)}`));
    }, options.startTimeoutMs ?? 20_000);
    let buffered = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        output.push(line);
        const parsed = parseListening(line);
        if (parsed !== undefined) {
          clearTimeout(timer);
          resolve(parsed);
        }
      }
    });
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`relay exited (${exit.code ?? exit.signal}) before listening: ${[...output, ...errors].join('\n').slice(0, 2000)}`));
    });
  });

  const pid = child.pid;
  if (pid === undefined) throw new Error('relay process has no pid');
  return {
    url: listening.url,
    httpUrl: listening.url.replace(/^ws:/, 'http:').replace(/\/v1\/ws$/, ''),
    port: listening.port,
    pid,
    dataDir: options.dataDir,
    output,
    exited,
    kill: (signal: NodeJS.Signals = 'SIGTERM') => {
      child.kill(signal);
    },
    stop: (timeoutMs = 10_000) => stopChild(child, exited, timeoutMs),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<RelayProcessExit>, timeoutMs: number): Promise<RelayProcessExit> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

function parseListening(line: string): { url: string; port: number } | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null) return undefined;
    const { event, url, port } = value as Record<string, unknown>;
    if (event === 'relay.listening' && typeof url === 'string' && typeof port === 'number') return { url, port };
  } catch {
    // Not a JSON line.
  }
  return undefined;
}
