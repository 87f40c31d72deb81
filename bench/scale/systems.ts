// Starts one system of bench:scale on this machine, every process on 127.0.0.1 and free ports, with fresh data
// directories, and stops it again (the directories removed). Whatever is started is also ended by the bench's
// exit handlers (bench/relay/processes.ts) if the run dies half way.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, onCleanup, type Placement, type ServerProcess } from '../relay/processes';
import { startRelay, startSocketIoServer, type LoadTarget } from '../relay/system-run';
import { startTestRedis, type TestRedis } from '../../test/support/redis-server';
import { sharedBlobs } from '../../test/support/shared-blobs';
import type { ScaleOptions, ScaleSystem } from './options';
import { redisCounters, type RedisCounters } from './redis-counters';

export interface RunningSystem {
  target: LoadTarget;
  stop(): Promise<void>;
}

export async function startScaleSystem(
  system: ScaleSystem,
  options: Pick<ScaleOptions, 'nodes' | 'redisFsync' | 'serverNodeArgs'>,
  placement: Placement,
): Promise<RunningSystem> {
  const dir = mkdtempSync(join(tmpdir(), `parley-scale-${system}-`));
  const servers: ServerProcess[] = [];
  let redis: TestRedis | undefined;
  let counters: RedisCounters | undefined;
  const blobs = system === 'parley-redis' ? sharedBlobs() : undefined;
  const removeFiles = () => {
    rmSync(dir, { recursive: true, force: true });
    blobs?.remove();
  };
  // If the bench dies: Redis is not a child the bench's handlers know, so it is killed here by pid.
  const forgetCleanup = onCleanup(() => {
    if (redis !== undefined) process.kill(redis.pid, 'SIGKILL');
    removeFiles();
  });
  const stop = async () => {
    counters?.close();
    await Promise.all(servers.map((server) => server.stop()));
    await redis?.stop();
    removeFiles();
    forgetCleanup();
  };
  try {
    if (system === 'parley-sqlite') {
      servers.push(await startRelay({ cwd: REPO_ROOT, dataDir: dir, env: { PARLEY_RELAY_METRICS_PORT: 'off' }, nodeArgs: options.serverNodeArgs, placement }));
    } else {
      // Parley's Redis keeps mailboxes: AOF, fsync as asked. socket.io's only carries the adapter's stream: no persistence.
      redis = system === 'parley-redis' ? await startTestRedis({ appendfsync: options.redisFsync }) : await startTestRedis({ appendonly: false });
      counters = redisCounters(redis.url);
      const url = redis.url;
      const startNode = (node: number) =>
        system === 'parley-redis'
          ? startRelay({
              cwd: REPO_ROOT,
              dataDir: join(dir, `node-${node}`),
              env: { PARLEY_STORE: 'redis', PARLEY_REDIS_URL: url, PARLEY_RELAY_METRICS_PORT: 'off', ...blobs!.env },
              nodeArgs: options.serverNodeArgs,
              placement,
            })
          : startSocketIoServer({ BENCH_SOCKETIO_REDIS_URL: url }, options.serverNodeArgs, placement);
      const started = await Promise.allSettled(Array.from({ length: options.nodes }, (_, node) => startNode(node)));
      for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
      const failed = started.find((result) => result.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const pids = [...servers.map((server) => server.pid), ...(redis === undefined ? [] : [redis.pid])];
  return {
    target: {
      driver: system === 'socketio-redis' ? 'socketio' : 'parley',
      urls: servers.map((server) => server.url),
      pids,
      counters: counters === undefined ? undefined : () => counters!.read(),
    },
    stop,
  };
}
