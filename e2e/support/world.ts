// The world an e2e scenario runs in: a real relay on loopback (stoppable and restartable on the same port and
// data folder) and browser-shell users, each a real core + the real renderer build in its own Chromium context.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { loadCoreConfig } from '../../src/main/core/config';
import { startBrowserShell, type BrowserShell } from '../../src/main/browser-shell/start';
import { silentLogger } from '../../src/main/core/transport';
import { loadRelayConfig } from '../../src/server/config';
import { silentLogger as silentRelayLogger } from '../../src/server/log';
import { startRelay, type Relay } from '../../src/server/relay';

const SCREENSHOTS = resolve('e2e/artifacts/screenshots');

export interface E2eRelay {
  url: string;
  stop(): Promise<void>;
  /** Starts again on the same port and data folder. */
  restart(): Promise<void>;
}

export interface E2eUser {
  page: Page;
  context: BrowserContext;
  shell: BrowserShell;
  dataDir: string;
  /** Reloads the page (the renderer restarts; IndexedDB and the core stay). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export class World {
  private readonly cleanups: (() => Promise<void>)[] = [];
  private root = '';

  constructor(
    private readonly browser: Browser,
    private readonly scenario: string,
  ) {}

  private async dir(name: string): Promise<string> {
    this.root ||= await mkdtemp(join(tmpdir(), 'parley-e2e-'));
    const path = join(this.root, name);
    await mkdir(path, { recursive: true });
    return path;
  }

  async relay(overrides: Partial<ReturnType<typeof loadRelayConfig>> = {}): Promise<E2eRelay> {
    const config = { ...loadRelayConfig({}), host: '127.0.0.1', port: 0, dataDir: await this.dir('relay'), logLevel: 'silent' as const, ...overrides };
    let running: Relay | null = await startRelay(config, { logger: silentRelayLogger });
    const port = running.port;
    const url = running.url;
    const stop = async () => {
      await running?.close();
      running = null;
    };
    this.cleanups.push(stop);
    return {
      url,
      stop,
      restart: async () => {
        running ??= await startRelay({ ...config, port }, { logger: silentRelayLogger });
      },
    };
  }

  async user(name: string, relayUrl: string): Promise<E2eUser> {
    const dataDir = await this.dir(`user-${name}`);
    const config = loadCoreConfig(
      { PARLEY_RELAY_URL: relayUrl, PARLEY_BACKOFF_BASE_MS: '200', PARLEY_BACKOFF_CAP_MS: '2000', PARLEY_HEARTBEAT_INTERVAL_MS: '2000', PARLEY_HEARTBEAT_TIMEOUT_MS: '2000' },
      dataDir,
    );
    const shell = await startBrowserShell({
      config,
      rendererDir: resolve('out/renderer'),
      bridgeFile: resolve('out/browser-bridge/bridge.js'),
      links: { open: async () => undefined },
      logger: silentLogger,
    });
    const context = await this.browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(shell.url);
    const close = async () => {
      await context.close();
      await shell.close();
      if (errors.length > 0) throw new Error(`page errors for ${name}: ${errors.join('; ')}`);
    };
    this.cleanups.push(close);
    return { page, context, shell, dataDir, reload: async () => void (await page.reload()), close };
  }

  /** Keeps a screenshot of the page as a test artifact: e2e/artifacts/screenshots/<scenario>/<step>.png. */
  async screenshot(page: Page, step: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, this.scenario, `${step}.png`) });
  }

  async dispose(): Promise<void> {
    const failures: unknown[] = [];
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => failures.push(error));
    }
    if (this.root) await rm(this.root, { recursive: true, force: true });
    if (failures.length > 0) throw failures[0];
  }
}
