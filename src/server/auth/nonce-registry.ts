// Single-use challenge nonces. Each nonce is bound to the connection it was issued on, expires after the TTL,
// and is remembered after use so a replay (on any connection) is told apart from a nonce never issued.
import { randomBytes } from 'node:crypto';
import { toBase64 } from '../../shared/encoding/base64';

export type NonceVerdict = 'ok' | 'reused' | 'expired' | 'unknown';

interface IssuedNonce {
  connectionId: number;
  expiresAt: number;
}

export class NonceRegistry {
  private readonly issued = new Map<string, IssuedNonce>();
  /** Consumed nonces and when they may be forgotten. */
  private readonly consumed = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(connectionId: number): string {
    const nonce = toBase64(randomBytes(32));
    this.issued.set(nonce, { connectionId, expiresAt: this.now() + this.ttlMs });
    return nonce;
  }

  /** Uses up a nonce presented on `connectionId`. Whatever the verdict, the nonce can never succeed again. */
  consume(nonce: string, connectionId: number): NonceVerdict {
    if (this.consumed.has(nonce)) return 'reused';
    const entry = this.issued.get(nonce);
    if (entry === undefined || entry.connectionId !== connectionId) return 'unknown';
    this.issued.delete(nonce);
    const now = this.now();
    // Remember it at least as long as it could have been valid, so replays are reported as such.
    this.consumed.set(nonce, Math.max(entry.expiresAt, now) + this.ttlMs);
    return now > entry.expiresAt ? 'expired' : 'ok';
  }

  /** Forgets a nonce whose connection closed without using it. */
  discard(nonce: string): void {
    this.issued.delete(nonce);
  }

  /** Drops expired bookkeeping; call periodically. */
  prune(): void {
    const now = this.now();
    for (const [nonce, entry] of this.issued) if (entry.expiresAt + this.ttlMs < now) this.issued.delete(nonce);
    for (const [nonce, forgetAt] of this.consumed) if (forgetAt < now) this.consumed.delete(nonce);
  }

  get size(): number {
    return this.issued.size + this.consumed.size;
  }
}
