import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT_FILE } from '../account/AccountStore';
import { FileSecretStore } from './FileSecretStore';
import { SECRET_BACKEND_FILE, openSecretStore, type KeychainOffer } from './openSecretStore';
import { checkSecretBackend, chooseSecretBackend } from './secretBackend';
import type { SecretStore } from './SecretStore';

describe('chooseSecretBackend', () => {
  it.each([
    [{ platform: 'darwin', encryptionAvailable: true, linuxBackend: null }, 'keychain:macos'],
    [{ platform: 'win32', encryptionAvailable: true, linuxBackend: null }, 'keychain:dpapi'],
    [{ platform: 'linux', encryptionAvailable: true, linuxBackend: 'gnome_libsecret' }, 'keychain:gnome_libsecret'],
    [{ platform: 'linux', encryptionAvailable: true, linuxBackend: 'kwallet6' }, 'keychain:kwallet6'],
    // basic_text is a key hard-coded in Chromium: no keychain, so the key file (and the warning).
    [{ platform: 'linux', encryptionAvailable: true, linuxBackend: 'basic_text' }, 'file'],
    [{ platform: 'linux', encryptionAvailable: true, linuxBackend: 'unknown' }, 'file'],
    [{ platform: 'linux', encryptionAvailable: false, linuxBackend: 'gnome_libsecret' }, 'file'],
    [{ platform: 'darwin', encryptionAvailable: false, linuxBackend: null }, 'file'],
  ])('%j → %s', (facts, backend) => {
    expect(chooseSecretBackend(facts)).toBe(backend);
  });
});

describe('checkSecretBackend', () => {
  it('uses the same backend again, and records the first one', () => {
    expect(checkSecretBackend('keychain:kwallet5', 'keychain:kwallet5', true)).toEqual({ kind: 'use', backend: 'keychain:kwallet5', record: false });
    expect(checkSecretBackend(null, 'keychain:kwallet5', true)).toEqual({ kind: 'use', backend: 'keychain:kwallet5', record: true });
    expect(checkSecretBackend('keychain:kwallet5', 'file', false)).toEqual({ kind: 'use', backend: 'file', record: true });
  });

  it('keeps keys that are in the key file there when a keychain appears', () => {
    expect(checkSecretBackend('file', 'keychain:gnome_libsecret', true)).toEqual({ kind: 'use', backend: 'file', record: false });
  });

  it('stops, explaining how to get the keychain back, when existing keys were sealed by another backend', () => {
    const lost = checkSecretBackend('keychain:gnome_libsecret', 'file', true);
    expect(lost).toMatchObject({ kind: 'changed', previous: 'keychain:gnome_libsecret', current: 'file' });
    expect(lost.kind === 'changed' && lost.message).toMatch(/Secret Service.*key file.*cannot open them/s);
    expect(lost.kind === 'changed' && lost.message).toMatch(/--password-store=gnome-libsecret/);
    const swapped = checkSecretBackend('keychain:kwallet5', 'keychain:gnome_libsecret', true);
    expect(swapped.kind === 'changed' && swapped.message).toMatch(/KWallet \(kwallet5\).*--password-store=kwallet5/s);
  });
});

describe('openSecretStore', () => {
  const dirs: string[] = [];
  afterEach(async () => Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true }))));
  async function dataDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'parley-backend-'));
    dirs.push(dir);
    return dir;
  }
  const keychain = (linuxBackend: string, opened: string[] = []): KeychainOffer => ({
    facts: { platform: 'linux', encryptionAvailable: true, linuxBackend },
    open: (backend) => {
      opened.push(backend);
      return { security: { backing: 'os-keychain', weak: false, description: backend, warning: null } } as SecretStore;
    },
  });

  it('records the backend at first use and opens the keychain store', async () => {
    const dir = await dataDir();
    const opened: string[] = [];
    const result = await openSecretStore(dir, keychain('gnome_libsecret', opened));
    expect(result).toMatchObject({ ok: true, backend: 'keychain:gnome_libsecret' });
    expect(opened).toEqual(['keychain:gnome_libsecret']);
    expect(JSON.parse(await readFile(join(dir, SECRET_BACKEND_FILE), 'utf8'))).toEqual({ backend: 'keychain:gnome_libsecret' });
  });

  it('refuses to open keys under another backend, and changes nothing', async () => {
    const dir = await dataDir();
    await openSecretStore(dir, keychain('gnome_libsecret'));
    await writeFile(join(dir, ACCOUNT_FILE), '{}');
    const opened: string[] = [];
    const result = await openSecretStore(dir, keychain('basic_text', opened));
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/cannot open them/) });
    expect(opened).toEqual([]);
    expect(JSON.parse(await readFile(join(dir, SECRET_BACKEND_FILE), 'utf8'))).toEqual({ backend: 'keychain:gnome_libsecret' });
  });

  it('uses the key file for basic_text, with its warning', async () => {
    const result = await openSecretStore(await dataDir(), keychain('basic_text'));
    expect(result.ok && result.store).toBeInstanceOf(FileSecretStore);
    expect(result.ok && result.store.security.warning).toMatch(/not by the system keychain/);
  });

  it('treats an unreadable record as none', async () => {
    const dir = await dataDir();
    await writeFile(join(dir, ACCOUNT_FILE), '{}');
    await writeFile(join(dir, SECRET_BACKEND_FILE), '{"backend":"keychain:../../x"}');
    expect(await openSecretStore(dir, keychain('kwallet5'))).toMatchObject({ ok: true, backend: 'keychain:kwallet5' });
  });
});
