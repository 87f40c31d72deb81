import { createHook } from 'node:async_hooks';
import * as fsp from 'node:fs/promises';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSecretStore } from '../secrets';
import { MASTER_KEY_FILE } from './MasterKey';
import { VAULT_DIR, Vault } from './Vault';
import { VaultError } from './VaultError';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-vault-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => (data ? new TextDecoder().decode(data) : undefined);

async function openIn(dataDir?: string, fs?: Parameters<typeof Vault.open>[0]['fs']) {
  const dir = dataDir ?? (await tempDir());
  const secrets = await FileSecretStore.open(dir);
  return { dir, vault: await Vault.open({ dataDir: dir, secrets, fs }) };
}

async function recordFiles(dir: string, space = 'records'): Promise<string[]> {
  return (await readdir(join(dir, VAULT_DIR, space))).sort();
}

/** The one file `write` adds to a space. */
async function newFileOf(dir: string, write: () => Promise<void>, space = 'records'): Promise<string> {
  const before = await recordFiles(dir, space);
  await write();
  const added = (await recordFiles(dir, space)).filter((file) => !before.includes(file));
  expect(added).toHaveLength(1);
  return added[0]!;
}

async function errorOf(promise: Promise<unknown>): Promise<VaultError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VaultError);
  return error as VaultError;
}

/** Counts the file system requests Node starts (async_hooks FSREQ*) until `stop`. */
function countFsRequests(): { stop(): number } {
  let count = 0;
  const hook = createHook({
    init: (_id, type) => {
      if (type.startsWith('FSREQ')) count += 1;
    },
  }).enable();
  return {
    stop: () => {
      hook.disable();
      return count;
    },
  };
}

