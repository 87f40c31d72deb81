// Relay-level message ids. The relay deduplicates by (sender, message id), so each separately encrypted copy of
// one end-to-end message (one per device, one per fan-out chunk, one per control message) needs its own id —
// derived, not random, so that resending the same message after a lost answer reuses it and stays single.
import { createHash } from 'node:crypto';

const DOMAIN = 'parley-relay-id-v1';

/** 32 characters of base64url from SHA-256 over the parts; inside the relay's [A-Za-z0-9_-]{1,64}. */
export function relayMessageId(...parts: readonly (string | number)[]): string {
  const hash = createHash('sha256').update(DOMAIN);
  for (const part of parts) hash.update('\u0000').update(String(part));
  return hash.digest('base64url').slice(0, 32);
}
