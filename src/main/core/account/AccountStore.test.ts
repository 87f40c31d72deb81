import { afterEach, describe, expect, it } from 'vitest';
import * as fsp from 'node:fs/promises';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSecretStore } from '../secrets/FileSecretStore';
import type { SecretStore } from '../secrets/SecretStore';
import { ACCOUNT_FILE, AccountStore, relayUrlsOf, withRelayUrls, type Account } from './AccountStore';
import { AccountStoreError } from './errors';
import { generateIdentity } from './identity';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-account-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function account(username = 'alice'): Account {
  return { username, device: 1, relayUrl: 'ws://127.0.0.1:8787', identity: generateIdentity(), createdAt: 1_700_000_000_000 };
}

async function storeIn(dir?: string): Promise<{ dir: string; store: AccountStore; secrets: SecretStore }> {
  const dataDir = dir ?? (await tempDir());
  const secrets = await FileSecretStore.open(dataDir);
  return { dir: dataDir, store: new AccountStore(dataDir, secrets), secrets };
}

async function rewrite(dir: string, change: (json: Record<string, unknown>) => void): Promise<void> {
  const path = join(dir, ACCOUNT_FILE);
  const json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  change(json);
  await writeFile(path, JSON.stringify(json));
}

async function loadError(store: AccountStore): Promise<AccountStoreError> {
  const error = await store.load().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AccountStoreError);
  return error as AccountStoreError;
}

