// What the relay can tell about its file-descriptor limit: every connected device holds one socket, so the soft
// limit on open files caps how many devices one relay process serves (docs/operations.md, "File descriptors").
// Linux only (/proc); elsewhere it says nothing.
import { readFileSync } from 'node:fs';

/** Descriptors the relay holds besides device sockets: the listener, the database and its WAL, workers, logs. */
export const FIXED_DESCRIPTORS = 64;

/** The soft limit on open files of this process, or undefined where /proc/self/limits is not available. */
export function openFilesSoftLimit(limitsFile = '/proc/self/limits'): number | undefined {
  let text: string;
  try {
    text = readFileSync(limitsFile, 'utf8');
  } catch {
    return undefined;
  }
  const line = text.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  if (soft === undefined) return undefined;
  return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
}

/** Devices this limit leaves room for once the fixed descriptors and every unauthenticated slot are counted. */
export function deviceCapacity(softLimit: number, maxUnauthenticated: number): number {
  return Math.max(0, softLimit - FIXED_DESCRIPTORS - maxUnauthenticated);
}
