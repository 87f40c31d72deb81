// Keeps this device reachable for new PQXDH sessions: on every `online` it asks the relay what it holds, publishes a
// signed prekey and a last-resort KEM prekey if the relay has none or an old one, rotates both on the crypto layer's
// schedule (retiring replaced ones after their retention window), and refills one-time prekeys — curve and KEM —
// when they run low or the relay says `prekeysLow`. Private halves are stored before the public ones are published.
// Runs one pass at a time.
import type { IdentityKeyPair } from '../../../shared/crypto/identity';
import {
  KEM_PREKEY_BATCH,
  KEM_PREKEY_LOW_WATER,
  ONE_TIME_PREKEY_BATCH,
  generateKemOneTimePreKeys,
  generateKemPreKey,
  generateOneTimePreKeys,
  generateSignedPreKey,
  needsOneTimePreKeyRefill,
  nextPreKeyId,
  shouldRotateSignedPreKey,
  signedPreKeysToRetire,
  type KemPreKey,
  type SignedPreKey,
} from '../../../shared/crypto/prekeys';
import type { CryptoProvider } from '../../../shared/crypto/provider';
import type { RelayPort } from '../messaging/RelayPort';
import type { Logger } from '../transport';
import type { PreKeyStore } from './PreKeyStore';

export interface PrekeyMaintenanceOptions {
  provider: CryptoProvider;
  identity: IdentityKeyPair;
  store: PreKeyStore;
  relay: RelayPort;
  logger: Logger;
  now?: () => number;
}

export class PrekeyMaintenance {
  private running: Promise<void> | null = null;
  private again = false;
  private refillWanted = false;

  constructor(private readonly options: PrekeyMaintenanceOptions) {}

  /** Call on every `online`: checks the relay's view and fixes what is missing. */
  check(): Promise<void> {
    return this.schedule();
  }

  /** The relay reported few one-time prekeys left. */
  refill(): Promise<void> {
    this.refillWanted = true;
    return this.schedule();
  }

  /** Resolves when no pass is running (shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private schedule(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const pass = this.pass()
      .catch((error: unknown) => {
        // Offline or a relay hiccup: the next `online` runs another pass.
        this.options.logger.warn('prekeys.maintenance_failed', { error: describe(error) });
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          void this.schedule();
        }
      });
    this.running = pass;
    return pass;
  }

  private async pass(): Promise<void> {
    const { relay, store, provider, identity } = this.options;
    const now = this.options.now?.() ?? Date.now();
    const count = await relay.countPrekeys();
    let state = await store.load();
    let current = state.currentSignedId === null ? undefined : store.signedPreKey(state, state.currentSignedId);

    let publishSigned: SignedPreKey | undefined;
    if (!current || shouldRotateSignedPreKey(current, now)) {
      const fresh = generateSignedPreKey(provider, identity, state.nextSignedId, now);
      state = await store.update((s) => ({
        ...s,
        signed: [...s.signed, fresh],
        currentSignedId: fresh.id,
        nextSignedId: nextPreKeyId(fresh.id),
      }));
      current = fresh;
      publishSigned = fresh;
      this.options.logger.info('prekeys.signed_rotated', { id: fresh.id });
    } else if (count.signedPreKeyId !== current.id) {
      publishSigned = current;
    }

    const retire = signedPreKeysToRetire(state.signed, current.id, now);
    if (retire.length > 0) state = await store.update((s) => ({ ...s, signed: s.signed.filter((k) => !retire.includes(k.id)) }));

    // The last-resort KEM prekey follows the signed prekey's schedule and retention.
    let lastResort = state.currentLastResortKemId === null ? undefined : store.kemPreKey(state, state.currentLastResortKemId);
    let publishLastResort: KemPreKey | undefined;
    if (!lastResort || shouldRotateSignedPreKey(lastResort, now)) {
      const fresh = generateKemPreKey(provider, identity, state.nextKemId, now, true);
      state = await store.update((s) => ({ ...s, kem: [...s.kem, fresh], currentLastResortKemId: fresh.id, nextKemId: nextPreKeyId(fresh.id) }));
      lastResort = fresh;
      publishLastResort = fresh;
    } else if (count.lastResortKemPreKeyId !== lastResort.id) {
      publishLastResort = lastResort;
    }
    const retireKem = signedPreKeysToRetire(state.kem.filter((k) => k.lastResort), lastResort.id, now);
    if (retireKem.length > 0) state = await store.update((s) => ({ ...s, kem: s.kem.filter((k) => !retireKem.includes(k.id)) }));

    const refill = this.refillWanted || needsOneTimePreKeyRefill(count.oneTimePreKeys);
    const refillKem = this.refillWanted || needsOneTimePreKeyRefill(count.kemPreKeys, KEM_PREKEY_LOW_WATER);
    this.refillWanted = false;
    let oneTime: ReturnType<typeof generateOneTimePreKeys> = [];
    if (refill) {
      oneTime = generateOneTimePreKeys(provider, state.nextOneTimeId, ONE_TIME_PREKEY_BATCH);
      const last = oneTime[oneTime.length - 1]!;
      state = await store.update((s) => ({ ...s, oneTime: [...s.oneTime, ...oneTime], nextOneTimeId: nextPreKeyId(last.id) }));
    }
    let kem: KemPreKey[] = [];
    if (refillKem) {
      kem = generateKemOneTimePreKeys(provider, identity, state.nextKemId, KEM_PREKEY_BATCH, now);
      const last = kem[kem.length - 1]!;
      await store.update((s) => ({ ...s, kem: [...s.kem, ...kem], nextKemId: nextPreKeyId(last.id) }));
    }
    if (!publishSigned && !publishLastResort && oneTime.length === 0 && kem.length === 0) return;
    const signedKey = (k: { id: number; keyPair: { publicKey: Uint8Array }; signature: Uint8Array }) => ({
      id: k.id,
      publicKey: k.keyPair.publicKey,
      signature: k.signature,
    });
    const published = await relay.publishPrekeys({
      ...(publishSigned ? { signedPreKey: signedKey(publishSigned) } : {}),
      oneTimePreKeys: oneTime.map((k) => ({ id: k.id, publicKey: k.keyPair.publicKey })),
      ...(kem.length > 0 ? { kemPreKeys: kem.map(signedKey) } : {}),
      ...(publishLastResort ? { lastResortKemPreKey: signedKey(publishLastResort) } : {}),
    });
    this.options.logger.info('prekeys.published', {
      signed: publishSigned !== undefined,
      lastResortKem: publishLastResort !== undefined,
      oneTime: oneTime.length,
      kem: kem.length,
      held: published.oneTimePreKeys,
      heldKem: published.kemPreKeys,
    });
  }
}

function describe(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) return String((error as { code: unknown }).code);
  return error instanceof Error ? error.name : typeof error;
}
