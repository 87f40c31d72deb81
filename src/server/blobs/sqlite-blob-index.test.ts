// The embedded blob index against the shared blob index contract, and when its writes are flushed to disk.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir, removeDir } from '../../../test/support/relay-harness';
import { describeBlobIndexContract } from './blob-index.contract';
import { SqliteBlobIndex } from './sqlite-blob-index';

const flushes = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    fdatasync: (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      flushes.count++;
      fs.fdatasync(fd, callback);
    },
  };
});

describeBlobIndexContract('SQLite', async () => {
  const dataDir = makeTempDir();
  const index = new SqliteBlobIndex(dataDir, 'disk');
  return {
    index,
    async destroy() {
      await index.close();
      removeDir(dataDir);
    },
  };
});

describe('SQLite blob index durability', () => {
  let dataDir: string | undefined;
  afterEach(() => {
    if (dataDir !== undefined) removeDir(dataDir);
    dataDir = undefined;
  });

  /** The WAL flushes each step causes, in order. */
  async function flushesPerStep(durability: 'disk' | 'process'): Promise<Record<string, number>> {
    dataDir = makeTempDir();
    const index = new SqliteBlobIndex(dataDir, durability);
    const owner = { user: 'alice', device: 1 };
    const counted: Record<string, number> = {};
    const step = async (name: string, work: () => Promise<unknown>) => {
      const before = flushes.count;
      await work();
      counted[name] = flushes.count - before;
    };
    await step('reserve', () => index.reserve({ id: 'b1', owner, size: 10, now: 1 }, 1_000));
    await step('touch', () => index.touch('b1', 2));
    await step('complete', () => index.complete('b1', 3, 1_000));
    await step('grant', () => index.grant('b1', [{ user: 'bob', device: 1 }]));
    await index.close();
    return counted;
  }

  it("flushes the WAL before a completion or a grant resolves with durability 'disk' (a message naming the blob depends on both)", async () => {
    expect(await flushesPerStep('disk')).toEqual({ reserve: 0, touch: 0, complete: 1, grant: 1 });
  });

  it("flushes nothing with durability 'process'", async () => {
    expect(await flushesPerStep('process')).toEqual({ reserve: 0, touch: 0, complete: 0, grant: 0 });
  });
});
