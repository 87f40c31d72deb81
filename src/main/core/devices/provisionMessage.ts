// What the primary tells a device it links, inside the provisioning cipher (src/shared/crypto/provisioning.ts):
// the account, the account key and the certificate for the new device's key, the account secret the account's
// devices share (it seals device names), and where to fetch the history archive with its one-time key, when the
// user chose to send history along. JSON, checked strictly when opened.
import { z } from 'zod';
import { Ed25519PublicKey, Ed25519Signature, Username, base64Bytes } from '../../../shared/protocol';
import { utf8Decode, utf8Encode } from '../../../shared/encoding/utf8';
import { ArchivePointer } from '../history/HistoryImport';

export const ProvisionMessage = z.strictObject({
  version: z.literal(1),
  user: Username,
  /** The primary's identity key. */
  accountKey: Ed25519PublicKey,
  /** The account key's signature over deviceCertificateBytes(user, the new device's identity key). */
  certificate: Ed25519Signature,
  /** 32 random bytes shared by the account's devices. */
  accountSecret: base64Bytes({ exactBytes: 32 }),
  /** The history archive (docs/protocol.md "History archive"): an attachment stream under a one-time key. */
  history: ArchivePointer.optional(),
});
export type ProvisionMessage = z.infer<typeof ProvisionMessage>;

export function encodeProvisionMessage(message: ProvisionMessage): Uint8Array {
  return utf8Encode(JSON.stringify(ProvisionMessage.parse(message)));
}

/** The message, or undefined when the bytes are not one (never throws on bad input). */
export function decodeProvisionMessage(bytes: Uint8Array): ProvisionMessage | undefined {
  try {
    const parsed = ProvisionMessage.safeParse(JSON.parse(utf8Decode(bytes)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
