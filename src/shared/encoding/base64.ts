// Standard base64 (RFC 4648 §4, with padding) for bytes on the wire and at rest.
// Runs anywhere: uses only the btoa/atob globals that Node and browsers both provide.

const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const CHUNK = 0x8000;

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/** Decodes base64; throws a RangeError on anything that is not canonical padded base64. */
export function fromBase64(text: string): Uint8Array {
  if (!isBase64(text)) throw new RangeError('not valid base64');
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function isBase64(text: string): boolean {
  return BASE64_PATTERN.test(text);
}

/** Number of bytes a valid base64 string decodes to, without decoding it. */
export function base64DecodedLength(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}
