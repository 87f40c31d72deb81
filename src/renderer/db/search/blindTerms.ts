// The blind search index (docs/security.md §10): a message's words reach IndexedDB only as keyed hashes of their
// prefixes (HMAC-SHA-256 under the history terms key, 12 bytes, base64url), so prefix search is an exact lookup
// of one hash and the index never holds a word. Prefixes run from MIN_PREFIX to MAX_PREFIX characters of the
// folded word; longer queries are looked up by their first MAX_PREFIX characters and confirmed on the decrypted text.
import { wordsOf } from './words';

export const MIN_PREFIX = 2;
export const MAX_PREFIX = 12;
const HASH_BYTES = 12;

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The index entry of one prefix (deterministic under one key). */
export async function hashTerm(key: CryptoKey, term: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(term));
  return base64url(new Uint8Array(mac, 0, HASH_BYTES));
}

/** The prefixes a word is indexed under (a one-character word: itself). */
export function prefixesOf(word: string): string[] {
  const chars = [...word];
  if (chars.length < MIN_PREFIX) return [word];
  const prefixes: string[] = [];
  for (let length = MIN_PREFIX; length <= Math.min(chars.length, MAX_PREFIX); length += 1) prefixes.push(chars.slice(0, length).join(''));
  return prefixes;
}

/** The distinct prefixes a text is indexed under. */
export function termPrefixesOf(text: string): string[] {
  return [...new Set(wordsOf(text).flatMap((word) => prefixesOf(word.folded)))];
}

/** The index entries of a text: one hash per distinct prefix of its words. */
export async function blindTermsOf(key: CryptoKey, text: string): Promise<string[]> {
  return (await blindTermsOfAll(key, [text]))[0]!;
}

/**
 * The index entries of several texts, in their order. A prefix the texts share is hashed once (a batch of messages
 * repeats most of its words); nothing is kept after the call.
 */
export async function blindTermsOfAll(key: CryptoKey, texts: readonly string[]): Promise<string[][]> {
  const prefixes = texts.map(termPrefixesOf);
  const distinct = [...new Set(prefixes.flat())];
  const hashes = await Promise.all(distinct.map((prefix) => hashTerm(key, prefix)));
  const hashOf = new Map(distinct.map((prefix, index) => [prefix, hashes[index]!]));
  return prefixes.map((list) => list.map((prefix) => hashOf.get(prefix)!));
}

/** The query's words (folded, distinct) and the hash each is looked up by. */
export async function blindQuery(key: CryptoKey, query: string): Promise<{ words: string[]; hashes: string[] }> {
  const words = [...new Set(wordsOf(query).map((word) => word.folded))];
  const hashes = await Promise.all(words.map((word) => hashTerm(key, [...word].slice(0, MAX_PREFIX).join(''))));
  return { words, hashes };
}

