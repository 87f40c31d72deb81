// The desktop app's preferences (shared/ipc/schemas/settings.ts) in <data>/settings.json: read once at start, each
// change written atomically and announced. A missing or damaged file, or a field with a value this version does
// not know, falls back to the default for that field instead of stopping the app.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppSettings, DEFAULT_APP_SETTINGS, type AppSettingsChange } from '../../../shared/ipc';
import { writeFileAtomic } from '../account/atomicFile';
import type { Logger } from '../transport';

export const SETTINGS_FILE = 'settings.json';

export class SettingsStore {
  private readonly listeners = new Set<(settings: AppSettings) => void>();
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private current: AppSettings,
  ) {}

  static async open(dataDir: string, logger: Logger): Promise<SettingsStore> {
    const path = join(dataDir, SETTINGS_FILE);
    let stored: unknown = {};
    try {
      stored = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn('settings.unreadable', { error: error instanceof Error ? error.name : typeof error });
    }
    return new SettingsStore(path, settingsFrom(stored));
  }

  get(): AppSettings {
    return this.current;
  }

  /** Applies a (validated) change, writes it, and tells listeners. Changes are written in the order made. */
  async update(change: AppSettingsChange): Promise<AppSettings> {
    const next = AppSettings.parse({ ...this.current, ...stripUndefined(change) });
    this.current = next;
    const write = this.writes.then(async () => {
      await mkdir(join(this.path, '..'), { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.path, `${JSON.stringify(next, null, 2)}\n`);
    });
    this.writes = write.catch(() => undefined);
    await write;
    for (const listener of this.listeners) listener(next);
    return next;
  }

  onChange(listener: (settings: AppSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Each known field that is valid, the default for the rest; unknown fields are dropped. */
export function settingsFrom(stored: unknown): AppSettings {
  const result: Record<string, unknown> = { ...DEFAULT_APP_SETTINGS };
  if (stored && typeof stored === 'object') {
    for (const [key, schema] of Object.entries(AppSettings.shape)) {
      const parsed = schema.safeParse((stored as Record<string, unknown>)[key]);
      if (parsed.success) result[key] = parsed.data;
    }
  }
  return AppSettings.parse(result);
}

function stripUndefined(change: AppSettingsChange): AppSettingsChange {
  return Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
}
