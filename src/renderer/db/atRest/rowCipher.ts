// Sealing the fields of a row that no index needs: JSON (bytes kept as base64) encrypted with AES-256-GCM under
// the history key, a fresh 96-bit nonce per write, and the table's name as associated data (a row moved to
// another table does not open). Format: version byte 1 ‖ nonce (12) ‖ ciphertext and tag.
import { fromBase64, toBase64 } from '../../../shared/encoding/base64';

const FORMAT = 1;
const NONCE_BYTES = 12;
const BYTES_TAG = '\u0000bytes';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const aad = (table: string) => encoder.encode(`parley.history.v1/${table}`);

function replacer(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? { [BYTES_TAG]: toBase64(value) } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[BYTES_TAG] === 'string') {
    return fromBase64((value as Record<string, string>)[BYTES_TAG]!);
  }
  return value;
}

export async function sealFields(key: CryptoKey, table: string, fields: Record<string, unknown>): Promise<Uint8Array> {
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const plaintext = encoder.encode(JSON.stringify(fields, replacer));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad(table) }, key, plaintext));
  const sealed = new Uint8Array(1 + NONCE_BYTES + ciphertext.length);
  sealed[0] = FORMAT;
  sealed.set(nonce, 1);
  sealed.set(ciphertext, 1 + NONCE_BYTES);
  return sealed;
}

/** Throws when the bytes were not sealed with this key for this table (tampered, or another profile's). */
export async function openFields(key: CryptoKey, table: string, sealed: Uint8Array<ArrayBuffer>): Promise<Record<string, unknown>> {
  if (sealed[0] !== FORMAT || sealed.length < 1 + NONCE_BYTES + 16) throw new Error('not a sealed history row');
  const plaintext = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: sealed.subarray(1, 1 + NONCE_BYTES), additionalData: aad(table) },
    key,
    sealed.subarray(1 + NONCE_BYTES),
  );
  return JSON.parse(decoder.decode(plaintext), reviver) as Record<string, unknown>;
}
