// The relay store on Redis (PARLEY_STORE=redis): one Redis, or a Redis Cluster when several URLs are given. Keys and
// scripts are laid out per user slot (redis-keys.ts), so both run the same code. Mailbox batches overlap; what the
// store contract's call order promises holds per mailbox and per sent envelope (write-order.ts). A write resolves when Redis answered it, which is as
// durable as Redis's AOF setting makes it (redis-durability.ts reports which promise holds).
import { Cluster, Redis } from 'ioredis';
import { normalizeUsername, type Address } from '../../../shared/protocol';
import {
  StoreError,
  type BundleRequest,
  type DeviceLink,
  type DeviceRecord,
  type LinkOutcome,
  type MailboxWriteBatch,
  type MailboxWriteResult,
  type NewDevice,
  type PrekeyCount,
  type PrekeyUpload,
  type PublishOutcome,
  type RegisterOutcome,
  type RelayStore,
  type StoredDelivery,
  type TakeBundlesOutcome,
} from '../relay-store';
import { redisKeys } from './redis-keys';
import { RedisMailboxes } from './redis-mailboxes';
import { RedisPrekeyStore } from './redis-prekeys';
import { LINK_DEVICE, REGISTER, REMOVE_DEVICE, runScript, type RedisClient } from './redis-scripts';

export interface RedisStoreOptions {
  /** One URL: a single Redis. Several: seed nodes of a Redis Cluster. */
  urls: readonly string[];
  /** How long a dedup record outlives the last delivery of its envelope. */
  dedupRetentionMs: number;
  /** Replicas that must acknowledge a mailbox append before `sent` (Redis WAIT); 0 or absent: no WAIT. */
  waitReplicas?: number;
  /** How long WAIT may take before the sends of that batch fail (and are resent). */
  waitTimeoutMs?: number;
}

/** A dedup record whose deliveries never all get acked still goes after this long (and never before the retention). */
const DEDUP_CEILING_MS = 90 * 86_400_000;

export function connectRedis(urls: readonly string[]): RedisClient {
  const [first, ...rest] = urls;
  if (first === undefined) throw new StoreError('store_failed', 'no Redis URL given');
  const options = { enableAutoPipelining: true, lazyConnect: true };
  if (rest.length === 0) return new Redis(first, options);
  return new Cluster(
    urls.map((url) => {
      const parsed = new URL(url);
      return { host: parsed.hostname, port: Number(parsed.port || 6379) };
    }),
    { ...options, redisOptions: redisOptionsOf(first) },
  );
}

export async function openRedisStore(options: RedisStoreOptions): Promise<RedisRelayStore> {
  const redis = connectRedis(options.urls);
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new StoreError('store_failed', `cannot reach Redis: ${(error as Error).message}`);
  }
  return new RedisRelayStore(redis, options);
}

