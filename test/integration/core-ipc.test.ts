// The core as a shell runs it, driven through the IPC dispatcher exactly as the renderer drives it, against a
// real relay: account creation and its errors, connection state events, restart from the same data folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadCoreConfig } from '../../src/main/core/config';
import { createCore, type Core } from '../../src/main/core/createCore';
import { FileSecretStore } from '../../src/main/core/secrets';
import { silentLogger } from '../../src/main/core/transport';
import type { ConnectionSnapshot } from '../../src/shared/ipc';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { TestUser } from './messaging-harness';
import { uniqueName, waitFor } from './support';

let relay: TestRelay;
const cores: Core[] = [];
const dirs: string[] = [];
const trusted = { trusted: true };

beforeAll(async () => {
  relay = await startTestRelay();
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await relay.close();
});

async function openCore(dataDir = mkdtempSync(join(tmpdir(), 'parley-core-')), links = { open: vi.fn(async () => undefined) }) {
  if (!dirs.includes(dataDir)) dirs.push(dataDir);
  const config = loadCoreConfig({ PARLEY_RELAY_URL: relay.url, PARLEY_BACKOFF_BASE_MS: '50', PARLEY_BACKOFF_CAP_MS: '200' }, dataDir);
  const core = await createCore({ shell: 'browser', config, secrets: await FileSecretStore.open(dataDir), links, logger: silentLogger });
  cores.push(core);
  const states: ConnectionSnapshot[] = [];
  core.events.subscribe((event, payload) => {
    if (event === 'connection.changed') states.push(payload as ConnectionSnapshot);
  });
  return { core, dataDir, states, links };
}