describe('AccountStore', () => {
  it('round-trips an account, also through a fresh store and secret store', async () => {
    const { dir, store } = await storeIn();
    const saved = account('Alice.B');
    expect(await store.exists()).toBe(false);
    await store.save(saved);
    expect(await store.exists()).toBe(true);
    expect(await store.load()).toEqual(saved);
    const { store: again } = await storeIn(dir);
    expect(await again.load()).toEqual(saved);
  });

  it('keeps several relays in order, and writes an account of one relay as it always did', async () => {
    const { dir, store } = await storeIn();
    const one = account();
    await store.save(one);
    expect(Object.keys(JSON.parse(await readFile(join(dir, ACCOUNT_FILE), 'utf8')) as object)).not.toContain('fallbackRelayUrls');
    const several = withRelayUrls(one, ['wss://a.example.org/v1/ws', 'wss://b.example.org/v1/ws', 'ws://localhost:8787']);
    expect(relayUrlsOf(several)).toEqual(['wss://a.example.org/v1/ws', 'wss://b.example.org/v1/ws', 'ws://localhost:8787']);
    await store.save(several);
    expect(await store.load()).toEqual(several);
    const backToOne = withRelayUrls(several, ['wss://c.example.org/v1/ws']);
    expect(backToOne).not.toHaveProperty('fallbackRelayUrls');
    await store.save(backToOne);
    expect(relayUrlsOf(await store.load())).toEqual(['wss://c.example.org/v1/ws']);
  });

  it('never writes the private key in the clear, and keeps the file private', async () => {
    const { dir, store } = await storeIn();
    const saved = account();
    await store.save(saved);
    const text = await readFile(join(dir, ACCOUNT_FILE), 'utf8');
    expect(text).not.toContain(Buffer.from(saved.identity.privateKey).toString('base64'));
    expect(text).not.toContain(Buffer.from(saved.identity.privateKey).toString('hex'));
    if (process.platform !== 'win32') expect((await stat(join(dir, ACCOUNT_FILE))).mode & 0o777).toBe(0o600);
  });

  it('overwrites atomically and leaves no temp file', async () => {
    const { dir, store } = await storeIn();
    await store.save(account('first'));
    const second = account('second');
    await store.save(second);
    expect(await store.load()).toEqual(second);
    expect((await readdir(dir)).sort()).toEqual([ACCOUNT_FILE, 'secret-store.key']);
  });

  it('keeps the old account intact when a save fails before the rename', async () => {
    const { dir, secrets } = await storeIn();
    const first = account('first');
    await new AccountStore(dir, secrets).save(first);
    const failing = new AccountStore(dir, secrets, {
      fs: {
        open: fsp.open,
        unlink: fsp.unlink,
        rename: async () => {
          throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
        },
      },
    });
    await expect(failing.save(account('second'))).rejects.toMatchObject({ code: 'account_write_failed' });
    expect(await new AccountStore(dir, secrets).load()).toEqual(first);
    expect((await readdir(dir)).sort()).toEqual([ACCOUNT_FILE, 'secret-store.key']);
  });

  it('ignores a temp file left by a crash mid-write', async () => {
    const { dir, store } = await storeIn();
    const first = account();
    await store.save(first);
    await writeFile(join(dir, `${ACCOUNT_FILE}.deadbeef0000.tmp`), '{"format":"parley-acc');
    expect(await store.load()).toEqual(first);
  });

  it('concurrent saves leave one complete account', async () => {
    const { store } = await storeIn();
    const candidates = Array.from({ length: 10 }, (_, i) => account(`user${i}x`));
    await Promise.all(candidates.map((a) => store.save(a)));
    const loaded = await store.load();
    expect(candidates).toContainEqual(loaded);
  });

  it('reports a missing account as account_not_found', async () => {
    const { store } = await storeIn();
    expect((await loadError(store)).code).toBe('account_not_found');
  });

  it.each([
    ['empty file', ''],
    ['truncated JSON', '{"format":"parley-account","vers'],
    ['not an object', '42'],
    ['null', 'null'],
    ['binary junk', '\u0000\u0001\u0002'],
  ])('reports %s as account_corrupt', async (_name, content) => {
    const { dir, store } = await storeIn();
    await writeFile(join(dir, ACCOUNT_FILE), content);
    expect((await loadError(store)).code).toBe('account_corrupt');
  });

  it.each([
    ['a missing field', (j: Record<string, unknown>) => delete j.username],
    ['an extra field', (j: Record<string, unknown>) => (j.admin = true)],
    ['a bad username', (j: Record<string, unknown>) => (j.username = 'x')],
    ['a bad device', (j: Record<string, unknown>) => (j.device = 0)],
    ['a bad relay URL', (j: Record<string, unknown>) => (j.relayUrl = 'gopher://x')],
    ['a bad further relay URL', (j: Record<string, unknown>) => (j.fallbackRelayUrls = ['wss://a.example.org', 'gopher://x'])],
    ['an empty list of further relays', (j: Record<string, unknown>) => (j.fallbackRelayUrls = [])],
    ['too many relays', (j: Record<string, unknown>) => (j.fallbackRelayUrls = Array.from({ length: 8 }, (_, i) => `wss://r${i}.example.org`))],
    ['a short public key', (j: Record<string, unknown>) => (j.identityPublicKey = 'AAAA')],
    ['a non-base64 private key', (j: Record<string, unknown>) => (j.protectedPrivateKey = '***')],
    ['another format', (j: Record<string, unknown>) => (j.format = 'something-else')],
  ])('reports %s as account_corrupt', async (_name, change) => {
    const { dir, store } = await storeIn();
    await store.save(account());
    await rewrite(dir, change);
    expect((await loadError(store)).code).toBe('account_corrupt');
  });

  it('reports a file from a newer Parley as account_version_unsupported', async () => {
    const { dir, store } = await storeIn();
    await store.save(account());
    await rewrite(dir, (j) => (j.version = 2));
    expect((await loadError(store)).code).toBe('account_version_unsupported');
  });

  it('reports an oversized file as corrupt without reading it', async () => {
    const { dir, store } = await storeIn();
    await writeFile(join(dir, ACCOUNT_FILE), Buffer.alloc(1024 * 1024, 0x20));
    expect((await loadError(store)).code).toBe('account_corrupt');
  });

  it('reports a directory in place of the file as corrupt', async () => {
    const { dir, store } = await storeIn();
    await fsp.mkdir(join(dir, ACCOUNT_FILE));
    expect((await loadError(store)).code).toBe('account_corrupt');
  });

  it('reports an altered protected key as account_key_locked', async () => {
    const { dir, store } = await storeIn();
    await store.save(account());
    await rewrite(dir, (j) => {
      const bytes = Buffer.from(j.protectedPrivateKey as string, 'base64');
      bytes[bytes.length - 3]! ^= 1;
      j.protectedPrivateKey = bytes.toString('base64');
    });
    const error = await loadError(store);
    expect(error.code).toBe('account_key_locked');
    expect((error.cause as { code?: string }).code).toBe('secret_tampered');
  });

  it('reports a key protected by another secret store as account_key_locked', async () => {
    const { dir, store } = await storeIn();
    await store.save(account());
    const other = new AccountStore(dir, await FileSecretStore.open(await tempDir()));
    expect((await loadError(other)).code).toBe('account_key_locked');
  });

  it('reports a private key that does not match the public key as account_key_mismatch', async () => {
    const { dir, store } = await storeIn();
    await store.save(account());
    const stranger = generateIdentity();
    await rewrite(dir, (j) => (j.identityPublicKey = Buffer.from(stranger.publicKey).toString('base64')));
    expect((await loadError(store)).code).toBe('account_key_mismatch');
  });

  it('refuses to save an inconsistent account', async () => {
    const { store } = await storeIn();
    const bad = { ...account(), identity: { publicKey: generateIdentity().publicKey, privateKey: generateIdentity().privateKey } };
    await expect(store.save(bad)).rejects.toThrow(/identity/);
    await expect(store.save({ ...account(), username: 'no' })).rejects.toThrow(/username/);
    await expect(store.save({ ...account(), relayUrl: 'mailto:x' })).rejects.toThrow(/relayUrl/);
    await expect(store.save({ ...account(), fallbackRelayUrls: ['wss://a.example.org', 'mailto:x'] })).rejects.toThrow(/relayUrl/);
    expect(await store.exists()).toBe(false);
  });

  it('remove() deletes the account', async () => {
    const { store } = await storeIn();
    await store.save(account());
    await store.remove();
    expect((await loadError(store)).code).toBe('account_not_found');
  });
});
