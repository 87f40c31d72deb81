// Electron-only: what only the desktop shell does — launch with a sandboxed renderer, a parley:// link on the
// command line and from a second launch, the update prompt against a local signed feed, and keys kept through
// safeStorage across a restart. They run wherever an Electron binary exists and skip themselves, saying why, where
// it does not (build machines install with ELECTRON_SKIP_BINARY_DOWNLOAD=1).
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { electronBinary } from '../../scripts/electron-binary';
import { feedFor, feedText, signFeed } from '../../scripts/release-sign';
import { toBase64 } from '../../src/shared/encoding/base64';
import { releasePublicKey } from '../../src/main/core/updates/releaseSignature';
import { loadRelayConfig } from '../../src/server/config';
import { silentLogger } from '../../src/server/log';
import { startRelay, type Relay } from '../../src/server/relay';
import { serveFeed, type FeedServer } from '../../test/support/update-feed';

const binary = electronBinary();
const skipReason = 'missing' in binary ? binary.missing : '';
if (skipReason) console.log(`[electron specs] skipped: ${skipReason}`);

let root: string;
let relay: Relay;
test.beforeEach(async () => {
  test.skip(skipReason !== '', skipReason);
  root = await mkdtemp(join(tmpdir(), 'parley-electron-'));
  relay = await startRelay({ ...loadRelayConfig({}), host: '127.0.0.1', port: 0, dataDir: join(root, 'relay'), logLevel: 'silent' }, { logger: silentLogger });
});
test.afterEach(async () => {
  if (skipReason) return;
  await relay.close();
  await rm(root, { recursive: true, force: true });
});

async function launch(userData: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<ElectronApplication> {
  return electron.launch({
    executablePath: 'path' in binary ? binary.path : undefined,
    args: ['.', `--user-data-dir=${userData}`, '--no-sandbox', ...extraArgs],
    env: { ...process.env, PARLEY_APP_DATA_DIR: userData, PARLEY_RELAY_URL: relay.url, ...env } as Record<string, string>,
  });
}

async function register(app: ElectronApplication, username: string) {
  const page = await app.firstWindow();
  await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
  await page.getByLabel('Username').fill(username);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeHidden({ timeout: 20_000 });
  return page;
}

test('launches onboarding with a sandboxed renderer that has window.parley and no Node', async () => {
  const app = await launch(join(root, 'user'));
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { parley?: { invoke?: unknown } }).parley?.invoke)).toBe('function');
  } finally {
    await app.close();
  }
});

test('a parley:// link on the command line and one from a second launch reach the running app', async () => {
  const userData = join(root, 'alice');
  const app = await launch(userData, ['parley://add/bob']);
  try {
    const page = await register(app, 'alice');
    const offer = page.getByRole('dialog', { name: 'New chat' });
    await expect(offer).toContainText('A link asks to start a chat with “bob”');
    await offer.getByRole('button', { name: 'Cancel' }).click();

    // A second launch with a link hands it over and exits; the first instance shows it.
    const second = spawn('path' in binary ? binary.path : '', ['.', `--user-data-dir=${userData}`, '--no-sandbox', 'parley://add/carol'], {
      env: { ...process.env, PARLEY_APP_DATA_DIR: userData },
      stdio: 'ignore',
    });
    const exitCode = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    expect(exitCode).toBe(0);
    await expect(page.getByRole('dialog', { name: 'New chat' })).toContainText('A link asks to start a chat with “carol”');
  } finally {
    await app.close();
  }
});

test('shows the update prompt for a signed release on a local feed', async () => {
  const releaseKey = ed25519.utils.randomSecretKey();
  const feedDir = join(root, 'feed');
  await mkdir(feedDir);
  const files = [join(feedDir, 'Parley-99.0.0.AppImage'), join(feedDir, 'Parley-99.0.0.deb'), join(feedDir, 'Parley-99.0.0-mac.zip'), join(feedDir, 'Parley-99.0.0.exe')];
  for (const file of files) await writeFile(file, randomBytes(64 * 1024));
  const feed = feedText(await signFeed(await feedFor('99.0.0', files), feedDir, releaseKey));
  for (const name of ['latest.yml', 'latest-linux.yml', 'latest-mac.yml']) await writeFile(join(feedDir, name), feed);
  // In a development run on Linux, electron-updater's AppImage updater wants the running AppImage's path.
  const oldAppImage = join(root, 'Parley-old.AppImage');
  await writeFile(oldAppImage, randomBytes(1024));
  const server: FeedServer = await serveFeed(feedDir);
  const app = await launch(join(root, 'updater'), [], {
    PARLEY_UPDATE_FEED_URL: server.url,
    PARLEY_RELEASE_PUBLIC_KEY: toBase64(releasePublicKey(releaseKey)),
    APPIMAGE: oldAppImage,
  });
  try {
    const page = await register(app, 'dave');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Check for updates' }).click();
    await expect(page.getByRole('button', { name: 'Restart to update' }).first()).toBeVisible({ timeout: 60_000 });
    await expect(page.getByText('Parley 99.0.0 is ready.')).toBeVisible();
  } finally {
    await app.close();
    await server.close();
  }
});

test('keeps keys through safeStorage: the account opens again after a restart', async () => {
  const userData = join(root, 'erin');
  let app = await launch(userData);
  const roundTrip = await app.evaluate(({ safeStorage }) => {
    if (!safeStorage.isEncryptionAvailable()) return 'unavailable';
    return safeStorage.decryptString(safeStorage.encryptString('parley round trip'));
  });
  expect(['parley round trip', 'unavailable']).toContain(roundTrip);
  await register(app, 'erin');
  await app.close();
  const recorded = JSON.parse(await readFile(join(userData, 'secret-backend.json'), 'utf8')) as { backend: string };
  expect(recorded.backend).toBe(roundTrip === 'unavailable' ? 'file' : expect.stringMatching(/^keychain:|^file$/));

  app = await launch(userData);
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('navigation', { name: 'Chats' })).toBeVisible({ timeout: 20_000 });
    await expect(page.getByRole('heading', { name: 'Parley could not start' })).toHaveCount(0);
  } finally {
    await app.close();
  }
});
