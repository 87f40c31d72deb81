// The one home of relay configuration: every setting, its environment variable, its default and its validation.
// Nothing else in src/server reads process.env.
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { CodedError } from '../shared/base';
import { MAX_ATTACHMENT_CIPHERTEXT_BYTES } from '../shared/media/attachmentFormat';
import { MAX_FRAME_BYTES, MAX_RECIPIENTS_PER_SEND } from '../shared/protocol';
import { defaultRelayDataDir } from './data-dir';

/** `disk`: answer `sent` once the write is fsynced (survives power loss); `process`: once it reached the OS (survives a relay crash). */
export type Durability = 'disk' | 'process';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
/** `sqlite`: the embedded database in the data directory; `redis`: a shared Redis (or Redis Cluster) at `redisUrls`. */
export type StoreKind = 'sqlite' | 'redis';

export interface RelayConfig {
  /** Interface to listen on. */
  host: string;
  /** TCP port; 0 picks any free port. */
  port: number;
  /** Directory holding the SQLite database; created if missing. */
  dataDir: string;
  /** Where accounts, mailboxes and prekeys live. */
  store: StoreKind;
  /** Redis URLs when `store` is `redis`: one for a single Redis, several (seed nodes) for a Redis Cluster. */
  redisUrls: readonly string[];
  /** Replicas every Redis master must have acknowledged a mailbox append on (WAIT) before `sent`; 0: no WAIT. */
  redisWaitReplicas: number;
  /** How long that WAIT may take before the sends fail (the devices resend). */
  redisWaitTimeoutMs: number;
  /** Largest decoded payload of one `send`. */
  maxPayloadBytes: number;
  /** Most recipient addresses in one `send`. */
  maxRecipientsPerSend: number;
  /** Token-bucket refill rate of `send` frames per device, per second. */
  rateLimitPerSecond: number;
  /** Token-bucket capacity: sends a device may burst before being limited. */
  rateLimitBurst: number;
  /** Most pending (unacked) envelopes in one device mailbox. */
  mailboxQuota: number;
  /** Most one-time prekeys the relay holds for one device; a publish beyond it stores nothing. */
  prekeyCap: number;
  /** A fetch that leaves a device with fewer one-time prekeys than this pushes `prekeys_low` to it; 0 never does. */
  prekeyLowThreshold: number;
  /** Token-bucket refill rate of `fetch_prekeys` frames per device, per second. */
  fetchRatePerSecond: number;
  /** Token-bucket capacity: prekey fetches a device may burst before being limited. */
  fetchRateBurst: number;
  /** Lifetime of an auth challenge nonce. */
  nonceTtlMs: number;
  /** Time a new socket has to send its register/auth frame. */
  authTimeoutMs: number;
  /** How long a provisioning address (a device waiting to be linked) stays usable; the client then asks for a new one. */
  provisioningTtlMs: number;
  /** Time a new TCP connection has to send complete HTTP request headers (the WebSocket upgrade included). */
  headersTimeoutMs: number;
  /** Connections not yet authenticated, at once, in total; past it new connections are cut at accept. */
  maxUnauthenticated: number;
  /** Connections not yet authenticated, at once, from one remote address. */
  maxUnauthenticatedPerAddress: number;
  /** Rejected frames within `abuseWindowMs` that close the connection with 4011. */
  abuseThreshold: number;
  abuseWindowMs: number;
  /** Most deliveries pushed to one connection and not yet acked. */
  deliveryWindow: number;
  /** Most payload bytes pushed to one connection and not yet acked; at least one delivery always goes. */
  deliveryWindowBytes: number;
  /** How long shutdown waits for sockets to close before cutting them. */
  shutdownGraceMs: number;
  /** Least time a (sender, messageId) dedup record is kept after the relay accepted the send (docs/protocol.md, "Dedup"). */
  dedupRetentionMs: number;
  /** Least time between the starts of two group commits of sends; 0 lets every event-loop turn commit. */
  commitGatherMs: number;
  /** Most sends and acks in one group-commit transaction. */
  commitMaxBatch: number;
  /** When `sent` is answered: after an fsync of the write-ahead log (`disk`) or once the OS has it (`process`). */
  durability: Durability;
  /** Interval of WebSocket-level pings that detect dead sockets; 0 disables them. */
  heartbeatIntervalMs: number;
  /** Largest blob (attachment ciphertext) one upload may declare. */
  blobMaxBytes: number;
  /** Blob bytes one account may hold on the relay, finished uploads and unfinished ones. */
  blobQuotaBytes: number;
  /** How long a finished blob stays downloadable. */
  blobExpiryMs: number;
  /** An unfinished upload with no activity for this long is deleted. */
  blobAbandonMs: number;
  /** Lifetime of blob upload and download tokens. */
  blobTokenTtlMs: number;
  /** HMAC key for blob tokens, shared by relays that serve one blob store; null: a key file in the data directory. */
  blobTokenSecret: Uint8Array | null;
  /** Directory of blob bytes; null: `<dataDir>/blobs`. With the Redis store, one directory every relay reaches. */
  blobDir: string | null;
  /** Interval of blob garbage collection. */
  blobGcIntervalMs: number;
  /** An upload (PATCH) body that sends nothing for this long is cut, its bytes so far kept. */
  blobUploadIdleMs: number;
  /** Interface of the Prometheus metrics listener (loopback unless an operator opens it). */
  metricsHost: string;
  /** Port of the metrics listener; 0 picks any free port; null serves no metrics. */
  metricsPort: number | null;
  logLevel: LogLevel;
}

