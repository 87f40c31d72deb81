// This install's random rollout id (16 bytes, hex, in <data>/update-rollout-id): it places the install in staged
// rollouts the same way every time, and says nothing about the user (it is never sent anywhere).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../account/atomicFile';

export const ROLLOUT_ID_FILE = 'update-rollout-id';

export async function loadRolloutId(dataDir: string): Promise<string> {
  const path = join(dataDir, ROLLOUT_ID_FILE);
  const stored = await readFile(path, 'utf8').then((text) => text.trim(), () => '');
  if (/^[0-9a-f]{32}$/.test(stored)) return stored;
  const id = randomBytes(16).toString('hex');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${id}\n`);
  return id;
}
