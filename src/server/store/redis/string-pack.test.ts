// StringPack writes MessagePack that Redis's cmsgpack reads (the Redis store tests run every mailbox operation through
// it); here, the exact bytes: array 32 and str 32 headers, ASCII copied, other text as UTF-8, bytes as they are,
// integers in the smallest of the three integer types it writes, and a buffer that grows past its first size.
import { describe, expect, it } from 'vitest';
import { StringPack } from './string-pack';

function str(bytes: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = 0xdb;
  header.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([header, bytes]);
}

describe('StringPack', () => {
  it('packs arrays of strings and bytes as MessagePack array 32 and str 32', () => {
    const packed = new StringPack().array(3).item('ack').item('né😀').item(new Uint8Array([0, 255])).finish();
    const arrayHeader = Buffer.from([0xdd, 0, 0, 0, 3]);
    expect(packed).toEqual(Buffer.concat([arrayHeader, str(Buffer.from('ack')), str(Buffer.from('né😀', 'utf8')), str(Buffer.from([0, 255]))]));
  });

  it('packs integers as positive fixint, uint 32 or int 64, and refuses what is not a safe integer', () => {
    const packed = new StringPack().array(5).item(5).item(300).item(2 ** 32 + 7).item(-12).item(1_733_372_400_000).finish();
    const int64 = (value: bigint) => {
      const bytes = Buffer.alloc(9);
      bytes[0] = 0xd3;
      bytes.writeBigInt64BE(value, 1);
      return bytes;
    };
    expect(packed).toEqual(
      Buffer.concat([Buffer.from([0xdd, 0, 0, 0, 5, 5, 0xce, 0, 0, 1, 44]), int64(2n ** 32n + 7n), int64(-12n), int64(1_733_372_400_000n)]),
    );
    expect(() => new StringPack().item(1.5)).toThrow(RangeError);
  });

  it('grows past its first buffer', () => {
    const big = new Uint8Array(10_000).fill(7);
    const pack = new StringPack().array(3).item('x'.repeat(5_000)).item(big).item('é'.repeat(3_000));
    const packed = pack.finish();
    expect(packed.length).toBe(5 + 5 + 5_000 + 5 + 10_000 + 5 + 6_000);
    expect(packed.subarray(packed.length - 6_000).toString('utf8')).toBe('é'.repeat(3_000));
  });
});
