// Starts an in-process relay for tests: 127.0.0.1, port 0, a fresh temporary data directory, silent logs.
// close() stops the relay and deletes the directory (unless it was passed in by the caller).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRelayConfig, type RelayConfig } from '../../src/server/config';
import { silentLogger, type Logger } from '../../src/server/log';
import { startRelay, type Relay } from '../../src/server/relay';
import type { RelayStore } from '../../src/server/store/relay-store';
import { openSqliteStore } from '../../src/server/store/sqlite/sqlite-store';

export interface TestRelay extends Relay {
  config: RelayConfig;
}

export interface TestRelayOptions {
  /** Reuse a directory (for restarts); the caller then owns and removes it. */
  dataDir?: string;
  logger?: Logger;
  /** Wraps the SQLite store, e.g. to inject failures; the relay closes the wrapper. */
  wrapStore?: (store: RelayStore) => RelayStore;
  /** The relay's clock (default Date.now). */
  now?: () => number;
}

export function makeTempDir(prefix = 'parley-relay-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The relay defaults with test-friendly host, port and logging, plus `overrides`. */
export function testRelayConfig(dataDir: string, overrides: Partial<RelayConfig> = {}): RelayConfig {
  return { ...loadRelayConfig({}), host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent', heartbeatIntervalMs: 0, metricsPort: null, ...overrides };
}

export async function startTestRelay(overrides: Partial<RelayConfig> = {}, options: TestRelayOptions = {}): Promise<TestRelay> {
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? makeTempDir();
  const config = testRelayConfig(dataDir, overrides);
  let relay: Relay;
  try {
    const store = options.wrapStore?.(openSqliteStore({ dataDir, durability: config.durability }));
    relay = await startRelay(config, { logger: options.logger ?? silentLogger, ...(store ? { store } : {}), ...(options.now ? { now: options.now } : {}) });
  } catch (error) {
    if (ownsDir) removeDir(dataDir);
    throw error;
  }
  return {
    ...relay,
    config,
    close: async () => {
      await relay.close();
      if (ownsDir) removeDir(dataDir);
    },
  };
}
