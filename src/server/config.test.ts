import { describe, expect, it } from 'vitest';
import { ConfigError, MAX_PAYLOAD_CEILING, RELAY_SETTINGS, loadRelayConfig } from './config';
import { defaultRelayDataDir } from './data-dir';

describe('loadRelayConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    const config = loadRelayConfig({ HOME: '/home/test' });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8787,
      maxPayloadBytes: 128 * 1024,
      maxRecipientsPerSend: 1000,
      rateLimitPerSecond: 100,
      rateLimitBurst: 500,
      mailboxQuota: 100_000,
      prekeyCap: 1_000,
      prekeyLowThreshold: 20,
      fetchRatePerSecond: 10,
      fetchRateBurst: 200,
      nonceTtlMs: 30_000,
      authTimeoutMs: 10_000,
      provisioningTtlMs: 180_000,
      headersTimeoutMs: 10_000,
      maxUnauthenticated: 2_000,
      maxUnauthenticatedPerAddress: 64,
      abuseThreshold: 20,
      abuseWindowMs: 10_000,
      deliveryWindow: 8192,
      deliveryWindowBytes: 8 * 1024 * 1024,
      shutdownGraceMs: 5_000,
      dedupRetentionMs: 7 * 24 * 3600 * 1000,
      commitGatherMs: 10,
      commitMaxBatch: 2_000,
      durability: 'disk',
      heartbeatIntervalMs: 30_000,
      logLevel: 'info',
    });
    expect(config.dataDir).toMatch(/[Pp]arley/);
  });

  it('reads every variable', () => {
    const config = loadRelayConfig({
      PARLEY_RELAY_HOST: '0.0.0.0',
      PARLEY_RELAY_PORT: '0',
      PARLEY_DATA_DIR: '/srv/parley',
      PARLEY_RELAY_MAX_PAYLOAD_BYTES: '2048',
      PARLEY_RELAY_MAX_RECIPIENTS: '16',
      PARLEY_RELAY_RATE_PER_SECOND: '2.5',
      PARLEY_RELAY_RATE_BURST: '10',
      PARLEY_RELAY_MAILBOX_QUOTA: '50',
      PARLEY_RELAY_PREKEY_CAP: '300',
      PARLEY_RELAY_PREKEY_LOW_THRESHOLD: '0',
      PARLEY_RELAY_FETCH_RATE_PER_SECOND: '0.5',
      PARLEY_RELAY_FETCH_RATE_BURST: '3',
      PARLEY_RELAY_NONCE_TTL_MS: '1000',
      PARLEY_RELAY_AUTH_TIMEOUT_MS: '2000',
      PARLEY_RELAY_PROVISIONING_TTL_MS: '60000',
      PARLEY_RELAY_HEADERS_TIMEOUT_MS: '500',
      PARLEY_RELAY_MAX_UNAUTHENTICATED: '100',
      PARLEY_RELAY_MAX_UNAUTHENTICATED_PER_ADDRESS: '10',
      PARLEY_RELAY_ABUSE_THRESHOLD: '3',
      PARLEY_RELAY_ABUSE_WINDOW_MS: '500',
      PARLEY_RELAY_DELIVERY_WINDOW: '8',
      PARLEY_RELAY_DELIVERY_WINDOW_BYTES: '4096',
      PARLEY_RELAY_SHUTDOWN_GRACE_MS: '100',
      PARLEY_RELAY_DEDUP_RETENTION_MS: '60000',
      PARLEY_RELAY_COMMIT_GATHER_MS: '2',
      PARLEY_RELAY_COMMIT_MAX_BATCH: '100',
      PARLEY_RELAY_DURABILITY: 'PROCESS',
      PARLEY_RELAY_HEARTBEAT_MS: '0',
      PARLEY_RELAY_BLOB_MAX_BYTES: '1000000',
      PARLEY_RELAY_BLOB_QUOTA_BYTES: '5000000',
      PARLEY_RELAY_BLOB_EXPIRY_MS: '86400000',
      PARLEY_RELAY_BLOB_ABANDON_MS: '3600000',
      PARLEY_RELAY_BLOB_TOKEN_TTL_MS: '60000',
      PARLEY_RELAY_BLOB_TOKEN_SECRET: Buffer.alloc(32, 7).toString('base64'),
      PARLEY_RELAY_BLOB_GC_INTERVAL_MS: '5000',
      PARLEY_RELAY_BLOB_UPLOAD_IDLE_MS: '10000',
      PARLEY_RELAY_BLOB_DIR: '/mnt/shared/parley-blobs',
      PARLEY_RELAY_LOG_LEVEL: 'debug',
      PARLEY_RELAY_METRICS_HOST: '10.1.2.3',
      PARLEY_RELAY_METRICS_PORT: 'off',
      PARLEY_STORE: 'Redis',
      PARLEY_REDIS_URL: 'redis://10.0.0.1:7000, redis://10.0.0.2:7000,rediss://user:secret@10.0.0.3:7000',
      PARLEY_REDIS_WAIT_REPLICAS: '1',
      PARLEY_REDIS_WAIT_TIMEOUT_MS: '250',
    });
    expect(config).toEqual({
      host: '0.0.0.0',
      port: 0,
      dataDir: '/srv/parley',
      store: 'redis',
      redisUrls: ['redis://10.0.0.1:7000', 'redis://10.0.0.2:7000', 'rediss://user:secret@10.0.0.3:7000'],
      redisWaitReplicas: 1,
      redisWaitTimeoutMs: 250,
      maxPayloadBytes: 2048,
      maxRecipientsPerSend: 16,
      rateLimitPerSecond: 2.5,
      rateLimitBurst: 10,
      mailboxQuota: 50,
      prekeyCap: 300,
      prekeyLowThreshold: 0,
      fetchRatePerSecond: 0.5,
      fetchRateBurst: 3,
      nonceTtlMs: 1000,
      authTimeoutMs: 2000,
      provisioningTtlMs: 60_000,
      headersTimeoutMs: 500,
      maxUnauthenticated: 100,
      maxUnauthenticatedPerAddress: 10,
      abuseThreshold: 3,
      abuseWindowMs: 500,
      deliveryWindow: 8,
      deliveryWindowBytes: 4096,
      shutdownGraceMs: 100,
      dedupRetentionMs: 60_000,
      commitGatherMs: 2,
      commitMaxBatch: 100,
      durability: 'process',
      heartbeatIntervalMs: 0,
      blobMaxBytes: 1_000_000,
      blobQuotaBytes: 5_000_000,
      blobExpiryMs: 86_400_000,
      blobAbandonMs: 3_600_000,
      blobTokenTtlMs: 60_000,
      blobTokenSecret: new Uint8Array(Buffer.alloc(32, 7)),
      blobGcIntervalMs: 5000,
      blobUploadIdleMs: 10_000,
      blobDir: '/mnt/shared/parley-blobs',
      metricsHost: '10.1.2.3',
      metricsPort: null,
      logLevel: 'debug',
    });
    expect(RELAY_SETTINGS).toHaveLength(Object.keys(config).length);
  });

  it('needs a Redis URL for the Redis store, and never echoes a URL (it may hold a password)', () => {
    expect(() => loadRelayConfig({ PARLEY_STORE: 'redis' })).toThrow(expect.objectContaining({ variable: 'PARLEY_REDIS_URL' }));
    expect(() => loadRelayConfig({ PARLEY_REDIS_URL: 'redis://:hunter2@x y' })).toThrow(expect.not.objectContaining({ message: expect.stringContaining('hunter2') }));
    expect(loadRelayConfig({})).toMatchObject({ store: 'sqlite', redisUrls: [], blobDir: null });
  });

  it('needs a shared blob directory and token secret for the Redis store (blob records are shared)', () => {
    const redis = { PARLEY_STORE: 'redis', PARLEY_REDIS_URL: 'redis://10.0.0.1:6379' };
    const secret = { PARLEY_RELAY_BLOB_TOKEN_SECRET: Buffer.alloc(32, 7).toString('base64') };
    expect(() => loadRelayConfig({ ...redis, ...secret })).toThrow(expect.objectContaining({ variable: 'PARLEY_RELAY_BLOB_DIR' }));
    expect(() => loadRelayConfig({ ...redis, PARLEY_RELAY_BLOB_DIR: '/mnt/blobs' })).toThrow(expect.objectContaining({ variable: 'PARLEY_RELAY_BLOB_TOKEN_SECRET' }));
    expect(loadRelayConfig({ ...redis, ...secret, PARLEY_RELAY_BLOB_DIR: '/mnt/blobs' })).toMatchObject({ store: 'redis', blobDir: '/mnt/blobs' });
  });

  it('treats an empty value as unset', () => {
    expect(loadRelayConfig({ PARLEY_RELAY_PORT: '', PARLEY_RELAY_HOST: '  ' })).toMatchObject({ port: 8787, host: '127.0.0.1' });
  });

  it.each([
    ['PARLEY_RELAY_PORT', 'abc'],
    ['PARLEY_RELAY_PORT', '-1'],
    ['PARLEY_RELAY_PORT', '65536'],
    ['PARLEY_RELAY_PORT', '80.5'],
    ['PARLEY_RELAY_HOST', 'not a host'],
    ['PARLEY_RELAY_MAX_PAYLOAD_BYTES', String(MAX_PAYLOAD_CEILING + 1)],
    ['PARLEY_RELAY_MAX_PAYLOAD_BYTES', '0'],
    ['PARLEY_RELAY_MAX_RECIPIENTS', '5000'],
    ['PARLEY_RELAY_RATE_PER_SECOND', '0'],
    ['PARLEY_RELAY_RATE_PER_SECOND', 'fast'],
    ['PARLEY_RELAY_MAILBOX_QUOTA', '1e5'],
    ['PARLEY_RELAY_PREKEY_CAP', '0'],
    ['PARLEY_RELAY_BLOB_MAX_BYTES', '0'],
    ['PARLEY_RELAY_BLOB_TOKEN_SECRET', 'c2hvcnQ='], // 5 bytes
    ['PARLEY_RELAY_BLOB_TOKEN_SECRET', 'not base64!'],
    ['PARLEY_RELAY_BLOB_TOKEN_TTL_MS', '10'],
    ['PARLEY_RELAY_PREKEY_LOW_THRESHOLD', '1001'], // above the default cap of 1000
    ['PARLEY_RELAY_MAX_UNAUTHENTICATED_PER_ADDRESS', '2001'], // above the default total of 2000
    ['PARLEY_RELAY_HEADERS_TIMEOUT_MS', '10'],
    ['PARLEY_RELAY_PREKEY_LOW_THRESHOLD', '-1'],
    ['PARLEY_RELAY_FETCH_RATE_PER_SECOND', '0'],
    ['PARLEY_RELAY_FETCH_RATE_BURST', '0'],
    ['PARLEY_RELAY_DURABILITY', 'full'],
    ['PARLEY_RELAY_LOG_LEVEL', 'verbose'],
    ['PARLEY_STORE', 'postgres'],
    ['PARLEY_RELAY_METRICS_PORT', 'on'],
    ['PARLEY_RELAY_METRICS_PORT', '70000'],
    ['PARLEY_REDIS_URL', 'http://10.0.0.1:6379'],
    ['PARLEY_REDIS_URL', 'redis://'],
  ])('rejects %s=%s with a ConfigError naming the variable', (variable, value) => {
    let caught: unknown;
    try {
      loadRelayConfig({ [variable]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toMatchObject({ code: 'invalid_config', variable });
    expect((caught as Error).message).toContain(variable);
  });
});

describe('defaultRelayDataDir', () => {
  it('follows each platform convention', () => {
    expect(defaultRelayDataDir('linux', {}, '/home/ann')).toBe('/home/ann/.local/share/parley/relay');
    expect(defaultRelayDataDir('linux', { XDG_DATA_HOME: '/data' }, '/home/ann')).toBe('/data/parley/relay');
    expect(defaultRelayDataDir('darwin', {}, '/Users/ann')).toBe('/Users/ann/Library/Application Support/Parley/relay');
    expect(defaultRelayDataDir('win32', { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'C:\\Users\\ann')).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\Parley\\relay',
    );
    expect(defaultRelayDataDir('win32', {}, 'C:\\Users\\ann')).toBe('C:\\Users\\ann\\AppData\\Roaming\\Parley\\relay');
  });
});
