// Counts what node:fs/promises file handles flush to disk, in order: `datasync` (a file's data) and `sync` (all of
// it, also used on directories). Spies on the FileHandle prototype, so it sees every handle of the process; undo
// with `vi.restoreAllMocks()`.
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { vi } from 'vitest';

export type FileFlush = 'datasync' | 'sync';

/** Records into `events` from now on; `scratchDir` gets (and loses) one empty file, to reach the prototype. */
export async function recordFileFlushes(scratchDir: string, events: string[] = []): Promise<string[]> {
  const probePath = join(scratchDir, '.flush-probe');
  const probe = await open(probePath, 'w');
  const handles = Object.getPrototypeOf(probe) as Record<FileFlush, () => Promise<void>>;
  await probe.close();
  await rm(probePath);
  for (const method of ['datasync', 'sync'] as const) {
    const original = handles[method];
    vi.spyOn(handles, method).mockImplementation(function (this: unknown) {
      events.push(method);
      return original.call(this);
    });
  }
  return events;
}
