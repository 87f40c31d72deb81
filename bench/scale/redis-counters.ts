// What Redis did, read from INFO: commands executed by name (commandstats, which counts the commands a Lua script
// runs as well as the EVALSHA that ran it) and CPU seconds. The bench reads it when a measured window opens and
// closes, so the differences are the Redis work of that window. Its own INFO calls are left out.
import { Redis } from 'ioredis';

export interface RedisCounters {
  /** Counter name → value: `redis.calls` (every command), `redis.calls.<command>`, `redis.cpuSeconds`. */
  read(): Promise<Record<string, number>>;
  close(): void;
}

export function redisCounters(url: string): RedisCounters {
  const client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
  return {
    read: async () => {
      const [commandstats, cpu] = await Promise.all([client.info('commandstats'), client.info('cpu')]);
      return parseCounters(commandstats, cpu);
    },
    close: () => client.disconnect(),
  };
}

/** Parses INFO commandstats and INFO cpu text (exported for its test). */
export function parseCounters(commandstats: string, cpu: string): Record<string, number> {
  const counters: Record<string, number> = {};
  let total = 0;
  for (const match of commandstats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const command = match[1]!;
    if (command === 'info') continue;
    const calls = Number(match[2]);
    counters[`redis.calls.${command}`] = calls;
    total += calls;
  }
  counters['redis.calls'] = total;
  const seconds = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  counters['redis.cpuSeconds'] = seconds('used_cpu_user') + seconds('used_cpu_sys');
  return counters;
}
