import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileGrowth, READER_PACE_MS, growingFileSink, readGrowingFile } from './growingFile';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-growing-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const KIB = 1024;

async function read(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Writes `parts` through the sink, each waiting for the one before, and records what `growth` held after each. */
async function writeAll(file: string, growth: FileGrowth, parts: Buffer[]): Promise<number[]> {
  const held: number[] = [];
  growth.on('change', () => held.push(growth.heldBytes));
  const sink = growingFileSink(file, growth);
  for (const part of parts) {
    if (!sink.write(part)) await new Promise((resolve) => sink.once('drain', resolve));
  }
  await new Promise<void>((resolve, reject) => sink.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return held;
}

describe('growing file', () => {
  it('holds at most its window of the newest bytes however far the writer runs ahead of a reader', async () => {
    const file = join(dir, 'a');
    const parts = Array.from({ length: 160 }, () => randomBytes(64 * KIB + 16));
    const growth = new FileGrowth(256 * KIB);
    const held = await writeAll(file, growth, parts);
    expect(held.length).toBeGreaterThan(1);
    expect(Math.max(...held)).toBeLessThanOrEqual(256 * KIB);
    expect(growth.heldBytes).toBeGreaterThan(0);
    // A reader that fell behind the window reads the rest back from the file.
    const whole = Buffer.concat(parts);
    expect((await read(readGrowingFile(file, growth, 0, whole.length))).equals(whole)).toBe(true);
  });

  it('gives a reader close behind the writer the bytes from memory instead of reading the file back', async () => {
    const file = join(dir, 'b');
    const parts = Array.from({ length: 8 }, () => randomBytes(64 * KIB));
    const growth = new FileGrowth(128 * KIB);
    await writeAll(file, growth, parts);
    const whole = Buffer.concat(parts);
    // Spoil the file: what memory holds (the last 128 KiB) still reads as written, the rest reads as the disk has it.
    writeFileSync(file, Buffer.alloc(whole.length));
    const tail = await read(readGrowingFile(file, growth, whole.length - 128 * KIB - 5, whole.length));
    expect(tail.subarray(0, 5).equals(Buffer.alloc(5))).toBe(true);
    expect(tail.subarray(5).equals(whole.subarray(whole.length - 128 * KIB))).toBe(true);
  });

  it('keeps the writer at a moving reader’s pace, so the reader takes everything from memory', async () => {
    const file = join(dir, 'd');
    const parts = Array.from({ length: 64 }, () => randomBytes(64 * KIB + 16));
    const whole = Buffer.concat(parts);
    const window = 1024 * KIB;
    const growth = new FileGrowth(window);
    let consumed = 0;
    let widestLead = 0;
    growth.on('change', () => (widestLead = Math.max(widestLead, growth.written - consumed)));
    const reading = (async () => {
      const pieces: Buffer[] = [];
      for await (const piece of readGrowingFile(file, growth, 0, whole.length)) {
        pieces.push(piece as Buffer);
        consumed += (piece as Buffer).length;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return Buffer.concat(pieces);
    })();
    // The reader starts first, as the upload does once its request is open.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writeAll(file, growth, parts);
    expect((await reading).equals(whole)).toBe(true);
    // Without pacing the writer is megabytes ahead at once; with it, never further than the window and what the
    // reader's stream buffers (256 KiB and a piece).
    expect(widestLead).toBeLessThanOrEqual(window + 512 * KIB);
  });

  it('stops waiting for a reader that stopped moving', async () => {
    const file = join(dir, 'e');
    const parts = Array.from({ length: 64 }, () => randomBytes(64 * KIB));
    const growth = new FileGrowth(256 * KIB);
    const stuck = readGrowingFile(file, growth, 0, 64 * 64 * KIB);
    const first = new Promise<void>((resolve) =>
      stuck.once('data', () => {
        stuck.pause();
        resolve();
      }),
    );
    const writing = writeAll(file, growth, parts);
    await first;
    const started = performance.now();
    await writing;
    // The local copy finishes after one pause of READER_PACE_MS, not never.
    expect(performance.now() - started).toBeLessThan(READER_PACE_MS * 10);
    expect(growth.finished).toBe(true);
    stuck.destroy();
  });

  it('holds nothing without a window, and the file has every byte in order', async () => {
    const file = join(dir, 'c');
    const parts = Array.from({ length: 20 }, (_, i) => randomBytes(1000 + i * 3000));
    const growth = new FileGrowth();
    const held = await writeAll(file, growth, parts);
    expect(held.every((bytes) => bytes === 0)).toBe(true);
    expect(readFileSync(file).equals(Buffer.concat(parts))).toBe(true);
    expect(growth.finished).toBe(true);
  });
});
