// The durable peer's server: Debian's rabbitmq-server, started by the bench as a child of its own on free loopback
// ports (AMQP, Erlang distribution and a private epmd), with a fresh node name, data directory, config and log
// (stdout), no plugins. The Erlang VM is exec'd directly (RUNNING_UNDER_SYSTEMD), so the child's pid is the broker's
// and CPU and memory are measured on it. stop() ends the broker and its epmd; the data directory is removed.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup, registerChild, type Placement, type ServerProcess } from './processes';

/** Where Debian puts the server's own start script (the /usr/sbin wrapper insists on the rabbitmq user). */
const RABBITMQ_SBIN = '/usr/lib/rabbitmq/lib';
const START_TIMEOUT_MS = 90_000;

export function rabbitmqInstalled(): boolean {
  return existsSync('/usr/sbin/rabbitmq-server') && findScript() !== undefined;
}

function findScript(): string | undefined {
  if (!existsSync(RABBITMQ_SBIN)) return undefined;
  const version = readdirSync(RABBITMQ_SBIN).find((name) => name.startsWith('rabbitmq_server-'));
  return version === undefined ? undefined : join(RABBITMQ_SBIN, version, 'sbin', 'rabbitmq-server');
}

/** A free TCP port on 127.0.0.1 (closed again before returning; the broker binds it right after). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startRabbitMq(placement: Placement): Promise<ServerProcess> {
  const script = findScript();
  if (script === undefined) throw new Error('rabbitmq-server is not installed (apt-get install rabbitmq-server)');
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-rabbitmq-'));
  const [amqpPort, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [`listeners.tcp.1 = 127.0.0.1:${amqpPort}`, 'loopback_users = none', 'log.console = true', 'log.console.level = info', ''].join('\n'),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dir,
    RUNNING_UNDER_SYSTEMD: 'true',
    RABBITMQ_NODENAME: `parleybench${process.pid}${amqpPort}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_LOGS: '-',
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  const stopEpmd = () => {
    try {
      const epmd = readdirSync('/usr/lib/erlang').find((name) => name.startsWith('erts-'));
      if (epmd !== undefined) execFileSync(join('/usr/lib/erlang', epmd, 'bin', 'epmd'), ['-port', String(epmdPort), '-kill'], { stdio: 'ignore', env });
    } catch {
      // Not running (or already gone).
    }
  };
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const forget = onCleanup(() => {
    stopEpmd();
    removeDir();
  });
  const command = [
    ...(placement.nice === undefined ? [] : ['nice', '-n', String(placement.nice)]),
    ...(placement.cpus === undefined ? [] : ['taskset', '-c', placement.cpus]),
    script,
  ];
  const child = spawn(command[0]!, command.slice(1), { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  registerChild(child);
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const remember = (line: string) => {
    output.push(line);
    if (output.length > 50) output.shift();
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rabbitmq-server did not start within ${START_TIMEOUT_MS} ms:\n${output.join('\n')}`)), START_TIMEOUT_MS);
    const watch = (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line === '') continue;
        remember(line);
        if (line.includes('Server startup complete')) {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout?.setEncoding('utf8').on('data', watch);
    child.stderr?.setEncoding('utf8').on('data', watch);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`rabbitmq-server exited before it was ready:\n${output.join('\n')}`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('rabbitmq-server has no pid');
  return {
    pid,
    url: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
    output,
    stop: async (timeoutMs = 30_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        await exited;
        clearTimeout(timer);
      }
      stopEpmd();
      removeDir();
      forget();
    },
  };
}
