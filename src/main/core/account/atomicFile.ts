// Replacing a file so that a crash at any moment leaves either the old or the new content, never a mix:
// write a temp file in the same folder, fsync it, rename it over the target, fsync the folder.
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file operations used, injectable so tests can fail any step. */
export interface AtomicFileSystem {
  open: typeof fsp.open;
  rename: typeof fsp.rename;
  unlink: typeof fsp.unlink;
}

const nodeFileSystem: AtomicFileSystem = { open: fsp.open, rename: fsp.rename, unlink: fsp.unlink };

/** Temp files are named `<target>.<random>.tmp`; readers of the folder ignore them. */
export function isTempFileOf(target: string, candidate: string): boolean {
  return candidate.startsWith(`${basename(target)}.`) && candidate.endsWith('.tmp');
}

export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: { mode?: number; fs?: AtomicFileSystem } = {},
): Promise<void> {
  const fs = options.fs ?? nodeFileSystem;
  const temp = join(dirname(target), `${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let renamed = false;
  try {
    const handle = await fs.open(temp, 'wx', options.mode ?? 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
    renamed = true;
    await syncDirectory(fs, dirname(target));
  } finally {
    if (!renamed) await fs.unlink(temp).catch(() => undefined);
  }
}

async function syncDirectory(fs: AtomicFileSystem, dir: string): Promise<void> {
  // Makes the rename itself durable. Some platforms (Windows) cannot open a folder; the rename is still atomic there.
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort, see above
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
