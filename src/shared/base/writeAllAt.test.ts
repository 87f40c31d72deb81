import { describe, expect, it } from 'vitest';
import { writeAllAt, type PositionalFile } from './writeAllAt';

/** A file in memory whose writev stops after `limit` bytes, as a short write does. */
function shortWritingFile(limit: number): PositionalFile & { bytes: number[] } {
  const bytes: number[] = [];
  const put = (buffer: Uint8Array, position: number) => buffer.forEach((byte, i) => (bytes[position + i] = byte));
  return {
    bytes,
    async writev(buffers, position) {
      const joined = Uint8Array.from(buffers.flatMap((b) => [...b])).subarray(0, limit);
      put(joined, position);
      return { bytesWritten: joined.length };
    },
    async write(buffer, offset, length, position) {
      const part = buffer.subarray(offset, offset + Math.min(length, 2));
      put(part, position);
      return { bytesWritten: part.length };
    },
  };
}

describe('writeAllAt', () => {
  it('finishes what a short vectored write left, at the right positions', async () => {
    const file = shortWritingFile(3);
    const end = await writeAllAt(file, [Uint8Array.of(1, 2), Uint8Array.of(3, 4, 5), Uint8Array.of(6)], 10);
    expect(end).toBe(16);
    expect(file.bytes.slice(10)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('returns after one call when the vectored write takes everything', async () => {
    const file = shortWritingFile(Infinity);
    expect(await writeAllAt(file, [Uint8Array.of(7, 8)], 0)).toBe(2);
    expect(file.bytes).toEqual([7, 8]);
  });
});
