import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeCryptoProvider } from '../crypto/node-provider';
import { FileSecretStore } from '../secrets';
import { VAULT_DIR, Vault } from '../vault';
import { HISTORY_KEY_BYTES, HistoryKey } from './historyKey';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function openVault(dir?: string): Promise<{ dir: string; vault: Vault }> {
  const dataDir = dir ?? (await mkdtemp(join(tmpdir(), 'parley-history-key-')));
  if (!dir) dirs.push(dataDir);
  return { dir: dataDir, vault: await Vault.open({ dataDir, secrets: await FileSecretStore.open(dataDir) }) };
}

describe('HistoryKey', () => {
  it('makes 32 random bytes once and gives the same key after the vault is opened again', async () => {
    const { dir, vault } = await openVault();
    const history = new HistoryKey(vault, nodeCryptoProvider);
    const [first, concurrent] = await Promise.all([history.get(), history.get()]);
    expect(first).toHaveLength(HISTORY_KEY_BYTES);
    expect(Buffer.from(concurrent).equals(Buffer.from(first))).toBe(true);
    await vault.close();
    const reopened = await openVault(dir);
    const again = await new HistoryKey(reopened.vault, nodeCryptoProvider).get();
    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
    await reopened.vault.close();
  });

  it('is kept sealed in the vault: no file of the data folder holds the key bytes', async () => {
    const { dir, vault } = await openVault();
    const key = await new HistoryKey(vault, nodeCryptoProvider).get();
    await vault.close();
    const records = join(dir, VAULT_DIR, 'records');
    for (const file of await readdir(records)) {
      expect(Buffer.from(await readFile(join(records, file))).includes(Buffer.from(key))).toBe(false);
    }
  });

  it('hands out copies: a caller wiping its copy does not change the key', async () => {
    const { vault } = await openVault();
    const history = new HistoryKey(vault, nodeCryptoProvider);
    const first = await history.get();
    const expected = Buffer.from(first);
    first.fill(0);
    expect(Buffer.from(await history.get()).equals(expected)).toBe(true);
    await vault.close();
  });
});
