// Blob bytes on local disk: how an upload reaches stable storage with each durability.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordFileFlushes } from '../../../test/support/file-flushes';
import { makeTempDir, removeDir } from '../../../test/support/relay-harness';
import { LocalDiskBlobBytes } from './blob-bytes';

const MIB = 1024 * 1024;
let dir: string | undefined;

afterEach(() => {
  vi.restoreAllMocks();
  if (dir !== undefined) removeDir(dir);
  dir = undefined;
});

/** Appends `mib` MiB, a MiB at a time, to a new upload; the flushes made while appending and while persisting it. */
async function upload(durability: 'disk' | 'process', mib: number): Promise<{ appending: string[]; persisting: string[] }> {
  dir = makeTempDir();
  const bytes = await LocalDiskBlobBytes.open(dir, durability);
  writeFileSync(join(dir, 'blob1'), '');
  const events = await recordFileFlushes(dir);
  const chunk = Buffer.alloc(MIB, 7);
  const written = await bytes.append('blob1', 0, Readable.from(Array.from({ length: mib }, () => chunk)), mib * MIB);
  expect(written).toBe(mib * MIB);
  const appending = events.splice(0);
  await bytes.persist('blob1');
  return { appending, persisting: events };
}

describe('local disk blob bytes', () => {
  it("flushes a large upload while it is written, then its tail and its directory when it is persisted (durability 'disk')", async () => {
    const { appending, persisting } = await upload('disk', 80);
    // One flush at a time, started every 32 MiB written: at least one while appending 80 MiB, at most two.
    expect(appending.length).toBeGreaterThanOrEqual(1);
    expect(appending.length).toBeLessThanOrEqual(2);
    expect(new Set(appending)).toEqual(new Set(['datasync']));
    expect(persisting).toEqual(['datasync', 'sync']);
  });

  it('leaves a small upload to the flush that persists it', async () => {
    const { appending, persisting } = await upload('disk', 4);
    expect(appending).toEqual([]);
    expect(persisting).toEqual(['datasync', 'sync']);
  });

  it("flushes nothing with durability 'process'", async () => {
    const { appending, persisting } = await upload('process', 80);
    expect(appending).toEqual([]);
    expect(persisting).toEqual([]);
  });
});
