// The update channel's check → download → verify path against a real feed in electron-builder's format, served on
// loopback, with electron-updater itself doing the HTTP, the feed parsing and the sha512 check (its Debian updater,
// run in plain Node), and Parley's UpdateService deciding and verifying. Installing needs Electron (and root for a
// .deb), so it is not run here; `ready` is the state in which the app offers "restart to update".
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UpdateChannel, UpdateView } from '../../src/shared/ipc';
import { silentLogger } from '../../src/main/core/transport';
import { ElectronUpdaterEngine } from '../../src/main/core/updates/ElectronUpdaterEngine';
import { releasePublicKey } from '../../src/main/core/updates/releaseSignature';
import { UpdateService } from '../../src/main/core/updates/UpdateService';
import { feedFor, feedText, signFeed, type Feed } from '../../scripts/release-sign';
import { nodeDebUpdater, serveFeed, type FeedServer } from '../support/update-feed';

const releaseKey = ed25519.utils.randomSecretKey();
const FEED_NAMES = ['latest-linux.yml', 'latest-mac.yml', 'latest.yml'];

let dir: string;
let feedDir: string;
let server: FeedServer;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-update-it-'));
  feedDir = join(dir, 'feed');
  await import('node:fs/promises').then((fs) => fs.mkdir(feedDir));
  server = await serveFeed(feedDir);
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Builds an artifact of `version`, its feed (signed with `key`), and writes it under each platform's feed name. */
async function publish(version: string, options: { key?: Uint8Array; channel?: 'latest' | 'beta'; extra?: Record<string, unknown>; staging?: number } = {}): Promise<Feed> {
  const artifact = join(feedDir, `Parley-${version}.deb`);
  await writeFile(artifact, randomBytes(256 * 1024));
  const feed = await signFeed(await feedFor(version, [artifact]), feedDir, options.key ?? releaseKey, options.staging);
  const withExtra = { ...feed, ...options.extra };
  for (const name of FEED_NAMES) await writeFile(join(feedDir, name.replace('latest', options.channel ?? 'latest')), feedText(withExtra));
  return withExtra;
}

async function updaterAt(version: string, channel: UpdateChannel = 'stable', rolloutBucket = 0.5) {
  const views: UpdateView[] = [];
  const updater = await nodeDebUpdater(dir, version);
  const service = new UpdateService({
    engine: new ElectronUpdaterEngine(updater, { feedUrl: server.url, rolloutBucket, logger: silentLogger }),
    config: { enabled: true, feedUrl: server.url, publicKey: releasePublicKey(releaseKey) },
    currentVersion: version,
    channel: () => channel,
    onChange: (view) => views.push(view),
    logger: silentLogger,
    timers: { setTimeout: () => 0, clearTimeout: () => undefined },
  });
  return { service, views, states: () => views.map((view) => view.status.state) };
}

const downloads = () => server.requests.filter((path) => path.endsWith('.deb'));

describe('the update channel against a loopback feed', () => {
  it('checks, downloads with progress, and verifies a signed release from a feed with fields it does not know', async () => {
    await publish('0.2.0', { extra: { releaseNotes: 'Faster.', parleyFutureField: { rollout: 'eu' }, minimumSystemVersion: '0.0.1' } });
    const { service, views, states } = await updaterAt('0.1.0');
    const view = await service.check();
    expect(view.status).toEqual({ state: 'ready', version: '0.2.0' });
    expect(states()[0]).toBe('checking');
    expect(states()).toContain('available');
    expect(states().slice(-2)).toEqual(['verifying', 'ready']);
    expect(views.some((v) => v.status.state === 'downloading')).toBe(true);
    expect(server.requests[0]).toMatch(/^\/latest(-linux|-mac)?\.yml$/);
    expect(downloads()).toEqual(['/Parley-0.2.0.deb']);
  });

  it('refuses a release signed with another key, and deletes what it downloaded', async () => {
    await publish('0.2.0', { key: ed25519.utils.randomSecretKey() });
    const { service } = await updaterAt('0.1.0');
    expect((await service.check()).status).toMatchObject({ state: 'error', code: 'bad_signature' });
    await expect(access(join(dir, 'cache', 'parley-updater-test', 'pending', 'Parley-0.2.0.deb'))).rejects.toThrow();
  });

  it('refuses a truncated download (electron-updater’s sha512 check) and keeps nothing', async () => {
    await publish('0.2.0');
    server.truncate.set('Parley-0.2.0.deb', 100 * 1024);
    const { service } = await updaterAt('0.1.0');
    expect((await service.check()).status).toMatchObject({ state: 'error', code: 'download_corrupt' });
  });

  it('never downloads a downgrade or the version it runs', async () => {
    await publish('0.1.0');
    const { service } = await updaterAt('0.3.0');
    expect((await service.check()).status).toMatchObject({ state: 'up-to-date' });
    const same = await updaterAt('0.1.0');
    expect((await same.service.check()).status).toMatchObject({ state: 'up-to-date' });
    expect(downloads()).toEqual([]);
  });

  it('respects stagingPercentage: installs outside the rollout are told they are up to date', async () => {
    await publish('0.2.0', { staging: 20 });
    const outside = await updaterAt('0.1.0', 'stable', 0.5);
    expect((await outside.service.check()).status).toMatchObject({ state: 'up-to-date' });
    expect(downloads()).toEqual([]);
    const inside = await updaterAt('0.1.0', 'stable', 0.1);
    expect((await inside.service.check()).status).toMatchObject({ state: 'ready', version: '0.2.0' });
  });

  it('reads the beta feed on the beta channel only', async () => {
    await publish('0.2.0');
    await publish('0.3.0-beta.1', { channel: 'beta' });
    const stable = await updaterAt('0.1.0', 'stable');
    expect((await stable.service.check()).status).toEqual({ state: 'ready', version: '0.2.0' });
    const beta = await updaterAt('0.1.0', 'beta');
    expect((await beta.service.check()).status).toEqual({ state: 'ready', version: '0.3.0-beta.1' });
    expect(server.requests.some((path) => /^\/beta(-linux|-mac)?\.yml$/.test(path))).toBe(true);
  });

  it('says the update server is unreachable when it is', async () => {
    await server.close();
    const { service } = await updaterAt('0.1.0');
    expect((await service.check()).status).toMatchObject({ state: 'error', code: 'check_failed' });
  });
});
