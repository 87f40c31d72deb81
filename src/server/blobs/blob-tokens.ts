// Short-lived upload and download tokens, verified without state: `v1.<claims>.<mac>`, where the claims (kind,
// blob id, device, size for uploads, expiry) are base64url JSON and the mac is HMAC-SHA256 under the relay's blob
// token secret. Relays that share the secret accept each other's tokens. docs/protocol.md, "Blobs".
import { createHmac, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { bytesEqual } from '../../shared/base';
import { DeviceId, Username } from '../../shared/protocol';

export const BLOB_TOKEN_SECRET_FILE = 'blob-token.key';
export const BLOB_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const MAX_TOKEN_LENGTH = 1024;

export const BlobTokenClaims = z.strictObject({
  kind: z.enum(['upload', 'download']),
  blob: z.string().regex(BLOB_ID_PATTERN),
  user: Username,
  device: DeviceId,
  /** Uploads only: the exact ciphertext length the upload must declare. */
  size: z.number().int().positive().optional(),
  expiresAt: z.number().int().nonnegative(),
});
export type BlobTokenClaims = z.infer<typeof BlobTokenClaims>;

export type TokenCheck = { ok: true; claims: BlobTokenClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' | 'wrong_blob' };

/** A new unguessable blob id: 128 random bits, base64url. */
export function newBlobId(): string {
  return randomBytes(16).toString('base64url');
}

export class BlobTokens {
  constructor(
    private readonly secret: Uint8Array,
    private readonly now: () => number,
  ) {
    if (secret.length < 32) throw new Error('the blob token secret must be at least 32 bytes');
  }

  sign(claims: BlobTokenClaims): string {
    const body = Buffer.from(JSON.stringify(BlobTokenClaims.parse(claims))).toString('base64url');
    return `v1.${body}.${this.mac(body).toString('base64url')}`;
  }

  /** Checks the mac, the expiry, the kind and that the token names `blobId`. */
  verify(token: string, kind: BlobTokenClaims['kind'], blobId: string): TokenCheck {
    if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
    const [version, body, mac, ...rest] = token.split('.');
    if (version !== 'v1' || body === undefined || mac === undefined || rest.length > 0) return { ok: false, reason: 'malformed' };
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(body);
    if (!bytesEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
    let parsed;
    try {
      parsed = BlobTokenClaims.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (!parsed.success) return { ok: false, reason: 'malformed' };
    const claims = parsed.data;
    if (claims.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    if (claims.kind !== kind || claims.blob !== blobId) return { ok: false, reason: 'wrong_blob' };
    return { ok: true, claims };
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.secret).update('parley-blob-token-v1\n').update(body).digest();
  }
}

/** The configured secret, else the one in the data directory, created (0600) on first start. */
export async function loadBlobTokenSecret(dataDir: string, configured: Uint8Array | null): Promise<Uint8Array> {
  if (configured) return configured;
  const file = join(dataDir, BLOB_TOKEN_SECRET_FILE);
  try {
    const existing = await readFile(file);
    if (existing.length >= 32) return new Uint8Array(existing);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32);
  await writeFile(file, secret, { mode: 0o600, flag: 'w' });
  return new Uint8Array(secret);
}
