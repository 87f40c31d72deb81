import { describe, expect, it } from 'vitest';
import { importHistoryKeys } from './historyKeys';
import { openFields, sealFields } from './rowCipher';

const RAW_KEY = Uint8Array.from({ length: 32 }, (_, index) => index * 7);

/** The same key twice, as two key objects: what one seals, the other opens by decrypting (its cache is per key object). */
async function twoKeyObjects(): Promise<[CryptoKey, CryptoKey]> {
  const [a, b] = await Promise.all([importHistoryKeys(new Uint8Array(RAW_KEY)), importHistoryKeys(new Uint8Array(RAW_KEY))]);
  return [a.rows, b.rows];
}

const nonceOf = (sealed: Uint8Array) => Array.from(sealed.subarray(1, 13), (byte) => byte.toString(16).padStart(2, '0')).join('');

describe('rowCipher', () => {
  it('gives every sealed row a nonce of its own, beyond the thousands one pool holds', async () => {
    const [sealer, opener] = await twoKeyObjects();
    const sealed = await Promise.all(Array.from({ length: 9_000 }, (_, index) => sealFields(sealer, 'messages', { body: `message ${index}` })));
    expect(new Set(sealed.map(nonceOf)).size).toBe(9_000);
    // Nonces are random, not a counter or all zero.
    expect(new Set(sealed.map((row) => row[1])).size).toBeGreaterThan(100);
    for (const index of [0, 4_095, 4_096, 8_191, 8_192, 8_999]) {
      expect(await openFields(opener, 'messages', sealed[index] as Uint8Array<ArrayBuffer>)).toEqual({ body: `message ${index}` });
    }
  });

  it('opens bytes anywhere in the fields as bytes, and fields without bytes as they were', async () => {
    const [sealer, opener] = await twoKeyObjects();
    const withBytes = { body: 'photo', attachments: [{ name: 'a.png', key: Uint8Array.from([1, 2, 3]), nested: { digest: Uint8Array.from([255, 0]) } }], keptContent: { wire: Uint8Array.from([9]) } };
    const withoutBytes = { body: 'plain "quoted" text ✓', quote: { messageId: 'm1', body: 'hi' }, reactions: [{ emoji: '👍', from: 'bob' }], count: 3, flag: true, nothing: null };
    const opened = await Promise.all([withBytes, withoutBytes].map(async (fields) => openFields(opener, 'messages', (await sealFields(sealer, 'messages', fields)) as Uint8Array<ArrayBuffer>)));
    expect(opened).toEqual([withBytes, withoutBytes]);
    const attachment = (opened[0] as typeof withBytes).attachments[0]!;
    expect(attachment.key).toBeInstanceOf(Uint8Array);
    expect(attachment.nested.digest).toBeInstanceOf(Uint8Array);
  });
});
