import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir, removeDir } from '../../../../test/support/relay-harness';

const calls = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    fdatasync: (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      calls.count++;
      fs.fdatasync(fd, callback);
    },
  };
});
const { WalSync } = await import('./wal-sync');

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) removeDir(dir);
  calls.count = 0;
});

describe('WalSync', () => {
  it('groups flushes requested while one runs into a single next flush', async () => {
    dir = makeTempDir('parley-wal-');
    const path = join(dir, 'db-wal');
    writeFileSync(path, '');
    const sync = new WalSync(path);
    const first = sync.flush(); // starts a flush at once
    const rest = Array.from({ length: 20 }, () => sync.flush()); // committed meanwhile: need a later flush
    await Promise.all([first, ...rest]);
    expect(calls.count).toBe(2);
    await sync.flush();
    expect(calls.count).toBe(3);
    await sync.close();
    await expect(sync.flush()).rejects.toThrow(/closed/);
  });
});
