// The relay's prekey directory (PQXDH §3.2): a device publishes its signed prekey, one-time prekeys, signed one-time
// KEM prekeys and a last-resort KEM prekey; anyone authenticated fetches a bundle per device of a user, consuming one
// one-time prekey of each kind (the last-resort KEM prekey is served when the KEM queue is empty). Decides and answers
// with frames; never touches a socket, and never logs a key, a signature, or who fetched whose bundle.
import { KeyedQueue } from '../../shared/base';
import { fromBase64 } from '../../shared/encoding/base64';
import { kemPreKeySigningBytes, signedPreKeySigningBytes } from '../../shared/crypto/prekeys';
import {
  MAX_PREKEY_BUNDLES,
  addressKey,
  type Address,
  type CountPrekeysFrame,
  type ErrorCode,
  type FetchPrekeysFrame,
  type KemPrekey,
  type PrekeysLowFrame,
  type PublishPrekeysFrame,
  type ServerFrame,
  type SignedPrekey,
} from '../../shared/protocol';
import { verifyEd25519 } from '../auth/ed25519';
import type { RelayConfig } from '../config';
import { TokenBucketLimiter } from '../limits/rate-limiter';
import type { Logger } from '../log';
import type { AccountStore, PrekeyStore, TakenBundle } from '../store/relay-store';

export type PrekeyRequestFrame = PublishPrekeysFrame | FetchPrekeysFrame | CountPrekeysFrame;

export type PrekeyAnswer =
  | { ok: true; frame: ServerFrame }
  | {
      ok: false;
      code: ErrorCode;
      message: string;
      retryAfterMs?: number;
      /** A correct client never causes this refusal: it counts towards the connection's abuse limit. */
      abuse: boolean;
    };

export interface PrekeyDirectoryOptions {
  store: Pick<AccountStore, 'findDevice'> & PrekeyStore;
  config: Pick<RelayConfig, 'prekeyCap' | 'prekeyLowThreshold' | 'fetchRatePerSecond' | 'fetchRateBurst'>;
  /** Pushes a frame to the device's live connection, if it has one. */
  push: (device: Address, frame: PrekeysLowFrame) => void;
  now: () => number;
  logger: Logger;
}

export class PrekeyDirectory {
  /** Per fetching device, not per connection: reconnecting does not refill it. */
  private readonly fetchLimiter: TokenBucketLimiter;
  /** One device's prekey requests are answered in the order sent. */
  private readonly requests = new KeyedQueue();

  constructor(private readonly options: PrekeyDirectoryOptions) {
    this.fetchLimiter = new TokenBucketLimiter(options.config.fetchRatePerSecond, options.config.fetchRateBurst, options.now);
  }

  /** Answers one prekey request of the authenticated `device`. Rejects only when the store fails. */
  handle(device: Address, frame: PrekeyRequestFrame): Promise<PrekeyAnswer> {
    if (frame.type === 'fetch_prekeys') {
      // Checked on arrival, before queueing: the bucket bounds how fast anyone can drain one-time prekeys.
      const rate = this.fetchLimiter.take(addressKey(device));
      if (!rate.ok) {
        return Promise.resolve(
          refuse('rate_limited', `too many prekey fetches; retry in ${rate.retryAfterMs} ms`, { retryAfterMs: rate.retryAfterMs }),
        );
      }
    }
    return this.requests.run(addressKey(device), () => {
      switch (frame.type) {
        case 'publish_prekeys':
          return this.publish(device, frame);
        case 'fetch_prekeys':
          return this.fetch(device, frame);
        case 'count_prekeys':
          return this.count(device, frame);
      }
    });
  }

  /** Forgets idle fetch buckets; call periodically. */
  prune(): void {
    this.fetchLimiter.prune();
  }