export class RedisRelayStore implements RelayStore {
  private readonly mailboxes: RedisMailboxes;
  private readonly prekeys: RedisPrekeyStore;
  /** Mailbox batches submitted and not yet settled: close waits for them. */
  private readonly batches = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    readonly redis: RedisClient,
    options: Pick<RedisStoreOptions, 'dedupRetentionMs' | 'waitReplicas' | 'waitTimeoutMs'>,
  ) {
    this.mailboxes = new RedisMailboxes(redis, {
      dedupRetentionMs: options.dedupRetentionMs,
      dedupCeilingMs: Math.max(DEDUP_CEILING_MS, options.dedupRetentionMs),
      waitReplicas: options.waitReplicas ?? 0,
      waitTimeoutMs: options.waitTimeoutMs ?? 1_000,
    });
    this.prekeys = new RedisPrekeyStore(redis, () => this.assertOpen());
  }

  async registerDevice(device: NewDevice): Promise<RegisterOutcome> {
    this.assertOpen();
    const user = normalizeUsername(device.address.user);
    const record = JSON.stringify({ identityKey: device.identityKey, registeredAt: device.registeredAt });
    return (await runScript(this.redis, REGISTER, [redisKeys.devices(user)], [device.address.device, record, device.identityKey])) as RegisterOutcome;
  }

  async findDevice(address: Address): Promise<DeviceRecord | undefined> {
    this.assertOpen();
    const user = normalizeUsername(address.user);
    const [json, seen] = await Promise.all([
      this.redis.hget(redisKeys.devices(user), String(address.device)),
      this.redis.hget(redisKeys.lastSeen(user), String(address.device)),
    ]);
    return json === null ? undefined : deviceRecord(user, address.device, json, seen ?? undefined);
  }

  async linkDevice(link: DeviceLink): Promise<LinkOutcome> {
    this.assertOpen();
    const user = normalizeUsername(link.user);
    const record = JSON.stringify({ identityKey: link.identityKey, registeredAt: link.linkedAt, certificate: link.certificate, name: link.name });
    const [status, device] = (await runScript(this.redis, LINK_DEVICE, [redisKeys.devices(user), redisKeys.lastDevice(user)], [link.identityKey, record, link.maxDevices])) as [
      LinkOutcome['status'],
      number,
    ];
    return status === 'linked' || status === 'already_linked' ? { status, device } : { status };
  }

  async listDevices(user: string): Promise<DeviceRecord[]> {
    this.assertOpen();
    const name = normalizeUsername(user);
    const [devices, seen] = await Promise.all([this.redis.hgetall(redisKeys.devices(name)), this.redis.hgetall(redisKeys.lastSeen(name))]);
    return Object.entries(devices)
      .map(([id, json]) => deviceRecord(name, Number(id), json, seen[id]))
      .sort((a, b) => a.address.device - b.address.device);
  }

  async removeDevice(address: Address, _now: number): Promise<boolean> {
    this.assertOpen();
    const device = { user: normalizeUsername(address.user), device: address.device };
    const { user } = device;
    const removed = await runScript(
      this.redis,
      REMOVE_DEVICE,
      [
        redisKeys.devices(user),
        redisKeys.lastDevice(user),
        redisKeys.lastSeen(user),
        redisKeys.signedPrekeys(user),
        redisKeys.lastResortKemPrekeys(user),
        redisKeys.mailbox(device),
        redisKeys.mailboxIndex(device),
        redisKeys.prekeyQueue(device, 'otk'),
        redisKeys.prekeyValues(device, 'otk'),
        redisKeys.prekeyQueue(device, 'kem'),
        redisKeys.prekeyValues(device, 'kem'),
        redisKeys.prekeyArrivals(device),
      ],
      [device.device],
    );
    return removed === 1;
  }

  async touchDevice(address: Address, at: number): Promise<void> {
    this.assertOpen();
    await this.redis.hset(redisKeys.lastSeen(normalizeUsername(address.user)), String(address.device), String(at));
  }

  commitMailboxBatch(batch: MailboxWriteBatch): Promise<MailboxWriteResult> {
    if (this.closed) return Promise.reject(new StoreError('store_closed', 'the relay store is closed'));
    const result = this.mailboxes.write(batch);
    const settled = result.catch(() => undefined).finally(() => this.batches.delete(settled));
    this.batches.add(settled);
    return result;
  }

  async pageMailbox(mailbox: Address, afterSeq: number, limit: number): Promise<StoredDelivery[]> {
    this.assertOpen();
    return this.mailboxes.page(mailbox, afterSeq, limit);
  }

  async pendingCount(mailbox: Address): Promise<number> {
    this.assertOpen();
    return this.mailboxes.pendingCount(mailbox);
  }

  /** Redis expires dedup records itself (a TTL set when an envelope's last delivery is acked): nothing to prune. */
  async pruneDedupRecords(): Promise<number> {
    this.assertOpen();
    return 0;
  }

  publishPrekeys(upload: PrekeyUpload): Promise<PublishOutcome> {
    return this.prekeys.publishPrekeys(upload);
  }

  countPrekeys(device: Address): Promise<PrekeyCount> {
    return this.prekeys.countPrekeys(device);
  }

  takePrekeyBundles(request: BundleRequest, limit: number): Promise<TakeBundlesOutcome> {
    return this.prekeys.takePrekeyBundles(request, limit);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.batches);
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('store_closed', 'the relay store is closed');
  }
}

function deviceRecord(user: string, device: number, json: string, seen: string | undefined): DeviceRecord {
  const record = JSON.parse(json) as { identityKey: string; registeredAt: number; certificate?: string; name?: string };
  return {
    address: { user, device },
    identityKey: record.identityKey,
    registeredAt: record.registeredAt,
    ...(record.certificate === undefined ? {} : { certificate: record.certificate }),
    ...(record.name === undefined ? {} : { name: record.name }),
    ...(seen === undefined ? {} : { lastSeenAt: Number(seen) }),
  };
}

/** Credentials and TLS of the first URL apply to every cluster node. */
function redisOptionsOf(url: string): { username?: string; password?: string; tls?: object } {
  const parsed = new URL(url);
  return {
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
