import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyPreKeyBundle } from '../../../shared/crypto/bundle';
import { generateIdentityKeyPair } from '../../../shared/crypto/identity';
import { KEM_PREKEY_BATCH, ONE_TIME_PREKEY_BATCH, SIGNED_PREKEY_RETENTION_MS, SIGNED_PREKEY_ROTATION_MS } from '../../../shared/crypto/prekeys';
import { nodeCryptoProvider as provider } from '../crypto/node-provider';
import type { RelayPort } from '../messaging/RelayPort';
import { FileSecretStore } from '../secrets';
import { silentLogger, type PrekeyUpload } from '../transport';
import { Vault } from '../vault';
import { PrekeyMaintenance } from './PrekeyMaintenance';
import { PreKeyStore } from './PreKeyStore';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A relay that keeps what is published and counts what is left. */
function fakeRelay() {
  const state = { signedId: null as number | null, oneTime: 0, kem: 0, lastResortId: null as number | null, uploads: [] as PrekeyUpload[] };
  const relay = {
    countPrekeys: async () => ({ oneTimePreKeys: state.oneTime, signedPreKeyId: state.signedId, kemPreKeys: state.kem, lastResortKemPreKeyId: state.lastResortId }),
    publishPrekeys: async (upload: PrekeyUpload) => {
      state.uploads.push(upload);
      if (upload.signedPreKey) state.signedId = upload.signedPreKey.id;
      if (upload.lastResortKemPreKey) state.lastResortId = upload.lastResortKemPreKey.id;
      state.oneTime += upload.oneTimePreKeys.length;
      state.kem += upload.kemPreKeys?.length ?? 0;
      return { oneTimePreKeys: state.oneTime, kemPreKeys: state.kem };
    },
  } as unknown as RelayPort;
  return { relay, state };
}

async function setup(now: { t: number }) {
  const dir = await mkdtemp(join(tmpdir(), 'parley-prekeys-'));
  dirs.push(dir);
  const vault = await Vault.open({ dataDir: dir, secrets: await FileSecretStore.open(dir) });
  const store = new PreKeyStore(vault);
  const identity = generateIdentityKeyPair(provider);
  const { relay, state } = fakeRelay();
  const maintenance = new PrekeyMaintenance({ provider, identity, store, relay, logger: silentLogger, now: () => now.t });
  return { store, identity, state, maintenance };
}

describe('PrekeyMaintenance', () => {
  it('publishes a verifiable signed prekey and a batch of one-time prekeys on first connect, then nothing more', async () => {
    const now = { t: 1_700_000_000_000 };
    const { store, identity, state, maintenance } = await setup(now);
    await maintenance.check();
    expect(state.uploads).toHaveLength(1);
    const upload = state.uploads[0]!;
    expect(upload.oneTimePreKeys).toHaveLength(ONE_TIME_PREKEY_BATCH);
    const bundle = { identityKey: identity.signing.publicKey, signedPreKey: upload.signedPreKey!, oneTimePreKey: upload.oneTimePreKeys[0], kemPreKey: upload.kemPreKeys![0]! };
    expect(upload.kemPreKeys).toHaveLength(KEM_PREKEY_BATCH);
    expect(() => verifyPreKeyBundle(provider, { ...bundle, kemPreKey: upload.lastResortKemPreKey! })).not.toThrow();
    expect(() => verifyPreKeyBundle(provider, bundle)).not.toThrow();
    // The private halves were stored before publishing.
    const local = await store.load();
    expect(local.oneTime.map((k) => k.id)).toEqual(upload.oneTimePreKeys.map((k) => k.id));
    await maintenance.check();
    expect(state.uploads).toHaveLength(1);
  });

  it('refills when the relay runs low or says so, with fresh ids', async () => {
    const now = { t: 1_700_000_000_000 };
    const { state, maintenance } = await setup(now);
    await maintenance.check();
    state.oneTime = 5;
    await maintenance.check();
    expect(state.uploads).toHaveLength(2);
    expect(state.uploads[1]!.signedPreKey).toBeUndefined();
    expect(state.uploads[1]!.oneTimePreKeys[0]!.id).toBe(ONE_TIME_PREKEY_BATCH + 1);
    expect(state.uploads[1]!.kemPreKeys).toBeUndefined();
    await maintenance.refill();
    expect(state.uploads).toHaveLength(3);
    // KEM prekeys run low on their own schedule; ids never collide with the last-resort key's.
    state.kem = 3;
    await maintenance.check();
    const kemIds = state.uploads.at(-1)!.kemPreKeys!.map((k) => k.id);
    expect(kemIds).toHaveLength(KEM_PREKEY_BATCH);
    expect(kemIds).not.toContain(state.lastResortId);
    expect(state.uploads.at(-1)!.oneTimePreKeys).toHaveLength(0);
  });

  it('rotates the last-resort KEM prekey with the signed prekey, republishes it when lost, and keeps it in the vault', async () => {
    const now = { t: 1_700_000_000_000 };
    const { store, state, maintenance } = await setup(now);
    await maintenance.check();
    const first = state.lastResortId!;
    state.lastResortId = null;
    await maintenance.check();
    expect(state.uploads.at(-1)!.lastResortKemPreKey?.id).toBe(first);
    now.t += SIGNED_PREKEY_ROTATION_MS;
    await maintenance.check();
    expect(state.lastResortId).not.toBe(first);
    const local = await store.load();
    expect(local.kem.filter((k) => k.lastResort).map((k) => k.id)).toEqual([first, state.lastResortId]);
    // The stored secret key carries its public key (FIPS 203), so the record round-trips.
    const reopened = new PreKeyStore((store as unknown as { vault: ConstructorParameters<typeof PreKeyStore>[0] }).vault);
    const again = await reopened.load();
    expect(again.kem.map((k) => [k.id, k.keyPair.publicKey.length, k.lastResort])).toEqual(local.kem.map((k) => [k.id, 1184, k.lastResort]));
    expect(again.kem[0]!.keyPair.publicKey).toEqual(local.kem[0]!.keyPair.publicKey);
  });

  it('rotates the signed prekey on schedule and retires replaced ones after the retention window', async () => {
    const now = { t: 1_700_000_000_000 };
    const { store, state, maintenance } = await setup(now);
    await maintenance.check();
    now.t += SIGNED_PREKEY_ROTATION_MS;
    await maintenance.check();
    expect(state.signedId).toBe(2);
    expect((await store.load()).signed.map((k) => k.id)).toEqual([1, 2]);
    // A month on: key 1 (replaced a month ago) goes; key 2, replaced just now by key 3, stays for late messages.
    now.t += SIGNED_PREKEY_RETENTION_MS;
    await maintenance.check();
    expect((await store.load()).signed.map((k) => k.id)).toEqual([2, 3]);
  });

  it('republishes the current signed prekey when the relay lost it', async () => {
    const now = { t: 1_700_000_000_000 };
    const { state, maintenance } = await setup(now);
    await maintenance.check();
    state.signedId = null;
    await maintenance.check();
    expect(state.uploads.at(-1)?.signedPreKey?.id).toBe(1);
  });
});