  private async publish(device: Address, frame: PublishPrekeysFrame): Promise<PrekeyAnswer> {
    const record = await this.options.store.findDevice(device);
    if (record === undefined) return refuse('internal', 'this device is not registered on the relay');
    const signed = frame.signedPrekey;
    if (signed !== undefined && !signatureVerifies(record.identityKey, signed)) {
      this.options.logger.info('relay.prekey_signature_rejected', {});
      return refuse('bad_prekey_signature', 'the signed prekey’s signature does not verify with this device’s identity key; nothing stored', {
        abuse: true,
      });
    }
    const kemKeys = [...(frame.kemPrekeys ?? []), ...(frame.lastResortKemPrekey ? [frame.lastResortKemPrekey] : [])];
    if (kemKeys.some((key) => !kemSignatureVerifies(record.identityKey, key))) {
      this.options.logger.info('relay.prekey_signature_rejected', {});
      return refuse('bad_prekey_signature', 'a KEM prekey’s signature does not verify with this device’s identity key; nothing stored', {
        abuse: true,
      });
    }
    const cap = this.options.config.prekeyCap;
    const outcome = await this.options.store.publishPrekeys({
      device,
      signedPrekey: signed,
      oneTimePrekeys: frame.oneTimePrekeys,
      ...(frame.kemPrekeys ? { kemPrekeys: frame.kemPrekeys } : {}),
      ...(frame.lastResortKemPrekey ? { lastResortKemPrekey: frame.lastResortKemPrekey } : {}),
      cap,
      now: this.options.now(),
    });
    switch (outcome.status) {
      case 'published':
        return answer({ type: 'prekeys_published', rid: frame.rid, oneTimePrekeys: outcome.oneTimePrekeys, kemPrekeys: outcome.kemPrekeys });
      case 'cap_exceeded':
        return refuse(
          'too_many_prekeys',
          `the relay holds ${outcome.held} one-time prekeys for this device and keeps at most ${cap}; ` +
            `this upload would make ${outcome.wouldHold}; nothing stored`,
        );
      case 'unknown_device':
        return refuse('internal', 'this device is not registered on the relay');
    }
  }

  private async fetch(device: Address, frame: FetchPrekeysFrame): Promise<PrekeyAnswer> {
    const outcome = await this.options.store.takePrekeyBundles({ user: frame.user, exclude: device }, MAX_PREKEY_BUNDLES);
    switch (outcome.status) {
      case 'unknown_user':
        return refuse('unknown_user', 'no user with this name on this relay');
      case 'no_prekeys':
        return refuse('no_prekeys', 'no device of this user has published prekeys yet');
      case 'taken':
        this.warnLow(outcome.user, outcome.bundles);
        return answer({
          type: 'prekey_bundles',
          rid: frame.rid,
          user: outcome.user,
          accountKey: outcome.accountKey,
          devices: outcome.bundles.map((bundle) => ({
            device: bundle.device,
            identityKey: bundle.identityKey,
            ...(bundle.certificate === undefined ? {} : { certificate: bundle.certificate }),
            signedPrekey: bundle.signedPrekey,
            ...(bundle.oneTimePrekey === undefined ? {} : { oneTimePrekey: bundle.oneTimePrekey }),
            ...(bundle.kemPrekey === undefined ? {} : { kemPrekey: bundle.kemPrekey }),
          })),
        });
    }
  }

  private async count(device: Address, frame: CountPrekeysFrame): Promise<PrekeyAnswer> {
    const count = await this.options.store.countPrekeys(device);
    return answer({ type: 'prekey_count', rid: frame.rid, ...count });
  }

  /** Tells each online device this fetch left short of one-time prekeys, so it publishes more. */
  private warnLow(user: string, bundles: readonly TakenBundle[]): void {
    const threshold = this.options.config.prekeyLowThreshold;
    for (const bundle of bundles) {
      const curveLow = bundle.oneTimePrekey !== undefined && bundle.oneTimePrekeysLeft < threshold;
      // KEM prekeys are kept fewer (they are 1.2 KB each): low below a quarter of the curve threshold.
      const kemLow = bundle.kemPrekeyConsumed && bundle.kemPrekeysLeft < Math.ceil(threshold / 4);
      if (!curveLow && !kemLow) continue;
      this.options.push(
        { user, device: bundle.device },
        { type: 'prekeys_low', oneTimePrekeys: bundle.oneTimePrekeysLeft, kemPrekeys: bundle.kemPrekeysLeft },
      );
    }
  }
}

function signatureVerifies(identityKey: string, signed: SignedPrekey): boolean {
  try {
    return verifyEd25519(identityKey, signedPreKeySigningBytes(signed.id, fromBase64(signed.publicKey)), signed.signature);
  } catch {
    // The frame schema already fixed the key length; anything that still fails to encode cannot verify.
    return false;
  }
}

function kemSignatureVerifies(identityKey: string, key: KemPrekey): boolean {
  try {
    return verifyEd25519(identityKey, kemPreKeySigningBytes(key.id, fromBase64(key.publicKey)), key.signature);
  } catch {
    return false;
  }
}

function answer(frame: ServerFrame): PrekeyAnswer {
  return { ok: true, frame };
}

function refuse(code: ErrorCode, message: string, extra: { retryAfterMs?: number; abuse?: boolean } = {}): PrekeyAnswer {
  return { ok: false, code, message, abuse: extra.abuse ?? false, ...(extra.retryAfterMs === undefined ? {} : { retryAfterMs: extra.retryAfterMs }) };
}
