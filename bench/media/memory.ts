// Peak resident memory of a child process over one operation, from /proc (Linux): the kernel's own high-water mark
// (VmHWM), reset before the operation by writing 5 to /proc/<pid>/clear_refs, minus the resident size at that
// moment. Where the reset is refused the peak since start is used, which can only overstate the growth.
import { readFileSync, writeFileSync } from 'node:fs';

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface PeakMeter {
  /** Bytes of resident memory above the level at start(), at the peak; undefined where /proc is not there. */
  growth(): number | undefined;
}

export function startPeakMeter(pid: number): PeakMeter {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Older kernels or no permission: VmHWM then holds the peak since the process started.
  }
  const base = statusField(pid, 'VmRSS');
  return {
    growth() {
      const peak = statusField(pid, 'VmHWM');
      return base === undefined || peak === undefined ? undefined : Math.max(0, peak - base);
    },
  };
}
