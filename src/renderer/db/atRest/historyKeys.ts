// The keys of the history at rest, made in the renderer from the 32 bytes main hands over at unlock
// (IPC `history.key`): HKDF-SHA-256 derives an AES-GCM key for rows and an HMAC-SHA-256 key for the blind search
// index. Both are non-extractable WebCrypto keys; the bytes they came from are wiped once imported.

export interface HistoryKeys {
  /** Seals and opens rows (AES-256-GCM). */
  rows: CryptoKey;
  /** Keyed hashes of search terms (HMAC-SHA-256), the only form in which terms reach IndexedDB. */
  terms: CryptoKey;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Imports the history key; wipes `raw`, whatever happens. */
export async function importHistoryKeys(raw: Uint8Array): Promise<HistoryKeys> {
  const bytes = new Uint8Array(raw);
  try {
    if (raw.length !== 32) throw new RangeError('the history key is 32 bytes');
    const base = await crypto.subtle.importKey('raw', bytes, 'HKDF', false, ['deriveKey']);
    const derive = (info: string, algorithm: AesKeyGenParams | HmacImportParams, usages: KeyUsage[]) =>
      crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: utf8(info) }, base, algorithm, false, usages);
    const [rows, terms] = await Promise.all([
      derive('parley history rows v1', { name: 'AES-GCM', length: 256 }, ['encrypt', 'decrypt']),
      derive('parley history terms v1', { name: 'HMAC', hash: 'SHA-256', length: 256 }, ['sign']),
    ]);
    return { rows, terms };
  } finally {
    bytes.fill(0);
    raw.fill(0);
  }
}
