import { describe, expect, it } from 'vitest';
import { fromBase64 } from '../../shared/encoding/base64';
import { NonceRegistry } from './nonce-registry';

describe('NonceRegistry', () => {
  it('issues distinct 32-byte nonces, each usable once on its own connection', () => {
    const registry = new NonceRegistry(1000, () => 0);
    const a = registry.issue(1);
    const b = registry.issue(2);
    expect(fromBase64(a)).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(registry.consume(b, 1)).toBe('unknown');
    expect(registry.consume(a, 1)).toBe('ok');
    expect(registry.consume(a, 1)).toBe('reused');
    expect(registry.consume(a, 2)).toBe('reused');
    expect(registry.consume(b, 2)).toBe('ok');
    expect(registry.consume('never-issued', 3)).toBe('unknown');
  });

  it('reports expiry, and an expired nonce is still used up', () => {
    let now = 0;
    const registry = new NonceRegistry(1000, () => now);
    const nonce = registry.issue(1);
    now = 1001;
    expect(registry.consume(nonce, 1)).toBe('expired');
    expect(registry.consume(nonce, 1)).toBe('reused');
  });

  it('forgets discarded and old entries', () => {
    let now = 0;
    const registry = new NonceRegistry(1000, () => now);
    const unused = registry.issue(1);
    registry.discard(unused);
    expect(registry.consume(unused, 1)).toBe('unknown');
    registry.consume(registry.issue(2), 2);
    registry.issue(3);
    expect(registry.size).toBe(2);
    now = 5000;
    registry.prune();
    expect(registry.size).toBe(0);
  });
});
