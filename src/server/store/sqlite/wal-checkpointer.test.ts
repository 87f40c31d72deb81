// The checkpoint worker never keeps the relay's process alive on its own: a process that opened one on its database
// and has nothing else to do ends.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('WalCheckpointer', () => {
  it('lets the process end while it is open and idle', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-wal-'));
    dirs.push(dir);
    const databasePath = join(dir, 'relay.sqlite');
    const db = new Database(databasePath);
    db.pragma('journal_mode = WAL');
    db.close();
    const script = `import('./src/server/store/sqlite/wal-checkpointer.ts').then(({ WalCheckpointer }) => {
      new WalCheckpointer(${JSON.stringify(databasePath)}, { minIntervalMs: 50, onFailure: (message) => console.log('failed: ' + message) });
      console.log('opened');
    });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
    clearTimeout(killer);
    expect(output.trim()).toBe('opened');
    // Killed after 45 s: the worker held the process open.
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
