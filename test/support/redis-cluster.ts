// Starts a Redis Cluster of `masters` masters, each with `replicas` replicas (none by default), from Debian's
// redis-server for tests: each node on a free loopback port with a free cluster-bus port and its own data directory;
// redis-cli joins them and the cluster is returned once every node reports cluster_state:ok and knows every other,
// and every master has its replicas in sync. stop() ends the nodes and deletes their directories. Without redis-cli
// (package redis-tools) `redisCliMissing` says so, for a skip with the true reason.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { freePort, startTestRedis, type TestRedis } from './redis-server';

const REDIS_CLI = '/usr/bin/redis-cli';

export const redisCliMissing = existsSync(REDIS_CLI) ? undefined : `${REDIS_CLI} is missing (apt-get install -y redis-tools)`;

export interface TestRedisClusterOptions {
  /** Replicas per master (default 0). */
  replicas?: number;
  /** cluster-node-timeout: how long a master may be unreachable before its replica takes over (default Redis's 15 s). */
  nodeTimeoutMs?: number;
}

export interface TestRedisCluster {
  nodes: TestRedis[];
  /** One URL per node (masters and replicas): what PARLEY_REDIS_URL holds for a cluster. */
  urls: string[];
  /** The node currently serving `key` as master, as that node's peers see it. */
  masterOf(key: string): Promise<TestRedis>;
  /** The nodes currently replicating `master`. */
  replicasOf(master: TestRedis): Promise<TestRedis[]>;
  /** Deletes every key on every master. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestRedisCluster(masters = 3, options: TestRedisClusterOptions = {}): Promise<TestRedisCluster> {
  const replicas = options.replicas ?? 0;
  const nodes: TestRedis[] = [];
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      nodes.push(
        await startTestRedis({
          // The cluster's own durability is not what these tests are about: no AOF keeps them lean.
          appendonly: false,
          args: [
            '--cluster-enabled', 'yes',
            '--cluster-config-file', 'nodes.conf',
            '--cluster-port', String(await freePort()),
            ...(options.nodeTimeoutMs === undefined ? [] : ['--cluster-node-timeout', String(options.nodeTimeoutMs)]),
          ],
        }),
      );
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run(REDIS_CLI, ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes']);
    await Promise.all(nodes.map((node) => untilClusterReady(node.url, nodes.length)));
    if (replicas > 0) await Promise.all(nodes.map((node) => untilReplicasInSync(node.url, replicas)));
  } catch (error) {
    await Promise.all(nodes.map((node) => node.stop()));
    throw error;
  }
  const urls = nodes.map((node) => node.url);
  const byPort = (port: number) => {
    const node = nodes.find((n) => n.port === port);
    if (node === undefined) throw new Error(`no test node on port ${port}`);
    return node;
  };
  const anyLiveNode = async <T>(use: (client: Redis) => Promise<T>): Promise<T> => {
    let lastError: unknown;
    for (const node of nodes) {
      try {
        return await withClient(node.url, use);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  };
  return {
    nodes,
    urls,
    masterOf: async (key) => {
      const port = await anyLiveNode(async (client) => {
        const slot = Number(await client.cluster('KEYSLOT', key));
        const ranges = await client.cluster('SLOTS');
        const master = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2];
        if (master === undefined) throw new Error(`no master serves slot ${slot}`);
        return master[1];
      });
      return byPort(port);
    },
    replicasOf: async (master) => {
      const info = await withClient(master.url, (client) => client.info('replication'));
      return [...info.matchAll(/^slave\d+:ip=[^,]+,port=(\d+)/gm)].map((match) => byPort(Number(match[1])));
    },
    flush: async () => {
      await Promise.all(urls.map((url) => withClient(url, (client) => client.flushall().catch((error: Error) => {
        // A replica refuses writes; flushing its master empties it.
        if (!error.message.includes('READONLY')) throw error;
      }))));
    },
    stop: async () => {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
}

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve();
    });
  });
}

async function withClient<T>(url: string, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

/** Polls a master (a state, not a time) until `replicas` replicas are connected and caught up with it. */
async function untilReplicasInSync(url: string, replicas: number): Promise<void> {
  await withClient(url, async (client) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const info = await client.info('replication');
      if (!info.includes('role:master')) return;
      const offset = Number(/master_repl_offset:(\d+)/.exec(info)?.[1] ?? -1);
      const online = [...info.matchAll(/^slave\d+:.*state=online,offset=(\d+)/gm)].filter((match) => Number(match[1]) >= offset);
      if (online.length >= replicas) return;
      if (Date.now() > deadline) throw new Error(`Redis Cluster master ${url} has no replicas in sync: ${info}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
}

/** Polls the node's own view (a state, not a time) until it serves every slot and knows every node. */
async function untilClusterReady(url: string, known: number): Promise<void> {
  await withClient(url, async (client) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const info = String(await client.cluster('INFO'));
      if (info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${known}`)) return;
      if (Date.now() > deadline) throw new Error(`Redis Cluster node ${url} not ready: ${info}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
}
