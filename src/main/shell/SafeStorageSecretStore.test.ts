// The keychain-backed SecretStore against a fake safeStorage: round trips, and the backend check that stops
// instead of failing to decrypt when the keychain changed between runs.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileSecretStore } from '../core/secrets';

vi.mock('electron', () => import('./testing/fakeElectron'));

const electron = await import('./testing/fakeElectron');
const { SafeStorageSecretStore, openKeychainSecretStore } = await import('./SafeStorageSecretStore');

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-safestorage-'));
  electron.safeStorage.backend = 'gnome_libsecret';
  electron.safeStorage.encryptionAvailable = true;
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const secret = Uint8Array.from({ length: 32 }, (_, i) => i * 7);

describe('SafeStorageSecretStore', () => {
  it('round-trips through the keychain and says it is one', async () => {
    const store = new SafeStorageSecretStore('keychain:gnome_libsecret');
    const sealed = await store.protect(secret);
    expect(Buffer.from(sealed).includes(Buffer.from(secret))).toBe(false);
    expect(await store.unprotect(sealed)).toEqual(secret);
    expect(store.security).toMatchObject({ backing: 'os-keychain', weak: false, warning: null });
  });

  it('reports a locked keychain and data it cannot open as typed errors', async () => {
    const store = new SafeStorageSecretStore('keychain:gnome_libsecret');
    const sealed = await store.protect(secret);
    electron.safeStorage.backend = 'kwallet5';
    await expect(store.unprotect(sealed)).rejects.toMatchObject({ code: 'secret_tampered' });
    electron.safeStorage.encryptionAvailable = false;
    await expect(store.protect(secret)).rejects.toMatchObject({ code: 'key_unavailable' });
  });
});

describe('openKeychainSecretStore', () => {
  it('opens the keychain store and records its backend', async () => {
    const opened = await openKeychainSecretStore(dataDir);
    expect(opened).toMatchObject({ ok: true, backend: process.platform === 'linux' ? 'keychain:gnome_libsecret' : expect.any(String) });
    expect(opened.ok && opened.store).toBeInstanceOf(SafeStorageSecretStore);
  });

  it.runIf(process.platform === 'linux')('refuses a changed backend when keys exist, instead of failing to decrypt', async () => {
    await openKeychainSecretStore(dataDir);
    await writeFile(join(dataDir, 'account.json'), '{}');
    electron.safeStorage.backend = 'kwallet5';
    const changed = await openKeychainSecretStore(dataDir);
    expect(changed).toMatchObject({ ok: false, message: expect.stringMatching(/Secret Service.*KWallet \(kwallet5\).*--password-store=gnome-libsecret/s) });
  });

  it.runIf(process.platform === 'linux')('treats basic_text as no keychain: the key file store, with its warning', async () => {
    electron.safeStorage.backend = 'basic_text';
    const opened = await openKeychainSecretStore(dataDir);
    expect(opened).toMatchObject({ ok: true, backend: 'file' });
    expect(opened.ok && opened.store).toBeInstanceOf(FileSecretStore);
    expect(opened.ok && opened.store.security.warning).toMatch(/not by the system keychain/);
  });
});
