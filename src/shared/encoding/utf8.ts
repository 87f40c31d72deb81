// UTF-8 text ↔ bytes, shared by everything that signs or hashes strings.
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const utf8Encode = (text: string): Uint8Array => encoder.encode(text);
/** Throws a TypeError on malformed UTF-8. */
export const utf8Decode = (bytes: Uint8Array): string => decoder.decode(bytes);
