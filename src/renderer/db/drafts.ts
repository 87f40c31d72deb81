// Unsent drafts in IndexedDB: one row per conversation with text, none for an empty draft.
import type { ParleyDatabase } from './database';

export async function loadDrafts(db: ParleyDatabase): Promise<Record<string, string>> {
  const rows = await db.drafts.toArray();
  return Object.fromEntries(rows.map((row) => [row.conversationId, row.text]));
}

/** Writes one conversation's draft; an empty one is deleted. */
export async function saveDraft(db: ParleyDatabase, conversationId: string, text: string): Promise<void> {
  if (text === '') await db.drafts.delete(conversationId);
  else await db.drafts.put({ conversationId, text });
}
