// The world an e2e scenario runs in: a real relay on loopback (stoppable and restartable on the same port and
// data folder) and browser-shell users, each a real core + the real renderer build in its own Chromium context.
// A user can quit (page closed, core stopped) and launch again on the same port, data folder and browser
// context, so their IndexedDB survives as it does across restarts of the desktop app.
import AxeBuilder from '@axe-core/playwright';
import { chromium, expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadCoreConfig, type CoreConfig } from '../../src/main/core/config';
import { startBrowserShell, type BrowserShell } from '../../src/main/browser-shell/start';
import { silentLogger } from '../../src/main/core/transport';
import { loadRelayConfig } from '../../src/server/config';
import { silentLogger as silentRelayLogger } from '../../src/server/log';
import { startRelay, type Relay } from '../../src/server/relay';
import { chromiumLaunchOptions } from './chromium';

const SCREENSHOTS = resolve('e2e/artifacts/screenshots');
const AXE_REPORTS = resolve('e2e/artifacts/axe');

/**
 * Functions handed to page.evaluate are sent as source text. Under tsx (the benchmarks) esbuild's keepNames wraps
 * named inner functions in a `__name(...)` helper that exists only in Node; the page gets a no-op one.
 */
export const KEEP_NAMES_SHIM = 'globalThis.__name ??= (fn) => fn;';

export interface E2eRelay {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
  /** Starts again on the same port and data folder. */
  restart(): Promise<void>;
}

/** One axe scan: the step it was taken at and every violation found (all impacts), for the report. */
export interface AxeScan {
  step: string;
  user: string;
  violations: { id: string; impact: string | null | undefined; help: string; targets: string[] }[];
}

export class E2eUser {
  page!: Page;
  shell!: BrowserShell;
  /** Page errors and console errors/warnings, for the failure report. */
  readonly log: string[] = [];
  private readonly pageErrors: string[] = [];
  private port = 0;
  private running = false;

  constructor(
    readonly name: string,
    readonly context: BrowserContext,
    readonly dataDir: string,
    private readonly config: CoreConfig,
  ) {}

  /** Starts the core (on the port it had before, so the page's origin and IndexedDB stay) and opens the page. */
  async launch(): Promise<void> {
    this.shell = await startBrowserShell({
      config: this.config,
      rendererDir: resolve('out/renderer'),
      bridgeFile: resolve('out/browser-bridge/bridge.js'),
      port: this.port,
      links: { open: async () => undefined },
      logger: silentLogger,
    });
    this.port = Number(new URL(this.shell.url).port);
    this.running = true;
    this.page = await this.context.newPage();
    this.page.on('pageerror', (error) => {
      this.pageErrors.push(error.message);
      this.log.push(`pageerror: ${error.message}`);
    });
    this.page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') this.log.push(`${message.type()}: ${message.text()}`);
    });
    await this.page.goto(this.shell.url);
  }

  /** Quits as closing the app would: the page closes, then the core stops. IndexedDB stays in the context. */
  async quit(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.page.close();
    await this.shell.close();
  }

  /** Reloads the page (the renderer restarts; IndexedDB and the core stay). */
  async reload(): Promise<void> {
    await this.page.reload();
  }

  async close(): Promise<void> {
    await this.quit();
    await this.context.close();
    if (this.pageErrors.length > 0) throw new Error(`page errors for ${this.name}: ${this.pageErrors.join('; ')}`);
  }
}

export class World {
  private readonly cleanups: (() => Promise<void>)[] = [];
  private readonly users: E2eUser[] = [];
  private root = '';
  readonly scans: AxeScan[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly scenario: string,
  ) {}

  /** A folder inside the scenario's temporary root (removed by dispose). */
  async dir(name: string): Promise<string> {
    this.root ||= await mkdtemp(join(tmpdir(), 'parley-e2e-'));
    const path = join(this.root, name);
    await mkdir(path, { recursive: true });
    return path;
  }

  async relay(overrides: Partial<ReturnType<typeof loadRelayConfig>> = {}): Promise<E2eRelay> {
    const dataDir = await this.dir('relay');
    const config = { ...loadRelayConfig({}), host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent' as const, ...overrides };
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
      dataDir,
      stop,
      restart: async () => {
        running ??= await startRelay({ ...config, port }, { logger: silentRelayLogger });
      },
    };
  }

