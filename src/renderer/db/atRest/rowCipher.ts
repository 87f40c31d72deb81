// Sealing the fields of a row that no index needs: JSON (bytes kept as base64) encrypted with AES-256-GCM under
// the history key, a fresh 96-bit nonce per write, and the table's name as associated data (a row moved to
// another table does not open). Format: version byte 1 ‖ nonce (12) ‖ ciphertext and tag.
import { fromBase64, toBase64 } from '../../../shared/encoding/base64';

const FORMAT = 1;
const NONCE_BYTES = 12;
const BYTES_TAG = '\u0000bytes';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
/** The associated data of each table, made once (every row sealed or opened needs it). */
const aads = new Map<string, Uint8Array<ArrayBuffer>>();
function aad(table: string): Uint8Array<ArrayBuffer> {
  let bytes = aads.get(table);
  if (!bytes) aads.set(table, (bytes = encoder.encode(`parley.history.v1/${table}`)));
  return bytes;
}

function replacer(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? { [BYTES_TAG]: toBase64(value) } : value;
}

/** Whether bytes are anywhere in the fields: only then does the JSON need the replacer (a row of text is stringified without one, much faster). */
function hasBytes(value: unknown): boolean {
  if (value instanceof Uint8Array) return true;
  if (typeof value !== 'object' || value === null) return false;
  for (const inner of Array.isArray(value) ? value : Object.values(value)) if (hasBytes(inner)) return true;
  return false;
}

/**
 * Nonces come from a pool filled by one getRandomValues call (a catch-up seals thousands of rows): each is 12 fresh
 * random bytes, handed out once — the pool is replaced, never refilled in place, so a nonce handed out is never
 * overwritten or handed out again.
 */
const NONCES_PER_POOL = 4_096;
let noncePool = new Uint8Array(0);
let nonceAt = 0;
function freshNonce(): Uint8Array<ArrayBuffer> {
  if (nonceAt + NONCE_BYTES > noncePool.length) {
    noncePool = crypto.getRandomValues(new Uint8Array(NONCE_BYTES * NONCES_PER_POOL));
    nonceAt = 0;
  }
  const nonce = noncePool.subarray(nonceAt, nonceAt + NONCE_BYTES);
  nonceAt += NONCE_BYTES;
  return nonce;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[BYTES_TAG] === 'string') {
    return fromBase64((value as Record<string, string>)[BYTES_TAG]!);
  }
  return value;
}

export async function sealFields(key: CryptoKey, table: string, fields: Record<string, unknown>): Promise<Uint8Array> {
  const nonce = freshNonce();
  const json = hasBytes(fields) ? JSON.stringify(fields, replacer) : JSON.stringify(fields);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad(table) }, key, encoder.encode(json)));
  const sealed = new Uint8Array(1 + NONCE_BYTES + ciphertext.length);
  sealed[0] = FORMAT;
  sealed.set(nonce, 1);
  sealed.set(ciphertext, 1 + NONCE_BYTES);
  // What this page wrote is read back soon (the chat list shows the newest message; the next receive batch reads the
  // conversation rows this one wrote): it opens from here, with no decryption.
  remember(key, table, sealed, json);
  return sealed;
}

/**
 * Rows opened or sealed lately, by key, table, nonce and tag (which, under one key, identify the ciphertext): a chat's
 * window is read again on every change to it, and its unchanged rows then cost a JSON parse instead of a decryption;
 * a row this page just sealed opens without one too. Holds plaintext JSON in memory only, a bounded number of rows,
 * and hands out a fresh object every time.
 */
const OPENED_LIMIT = 4_000;
const opened = new WeakMap<CryptoKey, Map<string, string>>();

function cacheKey(table: string, sealed: Uint8Array): string {
  let id = `${table}\u0000`;
  for (const byte of sealed.subarray(1, 1 + NONCE_BYTES)) id += String.fromCharCode(byte);
  for (const byte of sealed.subarray(sealed.length - 16)) id += String.fromCharCode(byte);
  return id;
}

function remember(key: CryptoKey, table: string, sealed: Uint8Array, json: string): void {
  let cache = opened.get(key);
  if (!cache) opened.set(key, (cache = new Map()));
  cache.set(cacheKey(table, sealed), json);
  if (cache.size > OPENED_LIMIT) cache.delete(cache.keys().next().value!);
}

function checkFormat(sealed: Uint8Array): void {
  if (sealed[0] !== FORMAT || sealed.length < 1 + NONCE_BYTES + 16) throw new Error('not a sealed history row');
}

/**
 * The row's fields when they were opened or sealed lately (see above), at once; undefined when opening them needs a
 * decryption. Throws on bytes that are not a sealed row.
 */
export function openCachedFields(key: CryptoKey, table: string, sealed: Uint8Array): Record<string, unknown> | undefined {
  checkFormat(sealed);
  const json = opened.get(key)?.get(cacheKey(table, sealed));
  return json === undefined ? undefined : (JSON.parse(json, reviver) as Record<string, unknown>);
}

/** Throws when the bytes were not sealed with this key for this table (tampered, or another profile's). */
export async function openFields(key: CryptoKey, table: string, sealed: Uint8Array<ArrayBuffer>): Promise<Record<string, unknown>> {
  const cached = openCachedFields(key, table, sealed);
  if (cached) return cached;
  const plaintext = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: sealed.subarray(1, 1 + NONCE_BYTES), additionalData: aad(table) },
    key,
    sealed.subarray(1 + NONCE_BYTES),
  );
  const json = decoder.decode(plaintext);
  remember(key, table, sealed, json);
  return JSON.parse(json, reviver) as Record<string, unknown>;
}
