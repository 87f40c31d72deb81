import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateIdentityKeyPair } from '../../../../shared/crypto/identity';
import { InviteLinkToken } from '../../../../shared/ipc';
import { nodeCryptoProvider as provider } from '../../crypto/node-provider';
import { InviteTokenError, MAX_TOKEN_ADMINS, readInvite, signInvite, verifyInvite, type InviteTerms } from './inviteToken';

const admin = generateIdentityKeyPair(provider).signing;
const stranger = generateIdentityKeyPair(provider).signing;
const terms: InviteTerms = {
  groupId: 'AbCdEfGhIjKlMnOpQrStUg',
  inviteId: 'ZZZZZZZZZZZZZZZZZZZZZw',
  inviter: 'ann',
  inviterDevice: 3,
  groupName: 'Weekend trip ⛰️',
  expiresAt: 1_900_000_000_000,
  maxUses: 5,
  approval: true,
  admins: ['ann', 'ben'],
};

/** The token's bytes with its admin list (['ann', 'ben']: 9 bytes) replaced by `only` (signature kept as it was). */
function withAdminsOnly(bytes: Uint8Array, only: string): Uint8Array {
  const body = bytes.slice(0, bytes.length - 64 - 9);
  return Uint8Array.from([...body, 1, only.length, ...Buffer.from(only), ...bytes.slice(bytes.length - 64)]);
}

function bytesOf(token: string): Uint8Array {
  return new Uint8Array(Buffer.from(token, 'base64url'));
}
const tokenOf = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

describe('invite tokens', () => {
  it('round-trip: what the admin signed is what the joiner reads, and it verifies with the admin device key only', () => {
    const token = signInvite(provider, admin, terms);
    expect(InviteLinkToken.safeParse(token).success).toBe(true);
    const read = readInvite(token);
    expect(read.terms).toEqual(terms);
    expect(verifyInvite(provider, admin.publicKey, read)).toBe(true);
    expect(verifyInvite(provider, stranger.publicKey, read)).toBe(false);
  });

  it('a forged token (signed by another key, or any byte changed after signing) does not verify', () => {
    expect(verifyInvite(provider, admin.publicKey, readInvite(signInvite(provider, stranger, terms)))).toBe(false);
    const bytes = bytesOf(signInvite(provider, admin, terms));
    // Raise the use count from 5 to 6 (offset: version 1 + ids 32 + device 4 + expiry 4 + high byte of u16).
    bytes[1 + 32 + 4 + 4 + 1] = 6;
    const tampered = readInvite(tokenOf(bytes));
    expect(tampered.terms.maxUses).toBe(6);
    expect(verifyInvite(provider, admin.publicKey, tampered)).toBe(false);
  });

  it('the longest group name still makes a token that fits a link', () => {
    const admins = Array.from({ length: MAX_TOKEN_ADMINS }, (_, i) => `${String.fromCharCode(97 + i)}`.repeat(32));
    const token = signInvite(provider, admin, { ...terms, inviter: admins[0]!, groupName: '語'.repeat(100), maxUses: 1000, admins });
    expect(token.length).toBeLessThanOrEqual(1024);
    expect(readInvite(token).terms.groupName).toBe('語'.repeat(100));
    expect(readInvite(token).terms.admins).toEqual(admins);
  });

  it.each([
    ['an unknown version (v1, before links were shared)', (b: Uint8Array) => ((b[0] = 1), b)],
    ['unknown flags', (b: Uint8Array) => ((b[1 + 32 + 4 + 4 + 2] = 3), b)],
    ['a truncated body', (b: Uint8Array) => b.slice(0, 40)],
    ['trailing bytes', (b: Uint8Array) => Uint8Array.from([...b.slice(0, b.length - 64), 0, ...b.slice(b.length - 64)])],
    ['no expiry', (b: Uint8Array) => (b.fill(0, 1 + 32 + 4, 1 + 32 + 8), b)],
    ['device 0', (b: Uint8Array) => (b.fill(0, 1 + 32, 1 + 32 + 4), b)],
    ['a use count over the limit', (b: Uint8Array) => ((b[1 + 32 + 8] = 0xff), b)],
    ['an upper-case inviter', (b: Uint8Array) => ((b[1 + 32 + 11 + 1] = 'A'.charCodeAt(0)), b)],
    ['an admin that is not UTF-8', (b: Uint8Array) => ((b[b.length - 64 - 1] = 0xff), b)],
    ['an admin list without the inviter', (b: Uint8Array) => withAdminsOnly(b, 'ben')],
  ])('refuses %s', (_name, mutate) => {
    const token = tokenOf(mutate(bytesOf(signInvite(provider, admin, terms))));
    expect(() => readInvite(token)).toThrow(InviteTokenError);
  });

  it('refuses text that is not a canonical token', () => {
    for (const text of ['', 'short', 'a'.repeat(1025), 'abc def ghi jkl mno', `${signInvite(provider, admin, terms)}=`]) {
      expect(() => readInvite(text)).toThrow(InviteTokenError);
    }
    // Two base64url texts can decode to the same bytes (unused low bits): only the canonical one is a token.
    const token = signInvite(provider, admin, terms);
    const last = token.at(-1)!;
    const sibling = token.slice(0, -1) + (last === 'A' ? 'B' : 'A');
    if (Buffer.from(sibling, 'base64url').equals(Buffer.from(token, 'base64url'))) expect(() => readInvite(sibling)).toThrow(InviteTokenError);
  });

  it('refuses to sign terms it could not read back', () => {
    expect(() => signInvite(provider, admin, { ...terms, expiresAt: 1_900_000_000_001 })).toThrow();
    expect(() => signInvite(provider, admin, { ...terms, maxUses: 1001 })).toThrow();
    expect(() => signInvite(provider, admin, { ...terms, groupId: 'short' })).toThrow();
    expect(() => signInvite(provider, admin, { ...terms, admins: Array.from({ length: MAX_TOKEN_ADMINS + 1 }, (_, i) => `admin${i}`) })).toThrow();
  });

  it('any text either reads as a token or throws InviteTokenError, and random changes never verify (fuzz)', () => {
    const token = signInvite(provider, admin, terms);
    const bytes = bytesOf(token);
    fc.assert(
      fc.property(fc.string({ maxLength: 1100 }), (text) => {
        try {
          readInvite(text);
        } catch (error) {
          expect(error).toBeInstanceOf(InviteTokenError);
        }
      }),
    );
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const changed = bytes.slice();
        changed[at]! ^= flip;
        try {
          expect(verifyInvite(provider, admin.publicKey, readInvite(tokenOf(changed)))).toBe(false);
        } catch (error) {
          expect(error).toBeInstanceOf(InviteTokenError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
