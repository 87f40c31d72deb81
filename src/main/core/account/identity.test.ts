import { describe, expect, it } from 'vitest';
import { generateIdentity, identityFromPrivateKey, identitySigner, verifyIdentitySignature } from './identity';

describe('identity keys', () => {
  it('generates distinct Ed25519 key pairs whose signatures verify', async () => {
    const a = generateIdentity();
    const b = generateIdentity();
    expect(a.publicKey).toHaveLength(32);
    expect(a.privateKey).toHaveLength(32);
    expect(Buffer.from(a.privateKey).equals(Buffer.from(b.privateKey))).toBe(false);
    const message = new TextEncoder().encode('parley');
    const signature = await identitySigner(a).sign(message);
    expect(signature).toHaveLength(64);
    expect(verifyIdentitySignature(signature, message, a.publicKey)).toBe(true);
    expect(verifyIdentitySignature(signature, message, b.publicKey)).toBe(false);
  });

  it('rebuilds the public key from the private key', () => {
    const a = generateIdentity();
    expect(identityFromPrivateKey(a.privateKey).publicKey).toEqual(a.publicKey);
    expect(() => identityFromPrivateKey(new Uint8Array(31))).toThrow(RangeError);
  });

  it('matches the RFC 8032 test vector 1', async () => {
    const privateKey = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    const identity = identityFromPrivateKey(new Uint8Array(privateKey));
    expect(Buffer.from(identity.publicKey).toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const signature = await identitySigner(identity).sign(new Uint8Array());
    expect(Buffer.from(signature).toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });
});
