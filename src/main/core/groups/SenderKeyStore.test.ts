// Which member devices have this device's sender key: a device that turned out re-keyed (stale) is taken off the
// list of its current chain, durably, so the next group send gives it the key again; other devices stay on it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSenderKey } from '../../../shared/crypto/sender-key';
import { nobleCryptoProvider } from '../../../shared/crypto/noble-provider';
import { FileSecretStore } from '../secrets';
import { silentLogger } from '../transport';
import { Vault } from '../vault';
import { SenderKeyStore } from './SenderKeyStore';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function openStore(dir?: string): Promise<{ dir: string; store: SenderKeyStore }> {
  const dataDir = dir ?? (await mkdtemp(join(tmpdir(), 'parley-senderkeys-')));
  if (!dir) dirs.push(dataDir);
  const vault = await Vault.open({ dataDir, secrets: await FileSecretStore.open(dataDir) });
  return { dir: dataDir, store: new SenderKeyStore(vault, silentLogger) };
}

describe('SenderKeyStore.forgetDistributedTo', () => {
  it('takes re-keyed devices off the current chain’s list, durably, and leaves the others', async () => {
    const { dir, store } = await openStore();
    const state = createSenderKey(nobleCryptoProvider);
    await store.saveOwn('g1', { state, epoch: 0 });
    await store.saveDistributedTo('g1', state.chainId, new Set(['bob.1', 'bob.2', 'carol.1']));
    await store.forgetDistributedTo('g1', ['bob.2', 'dave.1']);
    expect([...(await store.distributedTo('g1', state.chainId))].sort()).toEqual(['bob.1', 'carol.1']);
    const { store: reopened } = await openStore(dir);
    expect([...(await reopened.distributedTo('g1', state.chainId))].sort()).toEqual(['bob.1', 'carol.1']);
    // A group without a sender key of this device's: nothing to forget.
    await expect(store.forgetDistributedTo('g2', ['bob.2'])).resolves.toBeUndefined();
  });
});