describe('core through the IPC dispatcher', () => {
  it('says at start which ML-KEM implementation it runs (liboqs in WebAssembly here)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-core-'));
    dirs.push(dataDir);
    const logged: { level: string; event: string; fields: unknown }[] = [];
    const record = (level: string) => (event: string, fields?: unknown) => logged.push({ level, event, fields });
    const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
    const config = loadCoreConfig({ PARLEY_RELAY_URL: relay.url }, dataDir);
    cores.push(await createCore({ shell: 'browser', config, secrets: await FileSecretStore.open(dataDir), links: { open: vi.fn(async () => undefined) }, logger }));
    expect(logged.filter((l) => l.event === 'crypto.ml_kem_backend')).toEqual([{ level: 'info', event: 'crypto.ml_kem_backend', fields: { backend: 'liboqs-wasm' } }]);
  });

  it('creates an account, connects, and reports each connection state', async () => {
    const { core, states } = await openCore();
    expect(await core.dispatch('account.get', {}, trusted)).toEqual({ ok: true, value: null });
    expect(await core.dispatch('app.info', {}, trusted)).toMatchObject({ ok: true, value: { shell: 'browser', defaultRelayUrl: relay.url } });

    const username = uniqueName('alice');
    const created = await core.dispatch('account.create', { username, relayUrl: relay.url }, trusted);
    expect(created).toMatchObject({ ok: true, value: { username, device: 1, keyProtection: { osKeychain: false } } });
    await waitFor(() => states.some((state) => state.state === 'online'), 'online event');
    expect(states.map((state) => state.state)).toEqual(['connecting', 'authenticating', 'online']);
    expect(await core.dispatch('connection.get', {}, trusted)).toMatchObject({ ok: true, value: { state: 'online' } });
    expect(await core.dispatch('account.create', { username: uniqueName('again'), relayUrl: relay.url }, trusted)).toMatchObject({
      ok: false,
      error: { code: 'account_exists' },
    });
  });

  it('refuses a taken username, case-insensitively, with a message the user can act on', async () => {
    const first = await openCore();
    const username = uniqueName('bob');
    await first.core.dispatch('account.create', { username, relayUrl: relay.url }, trusted);
    const second = await openCore();
    const result = await second.core.dispatch('account.create', { username: username.toUpperCase(), relayUrl: relay.url }, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'username_taken', message: expect.stringMatching(/taken/i) } });
    expect(await second.core.dispatch('account.get', {}, trusted)).toEqual({ ok: true, value: null });
  });

  it('reports an unreachable relay as retryable and keeps no account', async () => {
    const { core } = await openCore();
    const result = await core.dispatch('account.create', { username: uniqueName('carol'), relayUrl: 'ws://127.0.0.1:1/v1/ws' }, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'relay_unreachable', retryable: true } });
    expect(await core.dispatch('account.get', {}, trusted)).toEqual({ ok: true, value: null });
  });

  it('creates an account at the next relay when the first of its list does not answer, and keeps the list', async () => {
    const { core, states } = await openCore();
    const username = uniqueName('gus');
    const dead = 'ws://127.0.0.1:1/v1/ws';
    const result = await core.dispatch('account.create', { username, relayUrl: dead, fallbackRelayUrls: [relay.url] }, trusted);
    expect(result).toMatchObject({ ok: true, value: { username, relayUrls: [dead, relay.url] } });
    await waitFor(() => states.at(-1)?.state === 'online' && states.at(-1)?.relayUrl === relay.url, 'online on the second relay');
    // Neither relay answering is still the first relay's error, retryable.
    const { core: other } = await openCore();
    const refused = await other.dispatch('account.create', { username: uniqueName('hal'), relayUrl: dead, fallbackRelayUrls: ['ws://127.0.0.1:2/v1/ws'] }, trusted);
    expect(refused).toMatchObject({ ok: false, error: { code: 'relay_unreachable', retryable: true } });
  });

  it('links a device given several relays: it waits at the first, and its account keeps them all', async () => {
    const primary = await TestUser.create(relay.url, 'ivy');
    const device = await TestUser.blank(relay.url);
    try {
      const spare = 'ws://127.0.0.1:1/v1/ws';
      const shown = await device.call('devices.startLinking', { relayUrl: relay.url, fallbackRelayUrls: [spare], name: 'Laptop' });
      if (shown.state !== 'waiting') throw new Error(`expected a code, got ${shown.state}`);
      await primary.call('devices.link', { code: shown.code });
      await waitFor(() => device.linkingEvents.some((e) => e.state === 'linked'), 'the new device is linked');
      expect(await device.call('account.get', {})).toMatchObject({ username: primary.username, relayUrls: [relay.url, spare] });
    } finally {
      await Promise.all([primary.close(), device.close()]);
      for (const user of [primary, device]) rmSync(user.dataDir, { recursive: true, force: true });
    }
  });

  it('rejects bad requests before any handler runs', async () => {
    const { core } = await openCore();
    for (const request of [{}, { username: 'x', relayUrl: relay.url }, { username: 'dave', relayUrl: 'ftp://relay' }]) {
      expect(await core.dispatch('account.create', request, trusted)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
    expect(await core.dispatch('account.get', {}, { trusted: false })).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
  });

  it('loads the account from the same folder after a restart and reconnects', async () => {
    const first = await openCore();
    const username = uniqueName('erin');
    await first.core.dispatch('account.create', { username, relayUrl: relay.url }, trusted);
    await first.core.close();
    const again = await openCore(first.dataDir);
    expect(await again.core.dispatch('account.get', {}, trusted)).toMatchObject({ ok: true, value: { username } });
    await waitFor(() => again.states.some((state) => state.state === 'online'), 'online after restart');
  });

  it('takes several relays, fails over from one that does not answer, and keeps the list across a restart', async () => {
    const first = await openCore();
    const username = uniqueName('fay');
    await first.core.dispatch('account.create', { username, relayUrl: relay.url }, trusted);
    await waitFor(() => first.states.some((state) => state.state === 'online'), 'online');
    const dead = 'ws://127.0.0.1:1/v1/ws';
    const relayUrls = [dead, relay.url];
    expect(await first.core.dispatch('account.setRelayUrls', { relayUrls }, trusted)).toMatchObject({ ok: true, value: { username, relayUrls } });
    // The first relay refuses the connection: the next attempt goes to the second, which is where it comes online.
    await waitFor(() => first.states.at(-1)?.state === 'online' && first.states.at(-1)?.relayUrl === relay.url, 'online on the second relay');
    expect(first.states.some((state) => state.state === 'reconnecting' && state.relayUrl === relay.url && state.lastError !== null)).toBe(true);
    expect(await first.core.dispatch('connection.get', {}, trusted)).toMatchObject({ ok: true, value: { state: 'online', relayUrl: relay.url } });
    // Attachments go to the relay it is on, not to the first of the list.
    expect(first.core.client.blobEndpoint().href).toBe(`${relay.httpUrl}/v1/blobs`);
    await first.core.close();

    const again = await openCore(first.dataDir);
    expect(await again.core.dispatch('account.get', {}, trusted)).toMatchObject({ ok: true, value: { relayUrls } });
    await waitFor(() => again.states.at(-1)?.state === 'online' && again.states.at(-1)?.relayUrl === relay.url, 'online after restart');
  });

  it('opens only safe links', async () => {
    const { core, links } = await openCore();
    expect(await core.dispatch('links.open', { url: 'javascript:alert(1)' }, trusted)).toMatchObject({ ok: false, error: { code: 'unsafe_link' } });
    expect(links.open).not.toHaveBeenCalled();
    expect(await core.dispatch('links.open', { url: 'https://example.org/' }, trusted)).toEqual({ ok: true, value: {} });
    expect(links.open).toHaveBeenCalledWith('https://example.org/');
  });
});