export class ConfigError extends CodedError<'invalid_config'> {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super('invalid_config', message);
  }
}

/** Largest payload that still fits in a `deliver` frame with room for the envelope's other fields. */
export const MAX_PAYLOAD_CEILING = MAX_FRAME_BYTES - 1024;

type Env = Readonly<Record<string, string | undefined>>;

interface Setting<K extends keyof RelayConfig> {
  key: K;
  variable: string;
  parse: (raw: string, variable: string) => RelayConfig[K];
  fallback: (env: Env) => RelayConfig[K];
}

const setting = <K extends keyof RelayConfig>(s: Setting<K>): Setting<K> => s;

/** Every setting, in the order docs/operations.md lists them. */
export const RELAY_SETTINGS = [
  setting({ key: 'host', variable: 'PARLEY_RELAY_HOST', parse: parseHost, fallback: () => '127.0.0.1' }),
  setting({ key: 'port', variable: 'PARLEY_RELAY_PORT', parse: int(0, 65_535), fallback: () => 8787 }),
  setting({
    key: 'dataDir',
    variable: 'PARLEY_DATA_DIR',
    parse: (raw) => raw,
    fallback: (env) => defaultRelayDataDir(process.platform, env, homedir()),
  }),
  setting({ key: 'store', variable: 'PARLEY_STORE', parse: oneOf(['sqlite', 'redis'] as const), fallback: () => 'sqlite' }),
  setting({ key: 'redisUrls', variable: 'PARLEY_REDIS_URL', parse: parseRedisUrls, fallback: () => [] }),
  setting({ key: 'redisWaitReplicas', variable: 'PARLEY_REDIS_WAIT_REPLICAS', parse: int(0, 16), fallback: () => 0 }),
  setting({ key: 'redisWaitTimeoutMs', variable: 'PARLEY_REDIS_WAIT_TIMEOUT_MS', parse: int(1, 60_000), fallback: () => 1_000 }),
  setting({ key: 'maxPayloadBytes', variable: 'PARLEY_RELAY_MAX_PAYLOAD_BYTES', parse: int(1, MAX_PAYLOAD_CEILING), fallback: () => 128 * 1024 }),
  setting({ key: 'maxRecipientsPerSend', variable: 'PARLEY_RELAY_MAX_RECIPIENTS', parse: int(1, MAX_RECIPIENTS_PER_SEND), fallback: () => 1000 }),
  setting({ key: 'rateLimitPerSecond', variable: 'PARLEY_RELAY_RATE_PER_SECOND', parse: positiveNumber(1_000_000), fallback: () => 100 }),
  setting({ key: 'rateLimitBurst', variable: 'PARLEY_RELAY_RATE_BURST', parse: int(1, 10_000_000), fallback: () => 500 }),
  setting({ key: 'mailboxQuota', variable: 'PARLEY_RELAY_MAILBOX_QUOTA', parse: int(1, 1_000_000_000), fallback: () => 100_000 }),
  setting({ key: 'prekeyCap', variable: 'PARLEY_RELAY_PREKEY_CAP', parse: int(1, 100_000), fallback: () => 1_000 }),
  setting({ key: 'prekeyLowThreshold', variable: 'PARLEY_RELAY_PREKEY_LOW_THRESHOLD', parse: int(0, 100_000), fallback: () => 20 }),
  setting({ key: 'fetchRatePerSecond', variable: 'PARLEY_RELAY_FETCH_RATE_PER_SECOND', parse: positiveNumber(1_000_000), fallback: () => 10 }),
  setting({ key: 'fetchRateBurst', variable: 'PARLEY_RELAY_FETCH_RATE_BURST', parse: int(1, 10_000_000), fallback: () => 200 }),
  setting({ key: 'nonceTtlMs', variable: 'PARLEY_RELAY_NONCE_TTL_MS', parse: int(1, 3_600_000), fallback: () => 30_000 }),
  setting({ key: 'authTimeoutMs', variable: 'PARLEY_RELAY_AUTH_TIMEOUT_MS', parse: int(1, 3_600_000), fallback: () => 10_000 }),
  setting({ key: 'provisioningTtlMs', variable: 'PARLEY_RELAY_PROVISIONING_TTL_MS', parse: int(1, 3_600_000), fallback: () => 180_000 }),
  setting({ key: 'headersTimeoutMs', variable: 'PARLEY_RELAY_HEADERS_TIMEOUT_MS', parse: int(100, 600_000), fallback: () => 10_000 }),
  setting({ key: 'maxUnauthenticated', variable: 'PARLEY_RELAY_MAX_UNAUTHENTICATED', parse: int(1, 1_000_000), fallback: () => 2_000 }),
  setting({
    key: 'maxUnauthenticatedPerAddress',
    variable: 'PARLEY_RELAY_MAX_UNAUTHENTICATED_PER_ADDRESS',
    parse: int(1, 1_000_000),
    fallback: () => 64,
  }),
  setting({ key: 'abuseThreshold', variable: 'PARLEY_RELAY_ABUSE_THRESHOLD', parse: int(1, 1_000_000_000), fallback: () => 20 }),
  setting({ key: 'abuseWindowMs', variable: 'PARLEY_RELAY_ABUSE_WINDOW_MS', parse: int(1, 86_400_000), fallback: () => 10_000 }),
  setting({ key: 'deliveryWindow', variable: 'PARLEY_RELAY_DELIVERY_WINDOW', parse: int(1, 100_000), fallback: () => 8192 }),
  setting({
    key: 'deliveryWindowBytes',
    variable: 'PARLEY_RELAY_DELIVERY_WINDOW_BYTES',
    parse: int(1, 1024 * 1024 * 1024),
    fallback: () => 8 * 1024 * 1024,
  }),
  setting({ key: 'shutdownGraceMs', variable: 'PARLEY_RELAY_SHUTDOWN_GRACE_MS', parse: int(0, 600_000), fallback: () => 5_000 }),
  setting({ key: 'dedupRetentionMs', variable: 'PARLEY_RELAY_DEDUP_RETENTION_MS', parse: int(0, 365 * 86_400_000), fallback: () => 7 * 86_400_000 }),
  setting({ key: 'commitGatherMs', variable: 'PARLEY_RELAY_COMMIT_GATHER_MS', parse: int(0, 1_000), fallback: () => 10 }),
  setting({ key: 'commitMaxBatch', variable: 'PARLEY_RELAY_COMMIT_MAX_BATCH', parse: int(1, 100_000), fallback: () => 2_000 }),
  setting({ key: 'durability', variable: 'PARLEY_RELAY_DURABILITY', parse: oneOf(['disk', 'process'] as const), fallback: () => 'disk' }),
  setting({ key: 'heartbeatIntervalMs', variable: 'PARLEY_RELAY_HEARTBEAT_MS', parse: int(0, 3_600_000), fallback: () => 30_000 }),
  setting({ key: 'blobMaxBytes', variable: 'PARLEY_RELAY_BLOB_MAX_BYTES', parse: int(1, 2 ** 40), fallback: () => MAX_ATTACHMENT_CIPHERTEXT_BYTES }),
  setting({ key: 'blobQuotaBytes', variable: 'PARLEY_RELAY_BLOB_QUOTA_BYTES', parse: int(1, 2 ** 50), fallback: () => 10 * 1024 ** 3 }),
  setting({ key: 'blobExpiryMs', variable: 'PARLEY_RELAY_BLOB_EXPIRY_MS', parse: int(1, 3650 * 86_400_000), fallback: () => 30 * 86_400_000 }),
  setting({ key: 'blobAbandonMs', variable: 'PARLEY_RELAY_BLOB_ABANDON_MS', parse: int(1, 365 * 86_400_000), fallback: () => 86_400_000 }),
  setting({ key: 'blobTokenTtlMs', variable: 'PARLEY_RELAY_BLOB_TOKEN_TTL_MS', parse: int(1_000, 86_400_000), fallback: () => 15 * 60_000 }),
  setting({ key: 'blobTokenSecret', variable: 'PARLEY_RELAY_BLOB_TOKEN_SECRET', parse: parseSecret, fallback: () => null }),
  setting({ key: 'blobDir', variable: 'PARLEY_RELAY_BLOB_DIR', parse: (raw) => raw, fallback: () => null }),
  setting({ key: 'blobGcIntervalMs', variable: 'PARLEY_RELAY_BLOB_GC_INTERVAL_MS', parse: int(1_000, 86_400_000), fallback: () => 60 * 60_000 }),
  setting({ key: 'blobUploadIdleMs', variable: 'PARLEY_RELAY_BLOB_UPLOAD_IDLE_MS', parse: int(100, 3_600_000), fallback: () => 30_000 }),
  setting({ key: 'metricsHost', variable: 'PARLEY_RELAY_METRICS_HOST', parse: parseHost, fallback: () => '127.0.0.1' }),
  setting({ key: 'metricsPort', variable: 'PARLEY_RELAY_METRICS_PORT', parse: portOrOff, fallback: () => 9464 }),
  setting({
    key: 'logLevel',
    variable: 'PARLEY_RELAY_LOG_LEVEL',
    parse: oneOf(['debug', 'info', 'warn', 'error', 'silent'] as const),
    fallback: () => 'info',
  }),
] as const;