  /**
   * A browser-shell user; `env` overrides the core's settings (e.g. a backoff long enough that only "Retry now"
   * reconnects). With `profileOnDisk` the browser keeps its profile in the user's data folder (`chromium/`, as
   * `npm run start:browser` does) instead of an in-memory context, so tests can read what reaches the disk.
   */
  async user(name: string, relayUrl: string, env: Readonly<Record<string, string>> = {}, options: { profileOnDisk?: boolean } = {}): Promise<E2eUser> {
    const dataDir = await this.dir(`user-${name}`);
    const config = loadCoreConfig(
      {
        PARLEY_RELAY_URL: relayUrl,
        PARLEY_BACKOFF_BASE_MS: '200',
        PARLEY_BACKOFF_CAP_MS: '2000',
        PARLEY_HEARTBEAT_INTERVAL_MS: '2000',
        PARLEY_HEARTBEAT_TIMEOUT_MS: '2000',
        ...env,
      },
      dataDir,
    );
    const contextOptions = { viewport: { width: 1200, height: 800 }, reducedMotion: 'reduce' } as const;
    const context = options.profileOnDisk
      ? await chromium.launchPersistentContext(join(dataDir, 'chromium'), { ...chromiumLaunchOptions(), ...contextOptions })
      : await this.browser.newContext(contextOptions);
    await context.addInitScript(KEEP_NAMES_SHIM);
    const user = new E2eUser(name, context, dataDir, config);
    this.users.push(user);
    this.cleanups.push(() => user.close());
    await user.launch();
    return user;
  }

  /** Keeps a screenshot of the page as a test artifact: e2e/artifacts/screenshots/<scenario>/<step>.png. */
  async screenshot(page: Page, step: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, this.scenario, `${step}.png`) });
  }

  /**
   * screen() in the light theme (without `scan`, only its screenshot: axe scans cost time), then a screenshot of the
   * same screen dark: <step>-light.png and <step>-dark.png.
   */
  async screenBothThemes(user: E2eUser, step: string, { scan = true }: { scan?: boolean } = {}): Promise<void> {
    if (scan) await this.screen(user, `${step}-light`);
    else await this.screenshot(user.page, `${step}-light`);
    await user.page.emulateMedia({ colorScheme: 'dark' });
    await this.screenshot(user.page, `${step}-dark`);
    await user.page.emulateMedia({ colorScheme: 'light' });
  }

  /**
   * Screenshot plus an axe scan of the screen as it is now. Serious and critical violations fail the test (softly,
   * so the scenario goes on and reports every screen); all findings go to e2e/artifacts/axe/<scenario>.json.
   */
  async screen(user: E2eUser, step: string): Promise<void> {
    await this.screenshot(user.page, step);
    const results = await new AxeBuilder({ page: user.page }).analyze();
    const scan: AxeScan = {
      step,
      user: user.name,
      violations: results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.join(' ')).slice(0, 6),
      })),
    };
    this.scans.push(scan);
    const serious = scan.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.targets.join(' | ')}`);
    expect.soft(serious, `axe: serious or critical violations on ${step} (${user.name})`).toEqual([]);
  }

  /** Everything the users' pages logged (errors, warnings), for a failing test's report. */
  logs(): string {
    return this.users.map((user) => `── ${user.name} ──\n${user.log.join('\n')}`).join('\n');
  }

  async dispose(): Promise<void> {
    const failures: unknown[] = [];
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => failures.push(error));
    }
    if (this.root) await rm(this.root, { recursive: true, force: true });
    if (this.scans.length > 0) {
      await mkdir(AXE_REPORTS, { recursive: true });
      await writeFile(join(AXE_REPORTS, `${this.scenario}.json`), `${JSON.stringify(this.scans, null, 2)}\n`);
    }
    if (failures.length > 0) throw failures[0];
  }
}

/**
 * Gives every test of the calling spec file its own World, named after the test, and disposes of it afterwards
 * (attaching what the pages logged when the test failed). At the top of a spec:
 * `let world: World; useWorld((created) => (world = created));`
 */
export function useWorld(receive: (world: World) => void): void {
  let current: World | undefined;
  test.beforeEach(async ({ browser }, info) => {
    current = new World(browser, info.title.replace(/\W+/g, '-'));
    receive(current);
  });
  test.afterEach(async () => {
    const info = test.info();
    if (current && info.status !== info.expectedStatus) await info.attach('page logs', { body: current.logs() });
    await current?.dispose();
    current = undefined;
  });
}
