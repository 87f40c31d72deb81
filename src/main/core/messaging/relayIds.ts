// Relay-level message ids. The relay deduplicates by (sender, message id), so each separately encrypted copy of
// one end-to-end message (one per device, one per fan-out chunk, one per control message) needs its own id —
// derived, not random, so that resending the same message after a lost answer reuses it and stays single.
// An id starts with the time part of the end-to-end message's ULID, so one device's ids sort by time: the relay
// keeps its dedup records ordered by id, and time-ordered ids append to that index instead of landing on random
// pages of it (docs/protocol.md). The relay learns the message's creation time, to the millisecond (docs/security.md §5).
import { createHash } from 'node:crypto';
import { isValid } from 'ulid';

const DOMAIN = 'parley-relay-id-v2';
/** A ULID's first 10 characters are its time: milliseconds in Crockford base32, sortable as text. */
const TIME_CHARS = 10;
const HASH_CHARS = 22;
/** For copies that belong to no end-to-end message (sender-key distributions): they sort before all others. */
const NO_TIME = '0'.repeat(TIME_CHARS);

/**
 * 32 characters inside the relay's [A-Za-z0-9_-]{1,64}: the time of `messageId` (a ULID; NO_TIME for null or
 * anything else), then base64url SHA-256 over the kind, the message id and the other parts.
 */
export function relayMessageId(kind: string, messageId: string | null, ...parts: readonly (string | number)[]): string {
  const time = messageId !== null && isValid(messageId) ? messageId.slice(0, TIME_CHARS).toUpperCase() : NO_TIME;
  const hash = createHash('sha256').update(DOMAIN);
  for (const part of [kind, messageId ?? '', ...parts]) hash.update('\u0000').update(String(part));
  return time + hash.digest('base64url').slice(0, HASH_CHARS);
}