/** Reads and validates the relay configuration; throws a ConfigError naming the variable on a bad value. */
export function loadRelayConfig(env: Env = process.env): RelayConfig {
  const values: Partial<Record<keyof RelayConfig, unknown>> = {};
  for (const s of RELAY_SETTINGS) {
    const raw = env[s.variable];
    values[s.key] = raw === undefined || raw.trim() === '' ? s.fallback(env) : (s.parse as (r: string, v: string) => unknown)(raw.trim(), s.variable);
  }
  return validateRelayConfig(values as RelayConfig);
}

/** Checks the rules that involve more than one setting; returns the config unchanged. */
export function validateRelayConfig(config: RelayConfig): RelayConfig {
  if (config.dataDir.trim() === '') throw new ConfigError('PARLEY_DATA_DIR', 'PARLEY_DATA_DIR must not be empty');
  if (config.store === 'redis' && config.redisUrls.length === 0) {
    throw new ConfigError('PARLEY_REDIS_URL', 'PARLEY_REDIS_URL must name Redis when PARLEY_STORE is redis');
  }
  // On Redis, blob records are shared: every relay must reach the bytes and check the tokens the others issued.
  if (config.store === 'redis' && config.blobDir === null) {
    throw new ConfigError('PARLEY_RELAY_BLOB_DIR', 'PARLEY_RELAY_BLOB_DIR must name a directory every relay reaches when PARLEY_STORE is redis');
  }
  if (config.store === 'redis' && config.blobTokenSecret === null) {
    throw new ConfigError('PARLEY_RELAY_BLOB_TOKEN_SECRET', 'PARLEY_RELAY_BLOB_TOKEN_SECRET must be set, the same on every relay, when PARLEY_STORE is redis');
  }
  if (config.maxPayloadBytes > MAX_PAYLOAD_CEILING) {
    throw new ConfigError('PARLEY_RELAY_MAX_PAYLOAD_BYTES', `PARLEY_RELAY_MAX_PAYLOAD_BYTES must be at most ${MAX_PAYLOAD_CEILING}`);
  }
  if (config.maxRecipientsPerSend > MAX_RECIPIENTS_PER_SEND) {
    throw new ConfigError('PARLEY_RELAY_MAX_RECIPIENTS', `PARLEY_RELAY_MAX_RECIPIENTS must be at most ${MAX_RECIPIENTS_PER_SEND}`);
  }
  if (config.maxUnauthenticatedPerAddress > config.maxUnauthenticated) {
    throw new ConfigError(
      'PARLEY_RELAY_MAX_UNAUTHENTICATED_PER_ADDRESS',
      `PARLEY_RELAY_MAX_UNAUTHENTICATED_PER_ADDRESS must be at most PARLEY_RELAY_MAX_UNAUTHENTICATED (${config.maxUnauthenticated})`,
    );
  }
  if (config.prekeyLowThreshold > config.prekeyCap) {
    throw new ConfigError(
      'PARLEY_RELAY_PREKEY_LOW_THRESHOLD',
      `PARLEY_RELAY_PREKEY_LOW_THRESHOLD must be at most PARLEY_RELAY_PREKEY_CAP (${config.prekeyCap})`,
    );
  }
  return config;
}

