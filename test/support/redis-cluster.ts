// Starts a Redis Cluster of `masters` masters (no replicas) from Debian's redis-server for tests: each node on a free
// loopback port with a free cluster-bus port and its own data directory; redis-cli joins them and the cluster is
// returned once every node reports cluster_state:ok and knows every other. stop() ends the nodes and deletes their
// directories. Without redis-cli (package redis-tools) `redisCliMissing` says so, for a skip with the true reason.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { freePort, startTestRedis, type TestRedis } from './redis-server';

const REDIS_CLI = '/usr/bin/redis-cli';

export const redisCliMissing = existsSync(REDIS_CLI) ? undefined : `${REDIS_CLI} is missing (apt-get install -y redis-tools)`;

export interface TestRedisCluster {
  nodes: TestRedis[];
  /** One URL per master: what PARLEY_REDIS_URL holds for a cluster. */
  urls: string[];
  /** Deletes every key on every master. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestRedisCluster(masters = 3): Promise<TestRedisCluster> {
  const nodes: TestRedis[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      nodes.push(
        await startTestRedis({
          // The cluster's own durability is not what these tests are about: no AOF keeps them lean.
          appendonly: false,
          args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(await freePort())],
        }),
      );
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run(REDIS_CLI, ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    await Promise.all(nodes.map((node) => untilClusterReady(node.url, masters)));
  } catch (error) {
    await Promise.all(nodes.map((node) => node.stop()));
    throw error;
  }
  const urls = nodes.map((node) => node.url);
  return {
    nodes,
    urls,
    flush: async () => {
      await Promise.all(urls.map((url) => withClient(url, (client) => client.flushall())));
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

/** Polls the node's own view (a state, not a time) until it serves every slot and knows every master. */
async function untilClusterReady(url: string, masters: number): Promise<void> {
  await withClient(url, async (client) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const info = String(await client.cluster('INFO'));
      if (info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${masters}`)) return;
      if (Date.now() > deadline) throw new Error(`Redis Cluster node ${url} not ready: ${info}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
}
