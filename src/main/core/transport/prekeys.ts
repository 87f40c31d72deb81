// The transport's side of the relay's prekey directory: checks requests before they leave, so one that can never
// succeed fails at once and non-retryably, and turns the relay's base64 answers into bytes. Never logs key material.
import {
  MAX_KEM_PREKEYS_PER_PUBLISH,
  MAX_PREKEYS_PER_PUBLISH,
  PublishPrekeysFrame,
  Username,
  normalizeUsername,
  type PrekeyBundlesFrame,
} from '../../../shared/protocol';
import { fromBase64, toBase64 } from '../../../shared/encoding/base64';
import { TransportError } from './errors';
import type { PrekeyBundles, PrekeyUpload } from './types';

export type PublishFields = Pick<PublishPrekeysFrame, 'signedPrekey' | 'oneTimePrekeys' | 'kemPrekeys' | 'lastResortKemPrekey'>;

/** The wire fields of a publish, or a non-retryable `invalid_request`. */
export function publishFields(upload: PrekeyUpload): PublishFields {
  const invalid = (reason: string) => new TransportError('invalid_request', `The encryption keys cannot be published: ${reason}.`, false);
  if (typeof upload !== 'object' || upload === null || !Array.isArray(upload.oneTimePreKeys)) throw invalid('no one-time prekey list');
  if (upload.oneTimePreKeys.length > MAX_PREKEYS_PER_PUBLISH) {
    throw invalid(`at most ${MAX_PREKEYS_PER_PUBLISH} one-time prekeys per publish, got ${upload.oneTimePreKeys.length}`);
  }
  if ((upload.kemPreKeys?.length ?? 0) > MAX_KEM_PREKEYS_PER_PUBLISH) {
    throw invalid(`at most ${MAX_KEM_PREKEYS_PER_PUBLISH} KEM prekeys per publish, got ${upload.kemPreKeys!.length}`);
  }
  const base64 = (bytes: unknown, what: string): string => {
    if (!(bytes instanceof Uint8Array)) throw invalid(`${what} must be bytes`);
    return toBase64(bytes);
  };
  const signedKey = (key: { id: number; publicKey: unknown; signature: unknown }, what: string) => ({
    id: key.id,
    publicKey: base64(key.publicKey, what),
    signature: base64(key.signature, `${what}'s signature`),
  });
  const signed = upload.signedPreKey;
  const fields: PublishFields = {
    ...(signed === undefined
      ? {}
      : {
          signedPrekey: {
            id: signed.id,
            publicKey: base64(signed.publicKey, 'the signed prekey'),
            signature: base64(signed.signature, 'the signed prekey signature'),
          },
        }),
    oneTimePrekeys: upload.oneTimePreKeys.map((key) => ({ id: key.id, publicKey: base64(key.publicKey, 'a one-time prekey') })),
    ...(upload.kemPreKeys === undefined ? {} : { kemPrekeys: upload.kemPreKeys.map((key) => signedKey(key, 'a KEM prekey')) }),
    ...(upload.lastResortKemPreKey === undefined ? {} : { lastResortKemPrekey: signedKey(upload.lastResortKemPreKey, 'the last-resort KEM prekey') }),
  };
  const parsed = PublishPrekeysFrame.safeParse({ type: 'publish_prekeys', rid: 0, ...fields });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${issue?.message ?? 'invalid'} at ${issue?.path.join('.') || 'frame'}`);
  }
  return fields;
}

/** The normalized username to fetch bundles of, or a non-retryable `invalid_request`. */
export function fetchableUser(user: string): string {
  if (!Username.safeParse(user).success) {
    throw new TransportError('invalid_request', 'That is not a valid username (3–32 letters, digits, “_”, “.” or “-”).', false);
  }
  return normalizeUsername(user);
}

/**
 * The relay's bundles as bytes; the frame was validated against its schema already. A device that has published no
 * KEM prekey cannot be reached with PQXDH and is left out (a device of this version always publishes one).
 */
export function decodeBundles(frame: PrekeyBundlesFrame): PrekeyBundles {
  return {
    user: frame.user,
    accountKey: fromBase64(frame.accountKey),
    devices: frame.devices.flatMap(({ kemPrekey, ...entry }) => (kemPrekey === undefined ? [] : [{ ...entry, kemPrekey }])).map((entry) => ({
      device: entry.device,
      ...(entry.certificate === undefined ? {} : { certificate: fromBase64(entry.certificate) }),
      bundle: {
        identityKey: fromBase64(entry.identityKey),
        signedPreKey: {
          id: entry.signedPrekey.id,
          publicKey: fromBase64(entry.signedPrekey.publicKey),
          signature: fromBase64(entry.signedPrekey.signature),
        },
        oneTimePreKey:
          entry.oneTimePrekey === undefined
            ? undefined
            : { id: entry.oneTimePrekey.id, publicKey: fromBase64(entry.oneTimePrekey.publicKey) },
        kemPreKey: { id: entry.kemPrekey.id, publicKey: fromBase64(entry.kemPrekey.publicKey), signature: fromBase64(entry.kemPrekey.signature) },
      },
    })),
  };
}
