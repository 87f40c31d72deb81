// The provisioning cipher: only the code's key pair opens a message, for that address only; every altered byte,
// a wrong version or a truncated body is refused; both providers produce messages the other opens.
import { describe, expect, it } from 'vitest';
import { nobleCryptoProvider as noble } from './noble-provider';
import { openProvisionMessage, sealProvisionMessage } from './provisioning';
import { CryptoError } from './errors';
import { utf8Decode, utf8Encode } from '../encoding/utf8';

const ADDRESS = 'k3Fq9v2xYb1LmN0pQrStUw';

function codeOf(code: unknown): string | undefined {
  return code instanceof CryptoError ? code.code : undefined;
}

function refusal(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return codeOf(error);
  }
  return undefined;
}

describe('provisioning cipher', () => {
  const code = noble.x25519GenerateKeyPair();
  const secret = utf8Encode('{"user":"alice","accountSecret":"…"}');

  it('opens with the code’s key pair at the same address, with a fresh sender key every time', () => {
    const a = sealProvisionMessage(noble, code.publicKey, ADDRESS, secret);
    const b = sealProvisionMessage(noble, code.publicKey, ADDRESS, secret);
    expect(utf8Decode(openProvisionMessage(noble, code, ADDRESS, a))).toBe(utf8Decode(secret));
    expect(a.slice(1, 33)).not.toEqual(b.slice(1, 33));
    expect(a.length).toBe(1 + 32 + 12 + secret.length + 16);
  });

  it('refuses another key pair, another address, any altered byte, another version and truncation', () => {
    const body = sealProvisionMessage(noble, code.publicKey, ADDRESS, secret);
    expect(refusal(() => openProvisionMessage(noble, noble.x25519GenerateKeyPair(), ADDRESS, body))).toBe('tampered');
    expect(refusal(() => openProvisionMessage(noble, code, 'AAAAAAAAAAAAAAAAAAAAAA', body))).toBe('tampered');
    for (let i = 1; i < body.length; i += 7) {
      const altered = body.slice();
      altered[i]! ^= 0x01;
      expect(refusal(() => openProvisionMessage(noble, code, ADDRESS, altered)), `byte ${i}`).toMatch(/tampered|bad_key/);
    }
    const otherVersion = body.slice();
    otherVersion[0] = 2;
    expect(refusal(() => openProvisionMessage(noble, code, ADDRESS, otherVersion))).toBe('bad_message');
    expect(refusal(() => openProvisionMessage(noble, code, ADDRESS, body.slice(0, 40)))).toBe('bad_message');
  });
});
