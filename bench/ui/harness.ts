// What bench:ui runs against: a real relay in its own process on loopback, browser-shell users (the real core in
// this process + the real renderer build in Debian's Chromium, as in the e2e suite) and headless peers (a real core
// driven through its IPC dispatcher, no UI) to talk to.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser } from '@playwright/test';
import { loadCoreConfig } from '../../src/main/core/config';
import { createCore, type Core } from '../../src/main/core/createCore';
import { FileSecretStore } from '../../src/main/core/secrets';
import { silentLogger } from '../../src/main/core/transport';
import type { InvokeChannel, RequestOf, ResponseOf } from '../../src/shared/ipc';
import { E2eUser, KEEP_NAMES_SHIM } from '../../e2e/support/world';

export const REPO_ROOT = resolve(new URL('../..', import.meta.url).pathname);

export interface RelayProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** `npm run relay` in a child process, on a free loopback port, with its own data folder. */
export async function startRelayProcess(dataDir: string, env: Record<string, string> = {}): Promise<RelayProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/server/main.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, PARLEY_RELAY_HOST: '127.0.0.1', PARLEY_RELAY_PORT: '0', PARLEY_DATA_DIR: dataDir, PARLEY_RELAY_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('the relay did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`the relay exited with ${code}`)));
    lines.on('line', (line) => {
      try {
        const event = JSON.parse(line) as { event?: string; url?: string };
        if (event.event === 'relay.listening' && event.url) {
          clearTimeout(timer);
          resolveUrl(event.url);
        }
      } catch {
        // Not a JSON log line.
      }
    });
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** A user without UI: a real core on its own data folder, driven like the renderer drives it. */
export class HeadlessPeer {
  private constructor(
    readonly username: string,
    readonly core: Core,
  ) {}

  static async create(username: string, relayUrl: string, dataDir: string): Promise<HeadlessPeer> {
    const config = loadCoreConfig({ PARLEY_RELAY_URL: relayUrl }, dataDir);
    const core = await createCore({ shell: 'browser', config, secrets: await FileSecretStore.open(dataDir), links: { open: async () => undefined }, logger: silentLogger });
    const peer = new HeadlessPeer(username, core);
    await peer.call('account.create', { username, relayUrl });
    await waitUntil(() => core.client.connection().state === 'online', `${username} online`, 20_000);
    return peer;
  }

  /** A new device of `primary`'s account, linked through the code it shows (bench:devices). */
  static async linked(primary: HeadlessPeer, relayUrl: string, dataDir: string, name: string): Promise<HeadlessPeer> {
    const config = loadCoreConfig({ PARLEY_RELAY_URL: relayUrl }, dataDir);
    const core = await createCore({ shell: 'browser', config, secrets: await FileSecretStore.open(dataDir), links: { open: async () => undefined }, logger: silentLogger });
    const peer = new HeadlessPeer(primary.username, core);
    const shown = await peer.call('devices.startLinking', { relayUrl, name });
    if (shown.state !== 'waiting') throw new Error(`expected a linking code, got ${shown.state}`);
    await primary.call('devices.link', { code: shown.code });
    await waitUntil(() => core.client.connection().state === 'online', `${name} online`, 30_000);
    return peer;
  }

  async call<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const result = await this.core.dispatch(channel, request, { trusted: true });
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.value as ResponseOf<C>;
  }

  /** Retries while the failure is retryable (a contact's prekeys not published yet, rate limits). */
  async callRetrying<C extends InvokeChannel>(channel: C, request: RequestOf<C>, timeoutMs = 20_000): Promise<ResponseOf<C>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await this.core.dispatch(channel, request, { trusted: true });
      if (result.ok) return result.value as ResponseOf<C>;
      if (!result.error.retryable || Date.now() > deadline) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  close(): Promise<void> {
    return this.core.close();
  }
}

export async function waitUntil(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

/** Temporary folders, browser contexts, users and peers of one run, closed in reverse order. */
export class BenchWorld {
  private root = '';
  private readonly cleanups: (() => Promise<void>)[] = [];

  constructor(private readonly browser: Browser) {}

  async dir(name: string): Promise<string> {
    this.root ||= await mkdtemp(join(tmpdir(), 'parley-bench-ui-'));
    const path = join(this.root, name);
    await mkdir(path, { recursive: true });
    return path;
  }

  async relay(env: Record<string, string>): Promise<RelayProcess> {
    const relay = await startRelayProcess(await this.dir('relay'), env);
    this.cleanups.push(() => relay.stop());
    return relay;
  }

  async user(name: string, relayUrl: string, initScripts: string[] = []): Promise<E2eUser> {
    const dataDir = await this.dir(`user-${name}`);
    const config = loadCoreConfig({ PARLEY_RELAY_URL: relayUrl, PARLEY_BACKOFF_BASE_MS: '200', PARLEY_BACKOFF_CAP_MS: '2000' }, dataDir);
    const context = await this.browser.newContext({ viewport: { width: 1200, height: 800 } });
    await context.addInitScript(KEEP_NAMES_SHIM);
    for (const script of initScripts) await context.addInitScript(script);
    const user = new E2eUser(name, context, dataDir, config);
    this.cleanups.push(() => user.close().catch(() => undefined));
    await user.launch();
    return user;
  }

  async peer(name: string, relayUrl: string): Promise<HeadlessPeer> {
    const peer = await HeadlessPeer.create(name, relayUrl, await this.dir(`peer-${name}`));
    this.cleanups.push(() => peer.close());
    return peer;
  }

  async dispose(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    if (this.root) await rm(this.root, { recursive: true, force: true });
  }
}
