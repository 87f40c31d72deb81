// Starts Debian's redis-server for tests: 127.0.0.1, a free port, its own data directory, AOF with
// `appendfsync always` unless told otherwise; stop() shuts it down and deletes the directory. Waits on the server's
// "Ready to accept connections" line, never on a sleep. Missing redis-server fails loudly with how to install it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { makeTempDir } from './relay-harness';

const REDIS_SERVER = '/usr/bin/redis-server';

export interface TestRedis {
  port: number;
  /** The running server's process id (a restart changes it). */
  readonly pid: number;
  url: string;
  dataDir: string;
  /** SIGKILL, as a crash: the AOF on disk is what survives. */
  kill(): Promise<void>;
  /** Starts again on the same port and data directory. */
  restart(): Promise<void>;
  /** SIGSTOP: the server stops answering anyone (a hung node) until resume(). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** Ends the server (SIGKILL: its data is thrown away anyway) and deletes the data directory. */
  stop(): Promise<void>;
}

export interface TestRedisOptions {
  appendfsync?: 'always' | 'everysec' | 'no';
  appendonly?: boolean;
  /** Extra redis-server arguments, e.g. ['--cluster-enabled', 'yes']. */
  args?: readonly string[];
  /** Reuse a port (a restart of a cluster node keeps its address). */
  port?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  if (!existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} is missing: apt-get install -y redis-server`);
  const dataDir = makeTempDir('parley-redis-');
  let port = options.port ?? (await freePort());
  const args = () => [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dataDir,
    '--save', '',
    '--appendonly', options.appendonly === false ? 'no' : 'yes',
    '--appendfsync', options.appendfsync ?? 'always',
    '--daemonize', 'no',
    '--logfile', '',
    ...(options.args ?? []),
  ];
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        child = await spawnReady(args());
        return;
      } catch (error) {
        // Another process took the free port between the probe and the bind: pick another (not on a restart).
        if (attempt >= 3 || options.port !== undefined || !String(error).includes('Address already in use')) throw error;
        port = await freePort();
      }
    }
  };
  await launch();
  const killChild = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  };
  return {
    get port() {
      return port;
    },
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    get pid() {
      if (child.pid === undefined) throw new Error('redis-server has no pid');
      return child.pid;
    },
    dataDir,
    kill: () => killChild('SIGKILL'),
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    restart: async () => {
      await killChild('SIGKILL');
      await launch();
    },
    stop: async () => {
      child.kill('SIGCONT');
      await killChild('SIGKILL');
      // A background rewrite forked before the kill may still be writing its file: rmSync retries ENOTEMPTY.
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
    },
  };
}

function spawnReady(args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`redis-server exited (${code ?? signal}) before it was ready: ${output.slice(-2000)}`)));
  });
}

/**
 * A MONITOR connection to the Redis at `url`; disconnect it when done. ioredis's monitor() opens a connection of its
 * own, so the client it is called on is made lazy and never connects (a connected one would be left open, and print
 * ECONNREFUSED once its server stops).
 */
export function monitorRedis(url: string): Promise<Redis> {
  return new Redis(url, { lazyConnect: true }).monitor();
}
