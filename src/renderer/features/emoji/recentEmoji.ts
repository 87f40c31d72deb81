// Recently used emoji, newest first, shown first in the pickers. Kept in the history database's `meta` table, so
// sealed at rest like everything else the renderer keeps (docs/security.md §10.2), never in localStorage.
import type { ParleyDatabase } from '../../db/database';
import { MAX_REACTION_CHARS } from '../../../shared/conversations/messageRules';

const KEY = 'emoji.recent';
/** How many are remembered (three rows of the picker). */
export const RECENT_EMOJI_LIMIT = 24;

export async function readRecentEmoji(db: ParleyDatabase): Promise<string[]> {
  const value = (await db.meta.get(KEY))?.value;
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item.length > 0 && item.length <= MAX_REACTION_CHARS).slice(0, RECENT_EMOJI_LIMIT) : [];
}

export async function noteEmojiUsed(db: ParleyDatabase, emoji: string): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    const recent = await readRecentEmoji(db);
    await db.meta.put({ key: KEY, value: [emoji, ...recent.filter((item) => item !== emoji)].slice(0, RECENT_EMOJI_LIMIT) });
  });
}
