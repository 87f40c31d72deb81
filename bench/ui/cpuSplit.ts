// Where the CPU of a bench:ui phase went, by process: the page's renderer, the rest of Chromium (its browser process,
// where IndexedDB runs, and its GPU and network processes), this process (the real core and the headless peers) and
// the relay. CPU seconds hold up on a loaded machine far better than wall time. With BENCH_UI_CPU_PROF=<dir> the
// catch-up also writes V8 CPU profiles of the page (renderer.cpuprofile) and of this process (core.cpuprofile).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import type { BrowserContext, CDPSession } from '@playwright/test';
import { cpuSeconds } from '../relay/machine';

export interface CpuSplit {
  /** Chromium renderer processes (the app's page). */
  renderer: number;
  /** Every other Chromium process: the browser process (IndexedDB), GPU, network, utilities. */
  chromiumOther: number;
  /** Of chromiumOther, the browser process alone: IndexedDB's backend runs there (GPU and utilities are the rest). */
  chromiumBrowser: number;
  /** This process: the app's core in the browser shell, and the headless peers. */
  core: number;
  relay: number;
}

/** Chromium's processes below this one, with their `--type` (none for the browser process itself). */
function chromiumProcesses(): { pid: number; type: string | undefined }[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const below = (pid: number): boolean => {
    for (let at = parents.get(pid); at !== undefined && at > 1; at = parents.get(at)) if (at === process.pid) return true;
    return false;
  };
  const found: { pid: number; type: string | undefined }[] = [];
  for (const pid of parents.keys()) {
    if (!below(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!/chrom/i.test(cmdline.split('\0')[0] ?? '')) continue;
      found.push({ pid, type: /--type=([a-z-]+)/.exec(cmdline)?.[1] });
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** CPU seconds so far of each part (processes that ended meanwhile are not counted). */
function sample(relayPid: number): Map<string, number> {
  const seconds = new Map<string, number>([
    ['core', cpuSeconds(process.pid) ?? 0],
    ['relay', cpuSeconds(relayPid) ?? 0],
  ]);
  for (const { pid, type } of chromiumProcesses()) {
    const part = type === 'renderer' ? `renderer:${pid}` : type === undefined ? `browser:${pid}` : `chromium:${pid}`;
    seconds.set(part, cpuSeconds(pid) ?? 0);
  }
  return seconds;
}

/** Starts counting; the returned function gives the CPU seconds spent by each part since. */
export function startCpuSplit(relayPid: number): () => CpuSplit {
  const before = sample(relayPid);
  return () => {
    const split: CpuSplit = { renderer: 0, chromiumOther: 0, chromiumBrowser: 0, core: 0, relay: 0 };
    for (const [part, seconds] of sample(relayPid)) {
      const spent = seconds - (before.get(part) ?? 0);
      if (part.startsWith('renderer:')) split.renderer += spent;
      else if (part.startsWith('browser:') || part.startsWith('chromium:')) {
        split.chromiumOther += spent;
        if (part.startsWith('browser:')) split.chromiumBrowser += spent;
      }
      else split[part as 'core' | 'relay'] += spent;
    }
    const round = (value: number) => Math.round(value * 100) / 100;
    return {
      renderer: round(split.renderer),
      chromiumOther: round(split.chromiumOther),
      chromiumBrowser: round(split.chromiumBrowser),
      core: round(split.core),
      relay: round(split.relay),
    };
  };
}

/** V8 CPU profiles of this process and of the first page the context opens, from now until stop(). */
export class CpuProfiles {
  private readonly core = new Session();
  private page: Promise<CDPSession> | undefined;

  private constructor(private readonly dir: string) {}

  static async start(dir: string, context: BrowserContext): Promise<CpuProfiles> {
    mkdirSync(dir, { recursive: true });
    const profiles = new CpuProfiles(dir);
    context.once('page', (page) => {
      profiles.page = (async () => {
        const cdp = await context.newCDPSession(page);
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.start');
        return cdp;
      })();
    });
    profiles.core.connect();
    await profiles.core.post('Profiler.enable');
    await profiles.core.post('Profiler.start');
    return profiles;
  }

  async stop(): Promise<void> {
    const { profile } = await this.core.post('Profiler.stop');
    writeFileSync(join(this.dir, 'core.cpuprofile'), JSON.stringify(profile));
    this.core.disconnect();
    const cdp = await this.page;
    if (!cdp) return;
    const { profile: page } = (await cdp.send('Profiler.stop')) as { profile: unknown };
    writeFileSync(join(this.dir, 'renderer.cpuprofile'), JSON.stringify(page));
  }
}
