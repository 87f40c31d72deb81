import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkOffset } from '../../../../shared/media/attachmentFormat';
import type { EncryptedAttachment } from '../cipher/AttachmentEncryptor';
import { encryptToFile } from './encryptToFile';
import { FileGrowth } from './growingFile';
import { plaintextRange } from './plaintextRange';

let dir: string;
let file: string;
let plaintext: Buffer;
let meta: EncryptedAttachment;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-range-'));
  file = join(dir, 'a.pat');
  plaintext = randomBytes(700_000);
  meta = await encryptToFile(Readable.from([plaintext]), file);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const range = (start: number, end: number, extra: { file?: string; growth?: FileGrowth } = {}) =>
  plaintextRange({ file, key: meta.key, size: meta.size, chunkBytes: meta.chunkBytes, start, end, ...extra });

describe('plaintextRange', () => {
  it('serves any range of the plaintext, across chunk edges and up to the last byte', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(plaintext.length - 1), fc.nat(200_000), async (start, length) => {
        const end = Math.min(plaintext.length - 1, start + length);
        return (await read(range(start, end))).equals(plaintext.subarray(start, end + 1));
      }),
      { numRuns: 40 },
    );
    expect((await read(range(0, plaintext.length - 1))).equals(plaintext)).toBe(true);
  });

  it('refuses a range outside the attachment', () => {
    expect(() => range(10, plaintext.length)).toThrow(RangeError);
    expect(() => range(5, 4)).toThrow(RangeError);
  });

  it('ends with chunk_tampered at a changed chunk, after passing only the chunks before it', async () => {
    const tampered = join(dir, 'tampered.pat');
    const bytes = readFileSync(file);
    bytes[chunkOffset(3) + 5]! ^= 1;
    writeFileSync(tampered, bytes);
    const parts: Buffer[] = [];
    const stream = range(0, plaintext.length - 1, { file: tampered });
    await expect(
      (async () => {
        for await (const part of stream) parts.push(part as Buffer);
      })(),
    ).rejects.toMatchObject({ code: 'chunk_tampered' });
    expect(Buffer.concat(parts).equals(plaintext.subarray(0, 3 * 65_536))).toBe(true);
  });

  it('waits for a file that is still arriving and serves the range once its chunks are there', async () => {
    const arriving = join(dir, 'arriving.pat');
    const bytes = readFileSync(file);
    const growth = new FileGrowth();
    writeFileSync(arriving, bytes.subarray(0, 1000));
    growth.grew(1000);
    const reading = read(range(400_000, 450_000, { file: arriving, growth }));
    for (let at = 1000; at < bytes.length; at += 100_000) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const next = Math.min(bytes.length, at + 100_000);
      appendFileSync(arriving, bytes.subarray(at, next));
      growth.grew(next);
    }
    growth.finish();
    expect((await reading).equals(plaintext.subarray(400_000, 450_001))).toBe(true);
  });
});
