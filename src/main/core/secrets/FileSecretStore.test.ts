import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSecretStore, SECRET_KEY_FILE } from './FileSecretStore';
import { SecretStoreError } from './SecretStore';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-secrets-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const secret = new Uint8Array(Array.from({ length: 32 }, (_, i) => i));

describe('FileSecretStore', () => {
  it('round-trips, and a reopened store reads what an earlier one protected', async () => {
    const dir = await tempDir();
    const store = await FileSecretStore.open(dir);
    const sealed = await store.protect(secret);
    expect(Buffer.from(sealed).includes(Buffer.from(secret))).toBe(false);
    expect(await store.unprotect(sealed)).toEqual(secret);
    const reopened = await FileSecretStore.open(dir);
    expect(await reopened.unprotect(sealed)).toEqual(secret);
  });

  it('uses a fresh IV each time', async () => {
    const store = await FileSecretStore.open(await tempDir());
    const a = await store.protect(secret);
    const b = await store.protect(secret);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('round-trips an empty secret', async () => {
    const store = await FileSecretStore.open(await tempDir());
    expect(await store.unprotect(await store.protect(new Uint8Array()))).toEqual(new Uint8Array());
  });

  it('keeps a 32-byte key in a 0600 file and leaves no temp file', async () => {
    const dir = await tempDir();
    await FileSecretStore.open(dir);
    const key = await readFile(join(dir, SECRET_KEY_FILE));
    expect(key.length).toBe(32);
    if (process.platform !== 'win32') expect((await stat(join(dir, SECRET_KEY_FILE))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual([SECRET_KEY_FILE]);
  });

  // Windows has no POSIX mode bits to tighten.
  it.skipIf(process.platform === 'win32')('tightens a key file that others can read', async () => {
    const dir = await tempDir();
    await FileSecretStore.open(dir);
    await chmod(join(dir, SECRET_KEY_FILE), 0o644);
    await FileSecretStore.open(dir);
    expect((await stat(join(dir, SECRET_KEY_FILE))).mode & 0o777).toBe(0o600);
  });

  it('two stores opened at once agree on one key', async () => {
    const dir = await tempDir();
    const stores = await Promise.all(Array.from({ length: 8 }, () => FileSecretStore.open(dir)));
    const sealed = await stores[0]!.protect(secret);
    for (const store of stores) expect(await store.unprotect(sealed)).toEqual(secret);
    expect(await readdir(dir)).toEqual([SECRET_KEY_FILE]);
  });

  it('says plainly that it is weak', async () => {
    const store = await FileSecretStore.open(await tempDir());
    expect(store.security).toMatchObject({ backing: 'file', weak: true });
    expect(store.security.warning).toMatch(/not by the system keychain/);
  });

  it.each([
    ['a flipped ciphertext bit', (b: Uint8Array) => (b[20] = b[20]! ^ 1)],
    ['a flipped tag bit', (b: Uint8Array) => (b[b.length - 1] = b[b.length - 1]! ^ 0x80)],
    ['a flipped IV bit', (b: Uint8Array) => (b[3] = b[3]! ^ 4)],
  ])('detects %s as secret_tampered', async (_name, mutate) => {
    const store = await FileSecretStore.open(await tempDir());
    const sealed = await store.protect(secret);
    mutate(sealed);
    const error = await store.unprotect(sealed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretStoreError);
    expect(error).toMatchObject({ code: 'secret_tampered' });
  });

  it('rejects data protected under another key file as secret_tampered', async () => {
    const sealed = await (await FileSecretStore.open(await tempDir())).protect(secret);
    const other = await FileSecretStore.open(await tempDir());
    await expect(other.unprotect(sealed)).rejects.toMatchObject({ code: 'secret_tampered' });
  });

  it.each([
    ['empty', new Uint8Array()],
    ['truncated', new Uint8Array(20).fill(1)],
    ['unknown version', new Uint8Array(64).fill(9)],
  ])('rejects %s data as secret_corrupt', async (_name, data) => {
    const store = await FileSecretStore.open(await tempDir());
    await expect(store.unprotect(data)).rejects.toMatchObject({ code: 'secret_corrupt' });
  });

  it('refuses a damaged key file with key_corrupt instead of replacing it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, SECRET_KEY_FILE), Buffer.alloc(7));
    await expect(FileSecretStore.open(dir)).rejects.toMatchObject({ code: 'key_corrupt' });
    expect((await readFile(join(dir, SECRET_KEY_FILE))).length).toBe(7);
  });

  it('reports an unusable data folder as key_unavailable', async () => {
    const dir = await tempDir();
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    await expect(FileSecretStore.open(file)).rejects.toMatchObject({ code: 'key_unavailable' });
  });
});
