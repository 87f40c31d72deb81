// StringPack writes MessagePack that Redis's cmsgpack reads (the Redis store tests run every mailbox operation through
// it); here, the exact bytes: array 32 headers, each ASCII string and bytes in the smallest str header (fixstr, str 8,
// str 16, str 32), other text as UTF-8 after a str 32 header, integers in the smallest of the three integer types it
// writes, and a buffer that grows past its first size.
import { describe, expect, it } from 'vitest';
import { StringPack } from './string-pack';

function str32(bytes: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = 0xdb;
  header.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([header, bytes]);
}

describe('StringPack', () => {
  it('packs ASCII strings and bytes under the smallest str header, other text as UTF-8 under str 32', () => {
    const packed = new StringPack().array(3).item('ack').item('né😀').item(new Uint8Array([0, 255])).finish();
    const arrayHeader = Buffer.from([0xdd, 0, 0, 0, 3]);
    expect(packed).toEqual(Buffer.concat([arrayHeader, Buffer.from([0xa3]), Buffer.from('ack'), str32(Buffer.from('né😀', 'utf8')), Buffer.from([0xa2, 0, 255])]));
  });

  it('writes fixstr below 32 bytes, str 8 below 256, str 16 below 65,536 and str 32 from there', () => {
    const lengths = [0, 31, 32, 255, 256, 65_535, 65_536];
    const pack = new StringPack().array(lengths.length * 2);
    for (const length of lengths) pack.item('k'.repeat(length)).item(new Uint8Array(length).fill(9));
    const headers: Record<number, number[]> = {
      0: [0xa0],
      31: [0xbf],
      32: [0xd9, 32],
      255: [0xd9, 255],
      256: [0xda, 1, 0],
      65_535: [0xda, 255, 255],
      65_536: [0xdb, 0, 1, 0, 0],
    };
    const expected = [Buffer.from([0xdd, 0, 0, 0, lengths.length * 2])];
    for (const length of lengths) {
      expected.push(Buffer.from(headers[length]!), Buffer.from('k'.repeat(length)), Buffer.from(headers[length]!), Buffer.alloc(length, 9));
    }
    expect(pack.finish().equals(Buffer.concat(expected))).toBe(true);
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
    expect(packed.length).toBe(5 + 3 + 5_000 + 3 + 10_000 + 5 + 6_000);
    expect(packed.subarray(packed.length - 6_000).toString('utf8')).toBe('é'.repeat(3_000));
  });
});
