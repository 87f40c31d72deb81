// StringPack writes MessagePack that Redis's cmsgpack reads (the Redis store tests run every mailbox operation through
// it); here, the exact bytes: array 32 and str 32 headers, ASCII copied, other text as UTF-8, numbers as text, bytes
// as they are, and a buffer that grows past its first size.
import { describe, expect, it } from 'vitest';
import { StringPack } from './string-pack';

function str(bytes: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = 0xdb;
  header.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([header, bytes]);
}

describe('StringPack', () => {
  it('packs arrays of strings, numbers and bytes as MessagePack array 32 and str 32', () => {
    const packed = new StringPack().array(4).item('ack').item(-12).item('né😀').item(new Uint8Array([0, 255])).finish();
    const arrayHeader = Buffer.from([0xdd, 0, 0, 0, 4]);
    expect(packed).toEqual(Buffer.concat([arrayHeader, str(Buffer.from('ack')), str(Buffer.from('-12')), str(Buffer.from('né😀', 'utf8')), str(Buffer.from([0, 255]))]));
  });

  it('grows past its first buffer', () => {
    const big = new Uint8Array(10_000).fill(7);
    const pack = new StringPack().array(3).item('x'.repeat(5_000)).item(big).item('é'.repeat(3_000));
    const packed = pack.finish();
    expect(packed.length).toBe(5 + 5 + 5_000 + 5 + 10_000 + 5 + 6_000);
    expect(packed.subarray(packed.length - 6_000).toString('utf8')).toBe('é'.repeat(3_000));
  });
});