function int(min: number, max: number) {
  return (raw: string, variable: string): number => {
    const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new ConfigError(variable, `${variable} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    }
    return value;
  };
}

function positiveNumber(max: number) {
  return (raw: string, variable: string): number => {
    const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isFinite(value) || value <= 0 || value > max) {
      throw new ConfigError(variable, `${variable} must be a number above 0 and at most ${max}, got ${JSON.stringify(raw)}`);
    }
    return value;
  };
}

function oneOf<const T extends readonly string[]>(choices: T) {
  return (raw: string, variable: string): T[number] => {
    const value = raw.toLowerCase();
    const match = choices.find((choice) => choice === value);
    if (match === undefined) {
      throw new ConfigError(variable, `${variable} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
    }
    return match;
  };
}

/** Base64 of at least 32 random bytes. */
function parseSecret(raw: string, variable: string): Uint8Array {
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(raw) ? Buffer.from(raw, 'base64') : Buffer.alloc(0);
  if (bytes.length < 32) throw new ConfigError(variable, `${variable} must be base64 of at least 32 random bytes`);
  return new Uint8Array(bytes);
}

/** A TCP port, or `off`. */
function portOrOff(raw: string, variable: string): number | null {
  if (raw.toLowerCase() === 'off') return null;
  try {
    return int(0, 65_535)(raw, variable);
  } catch {
    throw new ConfigError(variable, `${variable} must be a port from 0 to 65535 or off, got ${JSON.stringify(raw)}`);
  }
}

/** One or more redis:// or rediss:// URLs, separated by commas or spaces. */
function parseRedisUrls(raw: string, variable: string): string[] {
  const urls = raw.split(/[\s,]+/).filter((url) => url !== '');
  for (const url of urls) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || !['redis:', 'rediss:'].includes(parsed.protocol) || parsed.hostname === '') {
      throw new ConfigError(variable, `${variable} must be redis:// or rediss:// URLs separated by commas, got one that is not`);
    }
  }
  return urls;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function parseHost(raw: string, variable: string): string {
  if (isIP(raw) !== 0 || HOSTNAME.test(raw)) return raw;
  throw new ConfigError(variable, `${variable} must be an IP address or host name, got ${JSON.stringify(raw)}`);
}