describe('Vault', () => {
  it('round-trips records, also after reopening the folder', async () => {
    const { dir, vault } = await openIn();
    await vault.put('records', 'session:alice:1', bytes('ratchet state'));
    await vault.put('inbox', 'inbox:abc', bytes('a message'));
    expect(text(await vault.get('records', 'session:alice:1'))).toBe('ratchet state');
    expect(await vault.get('records', 'session:bob:1')).toBeUndefined();
    await vault.close();
    const { vault: again } = await openIn(dir);
    expect(text(await again.get('records', 'session:alice:1'))).toBe('ratchet state');
    expect(text(await again.get('inbox', 'inbox:abc'))).toBe('a message');
    const listing = await again.list('inbox');
    expect(listing.failures).toEqual([]);
    expect(listing.records.map((r) => [r.name, text(r.payload)])).toEqual([['inbox:abc', 'a message']]);
    await again.delete('inbox', 'inbox:abc');
    expect(await again.get('inbox', 'inbox:abc')).toBeUndefined();
    expect((await again.list('inbox')).records).toEqual([]);
  });

  it('names files by a keyed hash and never stores a name or content in the clear', async () => {
    const { dir, vault } = await openIn();
    await vault.put('records', 'contact:alice-the-secret', bytes('very private text'));
    for (const file of await recordFiles(dir)) {
      expect(file).toMatch(/^[0-9a-f]{32}$/);
      const raw = Buffer.from(await readFile(join(dir, VAULT_DIR, 'records', file)));
      expect(raw.includes('alice')).toBe(false);
      expect(raw.includes('private')).toBe(false);
    }
    expect((await recordFiles(dir)).join()).not.toContain('alice');
  });

  it('answers a read of a record that is not there without a file system request; one that is there is read', async () => {
    const { vault } = await openIn();
    await vault.put('records', 'contact:alice', bytes('alice'));
    // Main is asked about the files of every purged message, and most have no record.
    const requests = countFsRequests();
    expect(await vault.get('records', 'media/message/none')).toBeUndefined();
    expect(requests.stop()).toBe(0);
    expect(text(await vault.get('records', 'contact:alice'))).toBe('alice');
  });

  it('sees its own newest write at once, and coalesces a burst of writes to one record', async () => {
    const { vault } = await openIn();
    const writes = Array.from({ length: 50 }, (_, i) => vault.put('records', 'counter', bytes(String(i))));
    expect(text(await vault.get('records', 'counter'))).toBe('49');
    await Promise.all(writes);
    expect(text(await vault.get('records', 'counter'))).toBe('49');
  });

  it('rejects a flipped bit anywhere in a record as tampered', async () => {
    const { dir, vault } = await openIn();
    const file = await newFileOf(dir, () => vault.put('records', 'session:alice:1', bytes('state')));
    const path = join(dir, VAULT_DIR, 'records', file);
    const original = await readFile(path);
    for (const index of [1, 10, 30, original.length - 1]) {
      const copy = Buffer.from(original);
      copy[index]! ^= 0x01;
      await writeFile(path, copy);
      expect((await errorOf(vault.get('records', 'session:alice:1'))).code).toBe('vault_record_tampered');
    }
    await writeFile(path, original);
    expect(text(await vault.get('records', 'session:alice:1'))).toBe('state');
  });

  it('rejects a record swapped into another record’s file, or moved to the other space', async () => {
    const { dir, vault } = await openIn();
    const aliceFile = await newFileOf(dir, () => vault.put('records', 'contact:alice', bytes('alice: trusted key A')));
    const malloryFile = await newFileOf(dir, () => vault.put('records', 'contact:mallory', bytes('mallory: key M')));
    await fsp.copyFile(join(dir, VAULT_DIR, 'records', malloryFile), join(dir, VAULT_DIR, 'records', aliceFile));
    expect((await errorOf(vault.get('records', 'contact:alice'))).code).toBe('vault_record_tampered');
    const inboxFile = await newFileOf(dir, () => vault.put('inbox', 'inbox:1', bytes('in the inbox')), 'inbox');
    await fsp.rename(join(dir, VAULT_DIR, 'inbox', inboxFile), join(dir, VAULT_DIR, 'records', inboxFile));
    expect((await vault.list('inbox')).records).toEqual([]);
    expect(await vault.get('inbox', 'inbox:1')).toBeUndefined();
  });

  it('reports a truncated or foreign-format record as corrupt, and list() reports it without failing', async () => {
    const { dir, vault } = await openIn();
    await vault.put('inbox', 'inbox:1', bytes('one'));
    await vault.put('inbox', 'inbox:2', bytes('two'));
    const [first] = await recordFiles(dir, 'inbox');
    await writeFile(join(dir, VAULT_DIR, 'inbox', first!), Buffer.from([0x07, 1, 2, 3]));
    const listing = await vault.list('inbox');
    expect(listing.records).toHaveLength(1);
    expect(listing.failures).toHaveLength(1);
    expect(listing.failures[0]!.error.code).toBe('vault_record_corrupt');
    await vault.discard('inbox', listing.failures[0]!.file);
    expect((await vault.list('inbox')).failures).toEqual([]);
  });

  it('keeps the old content whole when a write crashes before its rename, and cleans the temp file on open', async () => {
    const dir = await tempDir();
    const { vault } = await openIn(dir);
    await vault.put('records', 'session:alice:1', bytes('old state'));
    const crashing = await openIn(dir, {
      open: fsp.open,
      unlink: async () => undefined, // the process "dies": nothing cleans up after the failed rename
      rename: async () => {
        throw Object.assign(new Error('killed'), { code: 'EIO' });
      },
    });
    const error = await errorOf(crashing.vault.put('records', 'session:alice:1', bytes('new state, never renamed')));
    expect(error.code).toBe('vault_io');
    expect((await recordFiles(dir)).some((f) => f.endsWith('.tmp'))).toBe(true);
    const { vault: reopened } = await openIn(dir);
    expect(text(await reopened.get('records', 'session:alice:1'))).toBe('old state');
    expect((await recordFiles(dir)).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('refuses to open with another master key, and reports a locked key as vault_locked', async () => {
    const { dir, vault } = await openIn();
    await vault.put('records', 'session:alice:1', bytes('state'));
    await vault.close();
    // Another vault's master key (protected by the same secret store) in place of this one's.
    const other = await tempDir();
    const secrets = await FileSecretStore.open(dir);
    await Vault.open({ dataDir: other, secrets });
    await writeFile(join(dir, VAULT_DIR, MASTER_KEY_FILE), await readFile(join(other, VAULT_DIR, MASTER_KEY_FILE)));
    expect((await errorOf(Vault.open({ dataDir: dir, secrets }))).code).toBe('vault_key_mismatch');
    // A key protected by a different secret store cannot even be unprotected.
    const stranger = await FileSecretStore.open(await tempDir());
    expect((await errorOf(Vault.open({ dataDir: dir, secrets: stranger }))).code).toBe('vault_locked');
  });

  it('never stores the master key in the clear', async () => {
    const { dir, vault } = await openIn();
    await vault.put('records', 'x', bytes('y'));
    const raw = await readFile(join(dir, VAULT_DIR, MASTER_KEY_FILE));
    expect(raw.length).toBeGreaterThan(32 + 16);
  });
});
