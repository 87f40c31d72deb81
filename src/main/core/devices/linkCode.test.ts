// The linking code: what a new device shows round-trips exactly; anything else is refused with a reason.
import { describe, expect, it } from 'vitest';
import { LinkCodeError, formatLinkCode, parseLinkCode } from './linkCode';

const code = {
  address: 'k3Fq9v2xYb1LmN0pQrStUw',
  provisioningKey: new Uint8Array(32).fill(7),
  identityKey: new Uint8Array(32).fill(9),
  name: 'Büro-Laptop ✓',
};

describe('linking code', () => {
  it('round-trips, also pasted with white space around it', () => {
    const text = formatLinkCode(code);
    expect(text.startsWith('parley-link:1:')).toBe(true);
    expect(parseLinkCode(`  ${text}\n`)).toEqual(code);
  });

  it.each([
    ['another text', 'hello'],
    ['a missing part', formatLinkCode(code).split(':').slice(0, 5).join(':')],
    ['a short key', formatLinkCode(code).replace(/:[A-Za-z0-9_-]{43}:/, ':AAAA:')],
    ['a bad address', formatLinkCode({ ...code, address: 'short' })],
    ['an empty name', formatLinkCode({ ...code, name: '' })],
    ['a control character in the name', formatLinkCode({ ...code, name: 'a\u0007b' })],
    ['a bidi override in the name', formatLinkCode({ ...code, name: 'a\u202eb' })],
    ['a name too long', formatLinkCode({ ...code, name: 'x'.repeat(41) })],
  ])('refuses %s', (_what, text) => {
    expect(() => parseLinkCode(text)).toThrow(LinkCodeError);
  });
});
